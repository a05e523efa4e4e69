# shellcheck shell=bash
# The artifact benchmark (README "Packaging and deployment artifact"): packages
# examples/echo exactly as a deployment is packaged (scripts/package.sh: lean
# static build, stripped, zipped), unzips it, and measures the unzipped
# bootstrap with the runtime benchmark (scripts/bench.sh runtime, same method:
# exec -> first GET /next, CPU per invocation, peak RSS) beside the default
# dynamic build and the unpackaged lean build. Prints the zipped size.
#
#   scripts/bench.sh artifact          env: as scripts/bench.sh runtime (RUNS, N, ...),
#                                      BOOTSTRAP_EXTRA (more name:bootstrap pairs)
root=$(pwd)
out=$root/build-bench/artifact
rm -rf "$out"
mkdir -p "$out/unzipped"

echo "==> packaging examples/echo as the deployment artifact (scripts/package.sh)" >&2
line=$(SW_ARTIFACT_TARGET=echo SW_ARTIFACT_BUILD_DIR=$root/build-bench/artifact-build \
    bash scripts/package.sh "$out/echo.zip" | tail -n1)
echo "$line" >&2
(cd "$out/unzipped" && unzip -q "$out/echo.zip")
zip_bytes=$(stat -c %s "$out/echo.zip")
bin_bytes=$(stat -c %s "$out/unzipped/bootstrap")

BENCH_EXTRA="echo-packaged:$out/unzipped/bootstrap ${BENCH_EXTRA:-}" bash scripts/bench.sh runtime
echo
echo "packaged echo: $bin_bytes bytes unzipped (stripped), $zip_bytes bytes zipped" \
    "($(awk -v s="$zip_bytes" 'BEGIN { printf "%.2f", s / 1048576 }') MiB; target <= 3 MB)"

