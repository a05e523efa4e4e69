# shellcheck shell=bash
# The runtime benchmark (README "Runtime library"), scripts/bench.sh runtime: examples/echo against a local
# Runtime API, compared with a raw-socket floor client doing the same GET/POST loop.
#
#   - start-up: exec -> first GET /next, median of RUNS cold starts (bench/rt_bench.c
#     spawns the function and timestamps both ends on CLOCK_MONOTONIC), and the median
#     CPU (user+sys) of those processes, which load on the machine disturbs less;
#   - CPU per invocation: user+sys of the function process (wait4) / N invocations of a
#     4 KB payload, median of REPEAT runs; peak RSS (ru_maxrss) of the same runs;
#   - user-space instructions per invocation (callgrind, (Ir(3000)-Ir(1000))/2000), which
#     unlike times does not depend on how busy the machine is (skipped without valgrind).
#
# Builds: the default build (Debian's shared libcurl) and the lean static one
# (scripts/build-deps.sh into SW_DEPS_PREFIX, default .deps/prefix; cached).
# Env: RUNS (30), N (20000), REPEAT (3), CALLGRIND (1), BENCH_LEAN (1), SW_DEPS_PREFIX
# (SW_DEPS_NO_BUILD=1: use it as it is), BENCH_EXTRA (more name:binary pairs).
root=$(pwd)

RUNS=${RUNS:-30}
N=${N:-20000}
REPEAT=${REPEAT:-3}
CALLGRIND=${CALLGRIND:-1}
out=$root/build-bench
mkdir -p "$out"

say() { printf '==> %s\n' "$*" >&2; }

build_echo() { # build_echo DIR [cmake args...]
    local dir=$1
    shift
    sw_build "$dir" echo -- -DCMAKE_BUILD_TYPE=Release -DSW_BUILD_TESTS=OFF "$@"
}

say "building examples/echo (default: system shared libcurl)"
build_echo "$out/default"
binaries=("floor:$out/floor_client" "echo-default:$out/default/examples/echo")

prefix=${SW_DEPS_PREFIX:-$root/.deps/prefix}
if [ "${BENCH_LEAN:-1}" = 1 ]; then
    if [ "${SW_DEPS_NO_BUILD:-0}" = 1 ]; then
        # A prefix shared read-only (as scripts/build-artifact.sh honours it).
        [ -f "$prefix/.sw-deps-stamp" ] || {
            echo "bench: SW_DEPS_NO_BUILD=1 and no lean prefix in $prefix" >&2
            exit 1
        }
    else
        say "lean static dependencies (scripts/build-deps.sh $prefix; cached after the first run)"
        bash scripts/build-deps.sh "$prefix"
    fi
    say "building examples/echo (lean: static libcurl + OpenSSL from $prefix)"
    build_echo "$out/lean" -DSW_DEPS_PREFIX="$prefix"
    binaries+=("echo-lean:$out/lean/examples/echo")
else
    say "BENCH_LEAN=0: the lean build is not measured"
fi

# BENCH_EXTRA="name:/path/to/binary ...": more builds of the same function to measure
# alike (scripts/bench.sh artifact passes the packaged deployment artifact).
for extra in ${BENCH_EXTRA:-}; do
    binaries+=("$extra")
done

say "building the benchmark server and the raw-socket floor client"
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$out/rt_bench" bench/rt_bench.c
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$out/floor_client" bench/floor_client.c

field() { # field KEY LINE
    sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<" $2"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

callgrind_ir() { # callgrind_ir BINARY -> instructions per invocation
    local bin=$1 n ir wrap
    declare -A total
    for n in 1000 3000; do
        wrap=$out/cg-wrap.sh
        printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s/cg.%s.out %s\n' \
            "$out" "$n" "$bin" >"$wrap"
        chmod +x "$wrap"
        "$out/rt_bench" loop "$n" 4096 "$wrap" >/dev/null 2>&1 || true
        ir=$(callgrind_annotate "$out/cg.$n.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
        total[$n]=${ir:-0}
    done
    echo $(((total[3000] - total[1000]) / 2000))
}

declare -A start start_min start_p90 start_cpu cpu rss ir
for entry in "${binaries[@]}"; do
    name=${entry%%:*}
    bin=${entry#*:}
    say "$name: $RUNS cold starts"
    line=$("$out/rt_bench" startup "$RUNS" "$bin" 2>/dev/null)
    start[$name]=$(field median "$line")
    start_min[$name]=$(field min "$line")
    start_p90[$name]=$(field p90 "$line")
    start_cpu[$name]=$(field cpu_ms_median "$line")
    cpus=()
    rsss=()
    for ((i = 1; i <= REPEAT; i++)); do
        say "$name: $N invocations of 4096 bytes (run $i/$REPEAT)"
        line=$("$out/rt_bench" loop "$N" 4096 "$bin" 2>/dev/null) || {
            echo "benchmark run failed: $line" >&2
            exit 1
        }
        [ "$(field connections "$line")" = 1 ] || echo "warning: $name used more than one connection" >&2
        cpus+=("$(field cpu_us_per_invocation "$line")")
        rsss+=("$(field max_rss_kib "$line")")
    done
    cpu[$name]=$(printf '%s\n' "${cpus[@]}" | median)
    rss[$name]=$(printf '%s\n' "${rsss[@]}" | median)
    ir[$name]="-"
    if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null; then
        say "$name: callgrind instruction count"
        ir[$name]=$(callgrind_ir "$bin")
    fi
done

echo
echo "Runtime benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-14s %26s %14s %18s %13s %18s\n' build "exec->/next ms med (min-p90)" "start CPU ms" \
    "CPU us/invocation" "peak RSS MiB" "user instr/invoc."
for entry in "${binaries[@]}"; do
    name=${entry%%:*}
    printf '%-14s %26s %14s %18s %13s %18s\n' "$name" \
        "${start[$name]} (${start_min[$name]}-${start_p90[$name]})" "${start_cpu[$name]}" "${cpu[$name]}" \
        "$(awk -v k="${rss[$name]}" 'BEGIN {printf "%.1f", k / 1024}')" "${ir[$name]}"
done
echo
for entry in "${binaries[@]:1}"; do
    name=${entry%%:*}
    awk -v n="$name" -v s="${start[$name]}" -v fs="${start[floor]}" -v c="${cpu[$name]}" \
        -v fc="${cpu[floor]}" 'BEGIN {printf "%s / floor: start-up x%.2f, CPU per invocation x%.2f\n", n, s / fs, c / fc}'
done
echo "targets: <= 3 ms to first /next, <= 35 us CPU per invocation, <= 6 MiB peak RSS"
