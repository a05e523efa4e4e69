# shellcheck shell=bash
# The runtime benchmark (README "Runtime library"), scripts/bench.sh runtime: examples/echo against a local
# Runtime API, compared with a raw-socket floor client doing the same GET/POST loop.
#
#   - start-up: exec -> first GET /next, median of RUNS cold starts, the builds taking
#     turns (bench/rt_bench.c spawns the function and timestamps both ends on
#     CLOCK_MONOTONIC), and the median CPU (user+sys) of those processes, which load on
#     the machine disturbs less;
#   - CPU per invocation: user+sys of the function process (wait4) / N invocations of a
#     4 KB payload; peak RSS (the function's VmHWM) of the same runs;
#   - both in REPEAT rounds, each round measuring every build in turn (medians over the
#     rounds; ratios to the floor are the medians of the per-round ratios);
#   - user-space instructions per invocation (callgrind, (Ir(3000)-Ir(1000))/2000) and of a
#     cold start (exec -> first /next -> its 500 -> exit), which unlike times do not
#     depend on how busy the machine is (skipped without valgrind);
#   - ratios to the floor, against the targets: exec -> first /next <= 1.3 x, CPU per
#     invocation <= 1.5 x, peak RSS <= 4 MiB.
#
# Builds: the default build (Debian's shared libcurl) and the lean static one
# (scripts/build-deps.sh into SW_DEPS_PREFIX, default .deps/prefix; cached).
# Env: RUNS (30), N (20000), REPEAT (3), CALLGRIND (1), BENCH_LEAN (1), SW_DEPS_PREFIX,
# SW_DEPS_NO_BUILD=1 (use SW_DEPS_PREFIX as it is, e.g. a shared read-only cache),
# BENCH_EXTRA (more name:binary pairs, e.g. "echo-before:/path/to/echo" built from an
# earlier commit, measured in the same run for a before/after comparison).
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
        [ -f "$prefix/.sw-deps-stamp" ] || {
            echo "no lean prefix in $prefix: run scripts/build-deps.sh $prefix" >&2
            exit 1
        }
        say "lean static dependencies: $prefix as it is (SW_DEPS_NO_BUILD=1)"
    else
        say "lean static dependencies (scripts/build-deps.sh $prefix; cached after the first run)"
        bash scripts/build-deps.sh "$prefix"
    fi
    say "building examples/echo (lean: on the static prefix $prefix; the runtime needs only libc)"
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
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$out/rt_bench" bench/rt_bench.c -lssl -lcrypto
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

callgrind_start_ir() { # callgrind_start_ir BINARY -> instructions of one cold start
    local bin=$1 wrap=$out/cg-wrap.sh
    printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s/cg.start.out %s\n' \
        "$out" "$bin" >"$wrap"
    chmod +x "$wrap"
    "$out/rt_bench" startup 1 "$wrap" >/dev/null 2>&1 || true
    callgrind_annotate "$out/cg.start.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}

# Rounds: each round measures every build once (cold starts, then the loop), so that a
# change of load on the shared machine falls on all of them alike; the figures are
# medians over the rounds and the ratios to the floor are medians of the per-round ratios.
declare -A start start_min start_p90 start_cpu cpu rss ir start_ir
declare -A r_start r_min r_p90 r_scpu r_cpu r_rss
bins=()
for entry in "${binaries[@]}"; do
    bins+=("${entry#*:}")
done
for ((i = 1; i <= REPEAT; i++)); do
    say "round $i/$REPEAT: $RUNS cold starts of each build, taking turns"
    lines=$("$out/rt_bench" startup "$RUNS" "${bins[@]}" 2>/dev/null)
    for entry in "${binaries[@]}"; do
        name=${entry%%:*}
        bin=${entry#*:}
        line=$(awk -v p="prog=$bin" '$NF == p' <<<"$lines")
        r_start[$name]+=" $(field median "$line")"
        r_min[$name]+=" $(field min "$line")"
        r_p90[$name]+=" $(field p90 "$line")"
        r_scpu[$name]+=" $(field cpu_ms_median "$line")"
        say "$name: $N invocations of 4096 bytes (round $i/$REPEAT)"
        line=$("$out/rt_bench" loop "$N" 4096 "$bin" 2>/dev/null) || {
            echo "benchmark run failed: $line" >&2
            exit 1
        }
        [ "$(field connections "$line")" = 1 ] || echo "warning: $name used more than one connection" >&2
        r_cpu[$name]+=" $(field cpu_us_per_invocation "$line")"
        r_rss[$name]+=" $(field max_rss_kib "$line")"
    done
done
values() { tr ' ' '\n' <<<"$1" | sed '/^$/d'; }
for entry in "${binaries[@]}"; do
    name=${entry%%:*}
    bin=${entry#*:}
    start[$name]=$(values "${r_start[$name]}" | median)
    start_min[$name]=$(values "${r_min[$name]}" | sort -g | head -n1)
    start_p90[$name]=$(values "${r_p90[$name]}" | median)
    start_cpu[$name]=$(values "${r_scpu[$name]}" | median)
    cpu[$name]=$(values "${r_cpu[$name]}" | median)
    rss[$name]=$(values "${r_rss[$name]}" | median)
    ir[$name]="-"
    start_ir[$name]="-"
    if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null; then
        say "$name: callgrind instruction counts"
        ir[$name]=$(callgrind_ir "$bin")
        start_ir[$name]=$(callgrind_start_ir "$bin")
    fi
done
# ratio NAME ROUND-VALUES-ARRAY: the median over the rounds of NAME's value / the floor's
ratio() {
    local -n rv=$2
    paste <(values "${rv[$1]}") <(values "${rv[floor]}") | awk '{print $1 / $2}' | median
}

echo
echo "Runtime benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-14s %26s %13s %18s %13s %18s %16s\n' build "exec->/next ms med (min-p90)" "start CPU ms" \
    "CPU us/invocation" "peak RSS MiB" "user instr/invoc." "start instr"
for entry in "${binaries[@]}"; do
    name=${entry%%:*}
    printf '%-14s %26s %13s %18s %13s %18s %16s\n' "$name" \
        "${start[$name]} (${start_min[$name]}-${start_p90[$name]})" "${start_cpu[$name]}" "${cpu[$name]}" \
        "$(awk -v k="${rss[$name]}" 'BEGIN {printf "%.1f", k / 1024}')" "${ir[$name]}" "${start_ir[$name]}"
done
echo
for entry in "${binaries[@]:1}"; do
    name=${entry%%:*}
    printf '%s / floor (median of %d rounds): start-up x%.2f (start CPU x%.2f), CPU per invocation x%.2f' \
        "$name" "$REPEAT" "$(ratio "$name" r_start)" "$(ratio "$name" r_scpu)" "$(ratio "$name" r_cpu)"
    if [ "${ir[$name]}" != - ]; then
        awk -v a="${start_ir[$name]}" -v b="${start_ir[floor]}" -v c="${ir[$name]}" -v d="${ir[floor]}" \
            'BEGIN {printf "; instructions: start-up x%.2f, per invocation x%.2f", a / b, c / d}'
    fi
    echo
done
echo "targets: exec->/next <= 1.3 x floor, CPU per invocation <= 1.5 x floor, peak RSS <= 4 MiB"
