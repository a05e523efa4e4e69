# shellcheck shell=bash
# SigV4 signing cost (README "AWS client: SigV4, credentials, endpoints"): scripts/bench.sh
# sigv4; also run by scripts/bench.sh aws. Builds bench/bench_sigv4.c in Release and prints:
#   - CPU ns per operation (CLOCK_PROCESS_CPUTIME_ID, median of ROUNDS rounds of N):
#     sign alone, sign + serialize (all headers as "Name: value" lines), and the SHA-256
#     and HMAC stages, for an Inspector2 POST with a 200-byte body and a 1 KB session token;
#   - user-space instructions per signature with callgrind, (Ir(2N) - Ir(N)) / N, which
#     does not depend on how busy the machine is (skipped without valgrind or CALLGRIND=0).
# Env: N (20000), ROUNDS (15), CALLGRIND (1), BUILD_DIR (build-bench/sigv4).

N=${N:-20000}
ROUNDS=${ROUNDS:-15}
CALLGRIND=${CALLGRIND:-1}
dir=${BUILD_DIR:-build-bench/sigv4}

sw_build "$dir" bench_sigv4 -- -DCMAKE_BUILD_TYPE=Release -DSW_BUILD_TESTS=OFF
bench=$dir/bench/bench_sigv4

echo "== SigV4 CPU time per operation (machine: $(nproc) cores, shared; medians)"
"$bench" --iterations "$N" --rounds "$ROUNDS"

if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null; then
    ir() { # ir ITERATIONS -> total Ir of a run signing ITERATIONS times
        local out
        out=$(mktemp)
        valgrind --tool=callgrind --callgrind-out-file="$out" "$bench" --only sign \
            --iterations "$1" --rounds 1 >/dev/null 2>&1
        callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
        rm -f "$out"
    }
    small=1000
    a=$(ir "$small")
    b=$(ir $((small * 2)))
    echo "sign_instructions_per_op=$(((b - a) / small)) (callgrind, (Ir(2000)-Ir(1000))/1000)"
else
    echo "callgrind skipped (CALLGRIND=0 or valgrind missing)"
fi
