#!/usr/bin/env python3
"""Tests of the deployable artifact (scripts/build-artifact.sh, scripts/package.sh).

The artifact must run on provided.al2023 with nothing from the image but glibc:
  glibc      its versioned glibc symbols are <= GLIBC_2.34 and it needs no shared
             library beyond glibc's; scripts/check-artifact.sh rejects the
             system-linked build of the same program.
  chroot     in a chroot holding only the artifact (at /var/task), the glibc loader
             and libraries and a CA file, it serves invocations from the local
             Runtime API server (outside the chroot, on loopback), and the bootstrap
             restores switched-off ECR scanning in moto_server (IAM auth, the
             template's policy) and notifies; the system-linked build cannot even
             start there. A probe linked like the artifact shows
             the lean libcurl's protocols/features and verifies an HTTPS peer against
             the CA file at curl's compiled-in default path (Amazon Linux's).
  package    scripts/package.sh gives the same zip bytes twice, <= 3 MB, holding
             only an executable bootstrap; `make package` names it
             scanwarden-VERSION-ARCH.zip (CMake's project VERSION, x86_64/arm64).

With --arch arm64 (on an x86_64 machine) the same glibc and chroot checks run on
the cross-built arm64 artifact, under qemu-aarch64 invoked explicitly (inside the
chroot too: a static qemu copied in); tests/deploy/emulated.py says what that needs.
The glibc check then also shows the checker rejecting a binary of the wrong
architecture. The release check builds `make release` twice, in two copies of the
source at different paths, and compares the zips and SHA256SUMS byte for byte.

Needs the lean prefix from scripts/build-deps.sh (scripts/test.sh builds it when
it is missing; set SW_DEPS_PREFIX to use another): without it each test exits 77
(ctest reports it skipped) and says so. The chroot test needs root.

    test_artifact.py --target echo --system-binary build/examples/echo [--arch arm64] \
        glibc|chroot|package|release
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import emulated
from deploy_common import BUILD, PREFIX, SKIP, SOURCE, Fail, Skip, check, run

sys.path.insert(0, os.path.join(SOURCE, "tests", "peers"))
from local_http import LocalHttpServer  # noqa: E402  (tests/peers)

MAX_GLIBC = (2, 34)
MAX_ZIP_BYTES = 3 * 1024 * 1024
ALLOWED_NEEDED = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
                  "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
AL2023_CA_BUNDLE = "/etc/pki/tls/certs/ca-bundle.crt"
WAIT_SECONDS = 20


def require_prefix():
    if not os.path.isfile(os.path.join(PREFIX, ".sw-deps-stamp")):
        raise Skip("no lean dependency prefix at %s: run `scripts/build-deps.sh %s` first "
                   "(scripts/test.sh does when it is missing)" % (PREFIX, PREFIX))


def build_artifact(target, out_dir, arch=emulated.HOST):
    """scripts/build-artifact.sh for arch into out_dir, on the existing prefix, in its own
    build dir."""
    if arch == emulated.HOST:
        require_prefix()
    return emulated.build_program(target, out_dir, arch)


def glibc_versions(binary):
    out = run(["readelf", "-V", "-W", binary]).stdout
    return sorted({tuple(int(x) for x in v.split(".")) for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", out)})


def needed(binary):
    out = run(["readelf", "-d", "-W", binary]).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def check_artifact(directory, max_glibc=None, arch=emulated.HOST):
    cmd = ["bash", os.path.join(SOURCE, "scripts", "check-artifact.sh"), directory,
           max_glibc or "2.34", arch]
    return run(cmd)


def elf_machine(binary):
    m = re.search(r"^\s*Machine:\s*(.+)$", run(["readelf", "-h", binary]).stdout, re.M)
    return m.group(1).strip() if m else None


# ---------------------------------------------------------------- glibc
def test_glibc(args, work):
    binary = build_artifact(args.target, os.path.join(work, "artifact"), args.arch)
    machine = elf_machine(binary)
    check(machine == {"x86_64": "Advanced Micro Devices X86-64", "arm64": "AArch64"}[args.arch],
          "the %s artifact's ELF machine is %s" % (args.arch, machine))
    versions = glibc_versions(binary)
    check(versions, "no versioned glibc symbol found in %s" % binary)
    newest = versions[-1]
    check(newest <= MAX_GLIBC, "the artifact needs GLIBC_%s > GLIBC_2.34 (Amazon Linux 2023)"
          % ".".join(map(str, newest)))
    libs = needed(binary)
    check(libs, "no NEEDED entry: %s is not dynamically linked to glibc" % binary)
    unexpected = [lib for lib in libs if lib not in ALLOWED_NEEDED]
    check(not unexpected, "the artifact needs libraries beyond glibc: %s" % unexpected)
    r = check_artifact(os.path.dirname(binary), arch=args.arch)
    check(r.returncode == 0, "check-artifact.sh rejected the artifact: %s" % r.stderr)

    # The checker must catch what it claims to: a binary linked to the system's
    # shared libcurl, a binary of the other architecture (it would deploy, then fail
    # every invocation), and a glibc limit the artifact does exceed.
    sysdir = os.path.join(work, "system")
    os.makedirs(sysdir)
    shutil.copy(args.system_binary, os.path.join(sysdir, "bootstrap"))
    r = check_artifact(sysdir)
    check(r.returncode != 0 and "needs lib" in r.stderr,
          "check-artifact.sh accepted the system-linked %s: %s%s" % (args.system_binary, r.stdout, r.stderr))
    other = "arm64" if args.arch == "x86_64" else "x86_64"
    r = check_artifact(os.path.dirname(binary), arch=other)
    check(r.returncode != 0 and ("built for %s" % args.arch) in r.stderr
          and ("architecture is %s" % other) in r.stderr,
          "check-artifact.sh accepted the %s artifact for %s: %s%s" % (args.arch, other, r.stdout, r.stderr))
    below = "%d.%d" % (newest[0], newest[1] - 1)
    r = check_artifact(os.path.dirname(binary), below, args.arch)
    check(r.returncode != 0 and "GLIBC_" in r.stderr,
          "check-artifact.sh did not reject GLIBC_%s with a limit of %s" % (".".join(map(str, newest)), below))
    print("glibc: %s (%s), newest GLIBC_%s, NEEDED %s; the checker rejects the system-linked "
          "build and the wrong architecture" % (args.arch, machine, ".".join(map(str, newest)), libs))


# ---------------------------------------------------------------- chroot
def loader_files(binary, arch=emulated.HOST):
    """(source, path in the chroot) of the glibc loader and libraries the binary loads: from
    ldd for this machine's binaries; for another architecture's, its PT_INTERP and NEEDED
    libraries from Debian's cross glibc (/usr/aarch64-linux-gnu/lib), where its loader
    looks for them (/lib/aarch64-linux-gnu)."""
    if arch != emulated.HOST:
        libdir = os.path.join(emulated.cross_root(arch), "lib")
        loader = emulated.LOADER[arch]
        files = [(os.path.join(libdir, os.path.basename(loader)), loader)]
        for lib in needed(binary):
            src = os.path.join(libdir, lib)
            check(os.path.isfile(src), "%s needs %s, not in %s" % (binary, lib, libdir))
            files.append((src, "/lib/%s/%s" % (emulated.TRIPLET[arch], lib)))
        return files
    out = run(["ldd", binary]).stdout
    files = set(re.findall(r"=>\s+(/\S+)", out))
    files |= set(re.findall(r"^\s*(/\S+)\s+\(0x", out, re.M))
    check(files, "ldd found no glibc loader for %s:\n%s" % (binary, out))
    return [(f, f) for f in sorted(files)]


def make_root(work, artifact_dir, ca_pem, arch=emulated.HOST):
    root = os.path.join(work, "root")
    shutil.copytree(artifact_dir, os.path.join(root, "var", "task"))
    for src, path in loader_files(os.path.join(artifact_dir, "bootstrap"), arch):
        dest = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy(os.path.realpath(src), dest)
    if arch != emulated.HOST:
        # The emulator, statically linked, runs the binaries inside the chroot.
        qemu = os.path.realpath(emulated.qemu(arch))
        check("INTERP" not in run(["readelf", "-l", "-W", qemu]).stdout,
              "%s is not statically linked: install qemu-user-static for the chroot test" % qemu)
        dest = os.path.join(root, "usr", "bin", os.path.basename(qemu))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy(qemu, dest)
    ca = os.path.join(root, AL2023_CA_BUNDLE.lstrip("/"))
    os.makedirs(os.path.dirname(ca))
    shutil.copy(ca_pem, ca)
    return root


def listing(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def make_cert(work):
    key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
    r = run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", key, "-out", cert])
    check(r.returncode == 0, "openssl req failed: %s" % r.stderr)
    return key, cert


class TlsServer(LocalHttpServer):
    """HTTPS on 127.0.0.1 (free port) answering GET / with {"message": "..."}."""

    def __init__(self, key, cert, message):
        body = json.dumps({"message": message}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.body = body
        super().__init__(Handler, tls_cert=cert, tls_key=key)


def build_probe(work, arch=emulated.HOST):
    """tests/deploy/tls_probe.c linked with `pkg-config --static` from the lean prefix (arch's,
    with its cross compiler for another architecture)."""
    pc = os.path.join(emulated.prefix_for(arch), "lib", "pkgconfig")
    flags = run(["pkg-config", "--static", "--cflags", "--libs", "libcurl", "libcjson", "libcrypto"],
                env=dict(os.environ, PKG_CONFIG_LIBDIR=pc, PKG_CONFIG_PATH=""))
    check(flags.returncode == 0, "pkg-config on the prefix failed: %s" % flags.stderr)
    out = os.path.join(work, "tls_probe")
    cc = os.environ.get("CC", "cc") if arch == emulated.HOST else emulated.TRIPLET[arch] + "-gcc"
    r = run([cc, "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O2", "-Wall", "-Wextra", "-Werror",
             "-Wl,--gc-sections", "-o", out, os.path.join(SOURCE, "tests", "deploy", "tls_probe.c")]
            + flags.stdout.split())
    check(r.returncode == 0, "building tls_probe failed: %s" % r.stderr)
    libs = [lib for lib in needed(out) if lib not in ALLOWED_NEEDED]
    check(not libs, "tls_probe, linked from the prefix's pkg-config files, needs %s: not static" % libs)
    return out


def chroot_cmd(root, program, *argv, arch=emulated.HOST):
    """Runs program in the chroot: directly, or under the emulator copied into it."""
    emu = [] if arch == emulated.HOST else ["/usr/bin/" + os.path.basename(emulated.qemu(arch))]
    return [shutil.which("chroot"), root] + emu + [program] + list(argv)


def invocations(target):
    """(events for the server, a check of the recorded responses) for the packaged program."""
    if target == "echo":
        payloads = [{"payload": {"hello": "world", "n": [1, 2, 3]}},
                    {"payload": {"raw": "h\u00e9llo \u2603"}},
                    {"payload": {"raw_b64": base64.b64encode(bytes(range(256))).decode()}},
                    {"payload": {"raw": ""}}]
        expected = [json.dumps(payloads[0]["payload"], separators=(",", ":")).encode(),
                    "h\u00e9llo \u2603".encode(), bytes(range(256)), b""]

        def verify(responses):
            got = [base64.b64decode(r["body_b64"]) if r.get("body_b64") is not None
                   else (r.get("body") or "").encode() for r in responses]
            check(got == expected, "echo answered %r, expected %r" % (got, expected))
        return payloads, len(payloads), verify

    # bootstrap: docs/contract.md §2.4: valid JSON matching no rule -> {"handled":false}, no AWS
    # call; a payload that is not a JSON object -> error InvalidEvent, and the next one is served.
    events = [{"payload": {"source": "scanwarden.test", "detail-type": "Nothing to do", "detail": {}}},
              {"payload": [1, 2, 3]},
              {"payload": {"source": "scanwarden.test", "detail-type": "Still nothing", "detail": {}}}]

    def verify(responses):
        kinds = [r["path"].rsplit("/", 1)[1] for r in responses]
        check(kinds == ["response", "error", "response"], "bootstrap answered %s" % kinds)
        first = json.loads(responses[0]["body"])
        check(first.get("handled") is False, "bootstrap's answer to an unrelated event: %s" % first)
        err = json.loads(responses[1]["body"])
        check(err.get("errorType") == "InvalidEvent", "bootstrap's error for [1,2,3]: %s" % err)
    return events, len(events), verify


def answered(records):
    return [r for r in records if r["method"] == "POST" and r["path"].startswith(
        "/2018-06-01/runtime/invocation/") and r["path"].endswith(("/response", "/error"))]


def serve_in_chroot(root, target, arch):
    sys.path.insert(0, os.path.join(SOURCE, "tests", "peers"))
    try:
        from runtime_api_server import RuntimeApiServer
    except ImportError as e:  # a file of this repository: broken, not absent
        raise Fail("cannot import tests/peers/runtime_api_server.py: %s" % e) from e
    events, count, verify = invocations(target)
    env = {"AWS_LAMBDA_FUNCTION_NAME": "scanwarden", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
           "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_REGION": "us-east-1",
           "AWS_DEFAULT_REGION": "us-east-1", "LAMBDA_TASK_ROOT": "/var/task", "_HANDLER": "bootstrap",
           "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "test-secret-not-real",
           "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:scanwarden-test",
           "AWS_LAMBDA_LOG_FORMAT": "JSON"}
    with RuntimeApiServer(events=events, on_empty="hang") as srv:
        env["AWS_LAMBDA_RUNTIME_API"] = srv.address
        proc = subprocess.Popen(chroot_cmd(root, "/var/task/bootstrap", arch=arch), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + WAIT_SECONDS * (1 if arch == emulated.HOST else 3)
        while time.monotonic() < deadline and len(answered(srv.records)) < count and proc.poll() is None:
            time.sleep(0.05)
        alive = proc.poll() is None
        proc.kill()
        output = proc.communicate()[0].decode("utf-8", "replace")
        responses = answered(srv.records)
    check(alive, "the artifact exited (status %s) in the chroot:\n%s" % (proc.returncode, output))
    check(len(responses) == count, "the artifact answered %d of %d invocations in %d s:\n%s"
          % (len(responses), count, WAIT_SECONDS, output))
    verify(responses)


def remediate_in_chroot(root, work, arch):
    """The bootstrap in the chroot against moto_server (IAM auth on, the template's
    policy; tests/e2e/harness.py): a scheduled drift check with ECR scanning switched
    off restores it and publishes a notification."""
    sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))
    try:
        import harness
    except ImportError as e:  # a file of this repository (or its moto peers): broken
        raise Fail("cannot import tests/e2e/harness.py (the moto world): %s" % e) from e
    wrapper = os.path.join(work, "bootstrap-in-chroot.sh")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec %s\n" % " ".join(chroot_cmd(root, "/var/task/bootstrap", arch=arch)))
    os.chmod(wrapper, 0o755)
    harness.BOOTSTRAP = wrapper
    if arch != emulated.HOST:
        harness.TIMEOUT_FACTOR = max(harness.TIMEOUT_FACTOR, 4.0)
    world = harness.World()
    try:
        world.break_state()
        check(world.inspector_ecr_status() != "ENABLED", "moto: could not switch ECR scanning off")
        run = harness.run_function(world, [world.scheduled_event()])
        check(run.init_error is None, "init error in the chroot: %s\n%s" % (run.init_error, run.log))
        check(len(run.invocations) == 1 and run.invocations[0].ok,
              "the drift check in the chroot answered %s\n%s" % (run.invocations, run.log))
        check(world.inspector_ecr_status() == "ENABLED", "Inspector ECR scanning was not restored")
        check(world.registry_config().get("scanType") == "ENHANCED", "the registry is not ENHANCED")
        notes = world.notifications()
        check(notes, "no notification was published:\n%s" % run.log)
    finally:
        world.stop()
    print("chroot + moto: drift restored, %d notification(s): %s" % (len(notes), notes[0].subject))


def test_chroot(args, work):
    if os.geteuid() != 0:
        raise Skip("the chroot test needs root (CI runs as root)")
    if not shutil.which("chroot"):
        raise Skip("chroot (coreutils) is not installed")
    if not shutil.which("openssl"):
        raise Skip("the openssl command (Debian package openssl) is needed for the test CA")
    arch = args.arch
    artifact_dir = os.path.join(work, "artifact")
    build_artifact(args.target, artifact_dir, arch)
    key, cert = make_cert(work)
    root = make_root(work, artifact_dir, cert, arch)
    files = listing(root)
    print("chroot holds: %s" % files)
    allowed = ("var/task/", "lib", "usr/lib", "etc/pki/")
    if arch != emulated.HOST:
        allowed += ("usr/bin/qemu-",)
    check(all(f.startswith(allowed) for f in files), "unexpected files in the chroot: %s" % files)

    serve_in_chroot(root, args.target, arch)
    if args.target == "bootstrap":
        remediate_in_chroot(root, work, arch)

    if arch == emulated.HOST:
        # The same program linked to the system's shared libraries cannot start there:
        # the chroot really holds nothing else.
        shutil.copy(args.system_binary, os.path.join(root, "system-bootstrap"))
        r = run(chroot_cmd(root, "/system-bootstrap"), env={"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9"},
                timeout=30)
        check(r.returncode != 0 and "error while loading shared libraries" in r.stderr,
              "the system-linked build ran in the chroot (status %d): %s" % (r.returncode, r.stderr))
        os.remove(os.path.join(root, "system-bootstrap"))
    else:
        # The emulator is what runs it (no binfmt_misc): started directly, the kernel refuses.
        try:
            r = run([shutil.which("chroot"), root, "/var/task/bootstrap", "--version"], timeout=30)
            ran = r.returncode == 0
        except OSError:
            ran = False
        check(not ran, "the %s bootstrap ran without the emulator: this is not a cross test" % arch)

    # The lean libcurl: HTTP and HTTPS only, no HTTP/2, IDN, compression, PSL...; the
    # compiled-in CA bundle is Amazon Linux's, and an HTTPS peer verifies against it
    # with no CA option set (static OpenSSL, no openssl.cnf, inside the chroot).
    probe = build_probe(work, arch)
    shutil.copy(probe, os.path.join(root, "tls_probe"))
    r = run(chroot_cmd(root, "/tls_probe", "info", arch=arch), env={}, timeout=30)
    check(r.returncode == 0, "tls_probe info failed in the chroot: %s" % r.stderr)
    info = json.loads(r.stdout)
    check(info["protocols"] == ["http", "https"], "lean libcurl protocols: %s" % info["protocols"])
    extra = set(info["features"]) - {"IPv6", "SSL", "AsynchDNS", "threadsafe", "Largefile"}
    check(not extra, "lean libcurl has features it should not: %s" % sorted(extra))
    check(info.get("cainfo") == AL2023_CA_BUNDLE and info.get("capath") is None,
          "lean libcurl's compiled-in CA: %s / %s" % (info.get("cainfo"), info.get("capath")))
    check(info["ssl"].startswith("OpenSSL/"), "TLS backend: %s" % info["ssl"])
    check(info.get("proxy") is True, "lean libcurl lacks proxy support (the AWS client honours HTTPS_PROXY)")
    with TlsServer(key, cert, "pong") as tls:
        url = "https://127.0.0.1:%d/" % tls.port
        r = run(chroot_cmd(root, "/tls_probe", "get", url, arch=arch), env={}, timeout=30)
        check(r.returncode == 0, "HTTPS with the chroot's CA file failed: %s" % r.stderr)
        check(r.stdout.split() == ["ok", "pong", hashlib.sha256(tls.body).hexdigest()],
              "tls_probe get answered %r" % r.stdout)
        # Without the CA file the same request must fail verification.
        os.remove(os.path.join(root, AL2023_CA_BUNDLE.lstrip("/")))
        r = run(chroot_cmd(root, "/tls_probe", "get", url, arch=arch), env={}, timeout=30)
        check(r.returncode != 0, "HTTPS succeeded with no CA file: verification is off")
    print("chroot: %s (%s%s) served %d invocations; lean curl %s (%s) %s, CA %s"
          % (args.target, arch, "" if arch == emulated.HOST else " under " + emulated.qemu(arch),
             len(invocations(args.target)[0]), info["version"], info["ssl"],
             info["protocols"], info["cainfo"]))


# ---------------------------------------------------------------- package
# An even number of seconds: zip's MS-DOS times count in steps of two.
EPOCH = 1700000000


def zip_time(epoch):
    return tuple(time.gmtime(epoch)[:6])


def test_package(args, work):
    require_prefix()
    env = dict(os.environ, SW_ARTIFACT_TARGET=args.target, SW_DEPS_PREFIX=PREFIX, SW_DEPS_NO_BUILD="1",
               SW_ARTIFACT_BUILD_DIR=os.path.join(BUILD, "deploy-artifact-build"),
               SOURCE_DATE_EPOCH=str(EPOCH))
    digests = []
    for name in ("a.zip", "b.zip"):
        out = os.path.join(work, name)
        r = run(["bash", os.path.join(SOURCE, "scripts", "package.sh"), out], env=env)
        check(r.returncode == 0, "package.sh failed:\n%s%s" % (r.stdout[-3000:], r.stderr[-3000:]))
        check("bytes" in r.stdout, "package.sh did not print the size: %s" % r.stdout)
        with open(out, "rb") as f:
            digests.append(hashlib.sha256(f.read()).hexdigest())
    check(digests[0] == digests[1], "two packagings differ: %s" % digests)
    size = os.path.getsize(out)
    check(size <= MAX_ZIP_BYTES, "the zip is %d bytes, over the 3 MB target" % size)
    with zipfile.ZipFile(out) as z:
        infos = z.infolist()
        check([i.filename for i in infos] == ["bootstrap"], "zip entries: %s" % [i.filename for i in infos])
        mode = infos[0].external_attr >> 16
        check(mode & 0o111 == 0o111, "bootstrap is not executable in the zip (mode %o)" % mode)
        check(infos[0].date_time == zip_time(EPOCH),
              "timestamp %s, not SOURCE_DATE_EPOCH's %s" % (infos[0].date_time, zip_time(EPOCH)))
        check(infos[0].extra == b"", "extra attributes in the zip: %r" % infos[0].extra)

    # `make package` (the documented command) names the zip with the version and
    # Lambda's architecture name; same build, same bytes.
    with open(os.path.join(SOURCE, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"^project\(scanwarden\s+VERSION\s+(\d+\.\d+\.\d+)", f.read(), re.M)
    check(m, "CMakeLists.txt has no project(scanwarden VERSION x.y.z)")
    arch = {"x86_64": "x86_64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    dist = os.path.join(work, "dist")
    r = run(["make", "-s", "-C", SOURCE, "package", "PACKAGE_DIR=" + dist], env=env)
    check(r.returncode == 0, "make package failed:\n%s%s" % (r.stdout[-3000:], r.stderr[-3000:]))
    expected = "scanwarden-%s-%s.zip" % (m.group(1), arch)
    check(os.listdir(dist) == [expected], "make package wrote %s, expected %s" % (os.listdir(dist), expected))
    with open(os.path.join(dist, expected), "rb") as f:
        check(hashlib.sha256(f.read()).hexdigest() == digests[0], "make package gave other bytes")
    print("package: %d bytes zipped (%.2f MiB), deterministic, %s" % (size, size / 1048576, expected))


# ---------------------------------------------------------------- copies
def copy_source(dest):
    """The tracked files of the source tree (as they are now) into dest; Skip outside git."""
    ls = run(["git", "-C", SOURCE, "ls-files", "-z"])
    if ls.returncode != 0:
        raise Skip("the source is not a git checkout (the test copies its tracked files): %s"
                   % ls.stderr.strip())
    for n in ls.stdout.split("\0"):
        if n and os.path.isfile(os.path.join(SOURCE, n)):
            os.makedirs(os.path.dirname(os.path.join(dest, n)), exist_ok=True)
            shutil.copy2(os.path.join(SOURCE, n), os.path.join(dest, n))
    return dest


def deps_env(**extra):
    """The environment of a build on the existing prefixes of both architectures."""
    env = dict(os.environ, SW_DEPS_PREFIX=PREFIX, SW_DEPS_NO_BUILD="1", **extra)
    other = emulated.other_arch()
    env["SW_DEPS_PREFIX_" + other.upper()] = emulated.prefix_for(other)
    for k in ("SW_ARCH", "SW_ARTIFACT_TARGET", "SW_ARTIFACT_BUILD_DIR", "CC", "SW_SAM_BUILD"):
        env.pop(k, None)
    env.update(extra)
    return env


# ---------------------------------------------------------------- sam
def test_sam(args, work):
    """`sam build` hands the Makefile no architecture: the build finds the template's
    Architecture (sam build's --parameter-overrides, else samconfig.toml, else the
    template's Default), builds for it, and fails when SW_ARCH disagrees. A stand-in
    `sam` runs what SAM runs (make build-ScanwardenFunction ARTIFACTS_DIR=...) as its
    child, as SAM does."""
    require_prefix()
    emulated.require(emulated.other_arch())
    src = copy_source(os.path.join(work, "src"))
    sam = os.path.join(work, "bin", "sam")
    os.makedirs(os.path.dirname(sam))
    out = os.path.join(work, "artifacts")
    with open(sam, "w") as f:
        f.write('#!/bin/sh\n# a stand-in for `sam build`: what it runs for a makefile build\n'
                'make -s -C "%s" build-ScanwardenFunction ARTIFACTS_DIR="%s"\n' % (src, out))
    os.chmod(sam, 0o755)

    def sam_build(*argv, **env):
        shutil.rmtree(out, ignore_errors=True)
        r = run([sam, "build"] + list(argv), env=deps_env(**env))
        return r, r.stdout + r.stderr

    def built():
        return elf_machine(os.path.join(out, "bootstrap"))

    arm, x86 = "AArch64", "Advanced Micro Devices X86-64"
    r, log = sam_build("--parameter-overrides", "Architecture=arm64 MinSeverity=HIGH")
    check(r.returncode == 0, "sam build --parameter-overrides Architecture=arm64 failed:\n%s" % log[-3000:])
    check(built() == arm and "from the sam build command line" in log,
          "--parameter-overrides Architecture=arm64 built %s:\n%s" % (built(), log[-2000:]))

    r, log = sam_build("--parameter-overrides", "ParameterKey=Architecture,ParameterValue=arm64",
                       SW_ARCH="x86_64")
    check(r.returncode != 0 and "SW_ARCH=x86_64, but the function's Architecture is arm64" in log,
          "SW_ARCH=x86_64 against Architecture=arm64 did not fail clearly:\n%s" % log[-2000:])
    check(not os.path.exists(os.path.join(out, "bootstrap")), "a bootstrap was left after the mismatch")

    r, log = sam_build()
    check(r.returncode == 0 and built() == x86 and "template.yaml (the Architecture parameter's Default)" in log,
          "sam build with no override built %s:\n%s" % (built(), log[-2000:]))

    with open(os.path.join(src, "samconfig.toml"), "a") as f:
        f.write('\n[default.global.parameters]\nparameter_overrides = [\n    \'Architecture="arm64"\',\n]\n')
    r, log = sam_build()
    check(r.returncode == 0 and built() == arm and "samconfig.toml" in log,
          "samconfig.toml's Architecture=arm64 built %s:\n%s" % (built(), log[-2000:]))
    print("sam build: --parameter-overrides, samconfig.toml and the Default each choose the "
          "architecture; SW_ARCH against the parameter fails the build")


# ---------------------------------------------------------------- release
def test_release(args, work):
    """`make release` in two copies of the committed files at different paths gives the same
    zips (both architectures) and SHA256SUMS, byte for byte."""
    require_prefix()
    emulated.require(emulated.other_arch())
    epoch = run(["git", "-C", SOURCE, "log", "-1", "--format=%ct"]).stdout.strip()
    if not epoch.isdigit():
        raise Skip("the source is not a git checkout: no commit time for SOURCE_DATE_EPOCH")
    env = deps_env(SOURCE_DATE_EPOCH=epoch)
    results = []
    for copy in (os.path.join(work, "a", "src"), os.path.join(work, "second-copy", "deeper", "src")):
        copy_source(copy)
        start = time.monotonic()
        r = run(["make", "-s", "-C", copy, "release"], env=env)
        check(r.returncode == 0, "make release in %s failed:\n%s%s" % (copy, r.stdout[-3000:], r.stderr[-3000:]))
        out = os.path.join(copy, "dist", "release")
        files = {}
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name), "rb") as f:
                files[name] = f.read()
        results.append(files)
        print("make release in %s: %.0f s" % (copy, time.monotonic() - start), flush=True)
    a, b = results
    with open(os.path.join(SOURCE, "CMakeLists.txt"), encoding="utf-8") as f:
        version = re.search(r"^project\(scanwarden\s+VERSION\s+(\d+\.\d+\.\d+)", f.read(), re.M).group(1)
    zips = ["scanwarden-%s-%s.zip" % (version, arch) for arch in ("arm64", "x86_64")]
    check(sorted(a) == ["SHA256SUMS"] + zips, "make release wrote %s, expected %s" % (sorted(a), zips))
    check(sorted(a) == sorted(b), "the two releases hold different files: %s / %s" % (sorted(a), sorted(b)))
    differ = [n for n in a if a[n] != b[n]]
    check(not differ, "the two releases differ in %s" % differ)
    sums = dict(reversed(line.split("  ", 1)) for line in a["SHA256SUMS"].decode().splitlines())
    check(sorted(sums) == zips, "SHA256SUMS lists %s" % sorted(sums))
    for name in zips:
        check(hashlib.sha256(a[name]).hexdigest() == sums[name], "SHA256SUMS is wrong for %s" % name)
        arch = name.rsplit("-", 1)[1][:-4]
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(a[name])
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            check([i.filename for i in infos] == ["bootstrap"], "%s holds %s" % (name, [i.filename for i in infos]))
            check(infos[0].external_attr >> 16 == 0o100755, "%s: bootstrap mode %o" % (name, infos[0].external_attr >> 16))
            check(infos[0].date_time == zip_time(int(epoch) & ~1),
                  "%s: time %s, not the commit's %s" % (name, infos[0].date_time, zip_time(int(epoch) & ~1)))
            z.extract("bootstrap", os.path.join(work, arch))
        machine = elf_machine(os.path.join(work, arch, "bootstrap"))
        check(machine == {"x86_64": "Advanced Micro Devices X86-64", "arm64": "AArch64"}[arch],
              "%s holds a bootstrap for %s" % (name, machine))
    # docs/building.md's command for a prebuilt zip: a copy of the template that differs
    # in the function's CodeUri only, naming the zip.
    prebuilt_template(work, zips[0])
    print("release: %s identical from two source paths; SHA256SUMS:\n%s"
          % (", ".join("%s (%d bytes)" % (n, len(a[n])) for n in zips), a["SHA256SUMS"].decode()))


def prebuilt_template(work, zip_name):
    """Runs docs/building.md's `sed ... template.yaml >template-prebuilt.yaml` (its zip name
    replaced by zip_name) and checks the copy: one line changed, CodeUri the zip."""
    with open(os.path.join(SOURCE, "docs", "building.md"), encoding="utf-8") as f:
        m = re.search(r"^(sed 's\|\^      CodeUri: .*\|      CodeUri: )scanwarden-[^|]*(\|' template\.yaml "
                      r">template-prebuilt\.yaml)$", f.read(), re.M)
    check(m, "docs/building.md has no `sed ... template.yaml >template-prebuilt.yaml` line")
    shutil.copy(os.path.join(SOURCE, "template.yaml"), os.path.join(work, "template.yaml"))
    r = run(["sh", "-c", m.group(1) + zip_name + m.group(2)], cwd=work)
    check(r.returncode == 0, "the documented sed failed: %s" % r.stderr)
    with open(os.path.join(work, "template.yaml"), encoding="utf-8") as f:
        before = f.read().splitlines()
    with open(os.path.join(work, "template-prebuilt.yaml"), encoding="utf-8") as f:
        after = f.read().splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    check(len(before) == len(after) and changed == [("      CodeUri: .", "      CodeUri: " + zip_name)],
          "the documented sed changed %s" % changed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True, help="CMake target packaged as bootstrap")
    ap.add_argument("--system-binary", required=True, help="the same target from the normal build")
    ap.add_argument("--arch", choices=("x86_64", "arm64"), default=emulated.HOST,
                    help="the artifact's architecture (another than this machine's: cross-built, "
                         "run under qemu-user)")
    ap.add_argument("test", choices=("glibc", "chroot", "package", "release", "sam"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sw-deploy-")
    try:
        if args.arch != emulated.HOST:
            emulated.require(args.arch)
        {"glibc": test_glibc, "chroot": test_chroot, "package": test_package,
         "release": test_release, "sam": test_sam}[args.test](args, work)
    except Skip as e:
        print("SKIPPED: %s" % e)
        return SKIP
    except Fail as e:
        print("FAILED: %s" % e)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("PASSED: %s" % args.test)
    return 0


if __name__ == "__main__":
    sys.exit(main())
