# shellcheck shell=bash
# The artifact benchmark (README "Packaging and deployment artifact"): packages
# examples/echo exactly as a deployment is packaged (scripts/package.sh: lean
# static build, stripped, zipped), unzips it, and measures the unzipped
# bootstrap with the runtime benchmark (scripts/bench.sh runtime, same method:
# exec -> first GET /next, CPU per invocation, peak RSS) beside the default
# dynamic build and the unpackaged lean build. Prints the zipped size.
#
#   scripts/bench.sh artifact          env: as scripts/bench.sh runtime (RUNS, N, ...)
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

BENCH_EXTRA="echo-packaged:$out/unzipped/bootstrap" bash scripts/bench.sh runtime
echo
echo "packaged echo: $bin_bytes bytes unzipped (stripped), $zip_bytes bytes zipped" \
    "($(awk -v s="$zip_bytes" 'BEGIN { printf "%.2f", s / 1048576 }') MiB; target <= 3 MB)"

# The function itself: exec -> first GET /next with the same launcher (rt_bench
# startup, which passes the AWS_* and SNS_TOPIC_ARN variables below), packaged vs
# the default dynamic Release build. Its configuration is valid and it makes no
# AWS call before its first /next.
if [ -f handler/main.c ]; then
    echo "==> packaging the bootstrap (scripts/package.sh)" >&2
    SW_ARTIFACT_TARGET=bootstrap SW_ARTIFACT_BUILD_DIR=$root/build-bench/artifact-build \
        bash scripts/package.sh "$out/bootstrap.zip" | tail -n1 >&2
    mkdir -p "$out/bootstrap-unzipped"
    (cd "$out/bootstrap-unzipped" && unzip -q "$out/bootstrap.zip")
    cmake --build "$root/build-bench/default" --target bootstrap -j"$(nproc)" >/dev/null
    export SNS_TOPIC_ARN=arn:aws:sns:us-east-1:123456789012:scanwarden-bench AWS_REGION=us-east-1 \
        AWS_ACCESS_KEY_ID=AKIDBENCHEXAMPLE AWS_SECRET_ACCESS_KEY=bench-not-a-secret \
        AWS_LAMBDA_FUNCTION_NAME=scanwarden AWS_LAMBDA_LOG_LEVEL=WARN
    runs=${RUNS:-30}
    printf '%-20s %30s %14s\n' build "exec->/next ms med (min-p90)" "start CPU ms"
    for entry in "bootstrap-default:$root/build-bench/default/bootstrap" \
        "bootstrap-packaged:$out/bootstrap-unzipped/bootstrap"; do
        line=$("$root/build-bench/rt_bench" startup "$runs" "${entry#*:}" 2>/dev/null)
        printf '%-20s %30s %14s\n' "${entry%%:*}" \
            "$(sed -n 's/^startup_ms median=\([^ ]*\) min=\([^ ]*\) p90=\([^ ]*\).*/\1 (\2-\3)/p' <<<"$line")" \
            "$(sed -n 's/.*cpu_ms_median=\([^ ]*\).*/\1/p' <<<"$line")"
    done
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