# The function itself, packaged vs the default dynamic Release build (and BOOTSTRAP_EXTRA,
# more name:binary pairs, e.g. a build of an earlier commit), with the same launcher
# (bench/rt_bench.c, which passes the AWS_* and SNS_TOPIC_ARN variables below):
#   - exec -> first GET /next (rt_bench startup; a valid configuration, no AWS call
#     before the first /next; the AWS client's start-up, OpenSSL's included, is in it);
#   - exec -> first AWS request over TLS (rt_bench aws): the first invocation is a
#     scheduled check (events/scheduled.json), whose first call is Inspector2
#     BatchGetAccountStatus, sent to rt_bench's TLS server (AWS_ENDPOINT_URL; a throwaway
#     P-256 certificate for 127.0.0.1). AWS_CA_BUNDLE is Debian's CA bundle plus that
#     certificate: as many CAs as Amazon Linux's bundle, so loading it costs what it costs
#     in Lambda. Timed to the moment the request's head has arrived through TLS, with the
#     function's CPU up to then;
#   - the builds take turns, RUNS of each; the callgrind instruction counts of both
#     (CALLGRIND=1, with valgrind).
if [ -f handler/main.c ]; then
    echo "==> packaging the bootstrap (scripts/package.sh)" >&2
    SW_ARTIFACT_TARGET=bootstrap SW_ARTIFACT_BUILD_DIR=$root/build-bench/artifact-build \
        bash scripts/package.sh "$out/bootstrap.zip" | tail -n1 >&2
    mkdir -p "$out/bootstrap-unzipped"
    (cd "$out/bootstrap-unzipped" && unzip -q "$out/bootstrap.zip")
    cmake --build "$root/build-bench/default" --target bootstrap -j"$(nproc)" >/dev/null
    tls=$out/tls
    mkdir -p "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null
    cat /etc/ssl/certs/ca-certificates.crt "$tls/cert.pem" >"$tls/ca.pem" 2>/dev/null ||
        cp "$tls/cert.pem" "$tls/ca.pem"
    export SNS_TOPIC_ARN=arn:aws:sns:us-east-1:123456789012:scanwarden-bench AWS_REGION=us-east-1 \
        AWS_ACCESS_KEY_ID=AKIDBENCHEXAMPLE AWS_SECRET_ACCESS_KEY=bench-not-a-secret \
        AWS_LAMBDA_FUNCTION_NAME=scanwarden AWS_LAMBDA_LOG_LEVEL=WARN AWS_CA_BUNDLE=$tls/ca.pem
    unset AWS_SESSION_TOKEN AWS_PROFILE
    runs=${RUNS:-30}
    rt=$root/build-bench/rt_bench
    cg() { # cg MODE BINARY -> the callgrind instruction count of one run
        local wrap=$out/cg-wrap.sh
        rm -f "$out"/cg.boot.*
        printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s/cg.boot.%%p %s\n' \
            "$out" "$2" >"$wrap"
        chmod +x "$wrap"
        if [ "$1" = startup ]; then
            "$rt" startup 1 "$wrap" >/dev/null 2>&1 || true
        else
            "$rt" aws 1 "$tls/cert.pem" "$tls/key.pem" events/scheduled.json "$wrap" >/dev/null 2>&1 || true
        fi
        callgrind_annotate "$out"/cg.boot.* 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
    }
    entries=("bootstrap-default:$root/build-bench/default/bootstrap"
        "bootstrap-packaged:$out/bootstrap-unzipped/bootstrap")
    for extra in ${BOOTSTRAP_EXTRA:-}; do
        entries+=("$extra")
    done
    bins=()
    for entry in "${entries[@]}"; do
        bins+=("${entry#*:}")
    done
    echo "==> bootstraps: $runs cold starts and $runs runs to the first AWS request each, taking turns" >&2
    start_lines=$("$rt" startup "$runs" "${bins[@]}" 2>/dev/null)
    aws_lines=$("$rt" aws "$runs" "$tls/cert.pem" "$tls/key.pem" events/scheduled.json "${bins[@]}" 2>/dev/null) ||
        echo "warning: a bootstrap made no AWS request over TLS" >&2
    v() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
    printf '%-22s %26s %12s %30s %12s %14s %16s\n' build "exec->/next ms med (min-p90)" \
        "start CPU ms" "exec->1st AWS/TLS ms (min-p90)" "CPU to it ms" "start instr" "instr to AWS"
    for entry in "${entries[@]}"; do
        bin=${entry#*:}
        line=$(awk -v p="prog=$bin" '$NF == p' <<<"$start_lines")
        aws_line=$(awk -v p="prog=$bin" '$NF == p' <<<"$aws_lines")
        ir_start="-" ir_aws="-"
        if [ "${CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
            ir_start=$(cg startup "$bin")
            ir_aws=$(cg aws "$bin")
        fi
        printf '%-22s %26s %12s %30s %12s %14s %16s\n' "${entry%%:*}" \
            "$(v median "$line") ($(v min "$line")-$(v p90 "$line"))" "$(v cpu_ms_median "$line")" \
            "$(v request_ms_median "$aws_line") ($(v request_ms_min "$aws_line")-$(v request_ms_p90 "$aws_line"))" \
            "$(v cpu_ms_median "$aws_line")" "$ir_start" "$ir_aws"
    done
    echo "(exec->1st AWS/TLS: $(grep -c BEGIN "$tls/ca.pem") CAs in AWS_CA_BUNDLE; first request:" \
        "$(sed -n 's/.*first_request="\([^"]*\)".*/\1/p' <<<"$aws_line"))"
    zb=$(stat -c %s "$out/bootstrap.zip")
    echo "packaged bootstrap: $(stat -c %s "$out/bootstrap-unzipped/bootstrap") bytes unzipped (stripped)," \
        "$zb bytes zipped ($(awk -v s="$zb" 'BEGIN { printf "%.2f", s / 1048576 }') MiB; target <= 3 MB)"
fi

# The other architecture (arm64 on x86_64): cross-built and packaged like the release,
# its sizes measured, and its start-up timed under qemu-user. Those times are the
# emulator's (each guest instruction translated on this machine), printed as such: an
# arm64 Lambda's start-up is not measured here, only that the packaged bootstrap starts
# and reaches its first /next. Skipped, saying why, without the cross tools or qemu.
. scripts/lib/arch.sh
other=arm64
[ "$(sw_host_arch)" = arm64 ] && other=x86_64
qemu=$(sw_qemu "$other" || true)
if [ -f handler/main.c ] && [ -n "$qemu" ] && command -v "$(sw_arch_triplet "$other")-gcc" >/dev/null; then
    echo "==> packaging the $other bootstrap (SW_ARCH=$other scripts/package.sh)" >&2
    SW_ARCH=$other SW_ARTIFACT_TARGET=bootstrap SW_ARTIFACT_BUILD_DIR=$root/build-bench/artifact-build-$other \
        bash scripts/package.sh "$out/bootstrap-$other.zip" | tail -n1 >&2
    mkdir -p "$out/bootstrap-$other"
    (cd "$out/bootstrap-$other" && unzip -q -o "$out/bootstrap-$other.zip")
    emu=$out/bootstrap-$other-under-qemu
    printf '#!/bin/sh\nexec %s -L /usr/%s %s "$@"\n' "$qemu" "$(sw_arch_triplet "$other")" \
        "$out/bootstrap-$other/bootstrap" >"$emu"
    chmod 755 "$emu"
    line=$("$root/build-bench/rt_bench" startup "${RUNS:-30}" "$emu" 2>/dev/null || true)
    zb=$(stat -c %s "$out/bootstrap-$other.zip")
    echo "packaged $other bootstrap: $(stat -c %s "$out/bootstrap-$other/bootstrap") bytes unzipped" \
        "(stripped), $zb bytes zipped ($(awk -v s="$zb" 'BEGIN { printf "%.2f", s / 1048576 }') MiB)"
    echo "$other under qemu-user EMULATION on this $(sw_host_arch) machine (not an $other speed figure):" \
        "exec->/next ms med (min-p90)" \
        "$(sed -n 's/^startup_ms median=\([^ ]*\) min=\([^ ]*\) p90=\([^ ]*\).*/\1 (\2-\3)/p' <<<"$line")," \
        "start CPU ms $(sed -n 's/.*cpu_ms_median=\([^ ]*\).*/\1/p' <<<"$line")"
else
    echo "$other: not measured (needs the cross compiler and qemu-user-static:" \
        "apt-get install $(sw_emulation_packages))"
fi
