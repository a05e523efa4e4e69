# shellcheck shell=bash
# The CA bundle, decoded per handle vs once per process (docs/benchmarks.md, "The CA bundle,
# loaded once"): bench/bench_ca.c, built as the artifact is (static lean libcurl + OpenSSL
# from SW_DEPS_PREFIX when it holds a build, else the system's), opens the first TLS
# connection to each of 3 local TLS origins (tests/peers/fault_server.py --tls, each with its
# own self-signed certificate) from 1, 3 and 8 handle sets (a client, its siblings, other
# regions' clients). AWS_CA_BUNDLE is Debian's CA bundle plus the 3 certificates (as many
# CAs as Amazon Linux's). Both modes run in the same process image, taking turns:
#   per-handle  libcurl decodes the bundle for every handle (CURLOPT_CAINFO), as before;
#   shared      one sw_ca_store for all of them.
# Figures: median CPU of the requests and of the whole process, peak RSS, and (CALLGRIND=1,
# with valgrind) the instruction count of the whole process, for client counts up to
# CALLGRIND_CLIENTS (callgrind of 8 clients decoding 24 bundles takes a minute by itself).
#
# scripts/bench.sh ca. Env: RUNS (15), CLIENTS ("1 3 8"), CALLGRIND (1), CALLGRIND_CLIENTS (3),
# SW_DEPS_PREFIX.
sw_check_python_peers

RUNS=${RUNS:-15}
CLIENTS=${CLIENTS:-1 3 8}
CALLGRIND=${CALLGRIND:-1}
CALLGRIND_CLIENTS=${CALLGRIND_CLIENTS:-3}
out=build-bench/ca
prefix=${SW_DEPS_PREFIX:-.deps/prefix}
say() { printf '==> %s\n' "$*" >&2; }

args=(-DCMAKE_BUILD_TYPE=Release -DSW_BUILD_TESTS=OFF)
if [ -f "$prefix/lib/pkgconfig/libcurl.pc" ]; then
    args+=("-DSW_DEPS_PREFIX=$prefix")
    say "building bench_ca (Release, static lean libraries from $prefix)"
else
    say "building bench_ca (Release, the system's libraries: no lean build in $prefix)"
fi
sw_build "$out" bench_ca -- "${args[@]}"
bench=$out/bench/bench_ca

python3 - "$bench" "$out" "$RUNS" "$CLIENTS" "$CALLGRIND" "$CALLGRIND_CLIENTS" <<'PY'
import json, os, re, shutil, statistics, subprocess, sys
bench, out, runs, clients, callgrind = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    [int(c) for c in sys.argv[4].split()], sys.argv[5] == "1"
cg_clients = int(sys.argv[6])
peers, urls = [], []
bundle = os.path.join(out, "ca.pem")
try:
    with open(bundle, "wb") as b:
        if os.path.exists("/etc/ssl/certs/ca-certificates.crt"):
            with open("/etc/ssl/certs/ca-certificates.crt", "rb") as f:
                b.write(f.read())
        for _ in range(3):
            p = subprocess.Popen([sys.executable, "tests/peers/fault_server.py", "--tls"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            peers.append(p)
            ready = json.loads(p.stdout.readline())
            p.stdin.write(json.dumps({"cmd": "default",
                                      "response": {"status": 200, "body": "{}"}}) + "\n")
            p.stdin.flush()
            p.stdout.readline()
            urls.append("https://127.0.0.1:%d/" % ready["port"])
            with open(ready["cert"], "rb") as f:
                b.write(f.read())
    with open(bundle, "rb") as f:
        cas = f.read().count(b"BEGIN CERTIFICATE")
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy") and k not in ("SSL_CERT_FILE",)}
    env["AWS_CA_BUNDLE"] = bundle
    print("AWS_CA_BUNDLE: %d certificates; %d TLS origins; %d runs per mode (medians)"
          % (cas, len(urls), runs))

    def one(mode, n, wrap=()):
        r = subprocess.run(list(wrap) + [bench, mode, str(n)] + urls, env=env, check=True,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return dict(re.findall(r"(\w+)=([\d.]+)", r.stdout))

    def instructions(mode, n):
        f = os.path.join(out, "cg.%s.%d.out" % (mode, n))
        one(mode, n, ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + f])
        a = subprocess.run(["callgrind_annotate", f], stdout=subprocess.PIPE, text=True).stdout
        m = re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS|([\d,]+)\s+PROGRAM TOTALS", a)
        return int((m.group(1) or m.group(2)).replace(",", "")) if m else None

    have_cg = callgrind and shutil.which("valgrind") and shutil.which("callgrind_annotate")
    print("%-10s %7s %10s %6s %13s %12s %13s %14s" % (
        "mode", "clients", "handshakes", "loads", "requests CPU", "process CPU",
        "peak RSS KiB", "instructions"))
    for n in clients:
        rows = {"per-handle": [], "shared": []}
        for _ in range(runs):
            for mode in rows:
                rows[mode].append(one(mode, n))
        for mode, rs in rows.items():
            ir = instructions(mode, n) if have_cg and n <= cg_clients else None
            med = lambda k: statistics.median(float(r[k]) for r in rs)
            print("%-10s %7d %10d %6d %10.1f ms %9.1f ms %13d %14s" % (
                mode, n, int(rs[0]["handshakes"]), int(rs[0]["store_loads"]),
                med("requests_cpu_ms"), med("process_cpu_ms"),
                int(max(float(r["peak_rss_kib"]) for r in rs)),
                "{:,}".format(ir) if ir else "-"))
finally:
    for p in peers:
        try:
            p.stdin.close()
            p.wait(timeout=10)
        except Exception:
            p.kill()
PY
