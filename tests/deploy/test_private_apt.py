#!/usr/bin/env python3
"""The build leaves the machine alone (docs/building.md).

`make build-ScanwardenFunction` (what `sam build` runs) and scripts/build-deps.sh
fetch Debian source packages with a private apt configuration under SW_DEPS_WORK:
/etc/apt must be byte for byte what it was, and the system's package lists must not
have been refreshed. With a fresh private apt state (a new temporary work folder):

  1. make build-ScanwardenFunction on the cached lean prefix: derives the deb-src
     sources, downloads the source package lists into the private state, finds the
     prefix up to date and builds the artifact;
  2. build-deps.sh --fetch-only: apt-get source of curl and cjson (download and
     unpack) with the private configuration;
  3. where a private configuration cannot work, a clear error that says what to do:
     an unreachable mirror (SW_APT_SOURCES), no apt-get and no dnf at all.

/etc/apt (every path, its type, mode and content checksum or link target) and
/var/lib/apt/lists (names, sizes, modification times) are snapshotted before and
compared after. Needs apt-get and a reachable Debian mirror (else exit 77, saying why);
step 1 needs the lean prefix (scripts/test.sh builds it).

    test_private_apt.py
"""

import hashlib
import os
import shutil
import stat
import sys
import tempfile

from deploy_common import BUILD, PREFIX, SKIP, SOURCE, Fail, Skip, check, run

SCRIPT = os.path.join(SOURCE, "scripts", "build-deps.sh")
NO_LISTS = "could not download the source package lists"


def snapshot_etc_apt(top="/etc/apt"):
    """{relative path: (kind, mode, sha256 or link target)} for everything under top."""
    snap = {}
    for d, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(d, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, top)
            if stat.S_ISLNK(st.st_mode):
                snap[rel] = ("link", st.st_mode, os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                snap[rel] = ("dir", st.st_mode, None)
            else:
                with open(path, "rb") as f:
                    snap[rel] = ("file", st.st_mode, hashlib.sha256(f.read()).hexdigest())
    return snap


def snapshot_lists(top="/var/lib/apt/lists"):
    snap = {}
    for d, _, files in os.walk(top):
        for name in files:
            path = os.path.join(d, name)
            st = os.lstat(path)
            snap[os.path.relpath(path, top)] = (st.st_size, st.st_mtime_ns)
    return snap


def diff(before, after):
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    return {"added": sorted(after.keys() - before.keys()),
            "removed": sorted(before.keys() - after.keys()), "changed": changed}


def deps_env(work, **extra):
    env = dict(os.environ, SW_DEPS_WORK=work, SW_DEPS_PREFIX=PREFIX)
    env.pop("SW_APT_SOURCES", None)
    env.pop("SW_DEPS_SOURCES", None)
    # The build must run build-deps.sh (its apt use is what is checked); on the cached
    # prefix it only reads the lists and finds the prefix up to date.
    env.pop("SW_DEPS_NO_BUILD", None)
    env.pop("SW_ARCH", None)
    env.update(extra)
    return env


def fresh_build(tmp):
    """make build-ScanwardenFunction with a fresh private apt state, on the cached prefix."""
    if not os.path.isfile(os.path.join(PREFIX, ".sw-deps-stamp")):
        return "no lean prefix at %s (scripts/test.sh builds it): make build-ScanwardenFunction " \
               "not run" % PREFIX
    work = os.path.join(tmp, "work-build")
    artifacts = os.path.join(tmp, "artifact")
    env = deps_env(work, SW_ARTIFACT_BUILD_DIR=os.path.join(BUILD, "deploy-artifact-build"))
    r = run(["make", "-s", "-C", SOURCE, "build-ScanwardenFunction", "ARTIFACTS_DIR=" + artifacts], env=env)
    if r.returncode != 0 and NO_LISTS in r.stderr:
        raise Skip("no Debian mirror reachable from this machine:\n%s" % r.stderr[-2000:])
    check(r.returncode == 0, "make build-ScanwardenFunction failed:\n%s%s" % (r.stdout[-3000:], r.stderr[-3000:]))
    check(os.access(os.path.join(artifacts, "bootstrap"), os.X_OK), "no bootstrap in %s" % artifacts)
    check("up to date" in r.stderr, "the cached prefix was not reused:\n%s" % r.stderr[-2000:])
    lists = os.listdir(os.path.join(work, "apt", "state", "lists"))
    check(any(n.endswith("_Sources") or "_Sources." in n for n in lists),
          "no Sources index in the private lists: %s" % lists)
    return None


def fetch_sources(tmp):
    """build-deps.sh --fetch-only: apt-get source curl and cjson, private state."""
    work = os.path.join(tmp, "work-fetch")
    r = run(["bash", SCRIPT, "--fetch-only"], env=deps_env(work))
    if r.returncode != 0 and NO_LISTS in r.stderr:
        raise Skip("no Debian mirror reachable from this machine:\n%s" % r.stderr[-2000:])
    check(r.returncode == 0, "build-deps.sh --fetch-only failed:\n%s" % r.stderr[-3000:])
    src = os.path.join(work, "src")
    names = os.listdir(src)
    curl = [n for n in names if n.startswith("curl-") and os.path.isfile(os.path.join(src, n, "configure"))]
    cjson = [n for n in names if n.startswith("cjson-") and os.path.isfile(os.path.join(src, n, "cJSON.c"))]
    check(curl and cjson, "apt-get source left no curl/cjson source tree in %s: %s" % (src, names))
    sources_dir = os.path.join(work, "apt", "etc", "sources.list.d")
    text = "".join(open(os.path.join(sources_dir, n), encoding="utf-8").read() for n in os.listdir(sources_dir))
    check("deb-src" in text, "the private sources have no deb-src entry:\n%s" % text)
    return "%s, %s (private sources: %s)" % (curl[0], cjson[0], sorted(os.listdir(sources_dir)))


def failures_say_what_to_do(tmp):
    # An unreachable mirror: the lists cannot be downloaded.
    bad = os.path.join(tmp, "unreachable.list")
    with open(bad, "w") as f:
        f.write("deb-src http://127.0.0.1:9/debian bookworm main\n")
    r = run(["bash", SCRIPT, "--fetch-only"],
            env=deps_env(os.path.join(tmp, "work-bad"), SW_APT_SOURCES=bad), timeout=120)
    check(r.returncode != 0, "build-deps.sh succeeded with an unreachable mirror")
    for hint in (NO_LISTS, "SW_APT_SOURCES", "SW_DEPS_SOURCES", "docs/building.md"):
        check(hint in r.stderr, "the unreachable-mirror error does not say %r:\n%s" % (hint, r.stderr))

    # Neither apt-get nor dnf: PATH holds every command of the system but those.
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    for d in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            dest = os.path.join(bindir, name)
            if name in ("apt-get", "apt-cache", "apt", "dnf", "yum") or os.path.lexists(dest):
                continue
            os.symlink(os.path.join(d, name), dest)
    r = run(["bash", SCRIPT, "--fetch-only"], env=deps_env(os.path.join(tmp, "work-noapt"), PATH=bindir))
    check(r.returncode != 0, "build-deps.sh succeeded without apt-get or dnf")
    check("neither apt-get nor dnf" in r.stderr and "SW_DEPS_SOURCES" in r.stderr,
          "the no-package-manager error does not say what to do:\n%s" % r.stderr)


def main():
    if not shutil.which("apt-get"):
        print("SKIPPED: apt-get is not installed (not a Debian system); the private apt "
              "configuration is Debian's")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="sw-private-apt-")
    etc_before, lists_before = snapshot_etc_apt(), snapshot_lists()
    try:
        note = fresh_build(tmp)
        fetched = fetch_sources(tmp)
        failures_say_what_to_do(tmp)
        etc_diff, lists_diff = diff(etc_before, snapshot_etc_apt()), diff(lists_before, snapshot_lists())
        check(not any(etc_diff.values()), "/etc/apt changed: %s" % etc_diff)
        check(not any(lists_diff.values()), "the system's package lists changed: %s" % lists_diff)
    except Skip as e:
        print("SKIPPED: %s" % e)
        return SKIP
    except Fail as e:
        print("FAILED: %s" % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("fetched %s; /etc/apt (%d paths) and /var/lib/apt/lists (%d files) unchanged"
          % (fetched, len(etc_before), len(lists_before)))
    if note:
        print("SKIPPED: %s" % note)
        return SKIP
    print("PASSED: private apt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
