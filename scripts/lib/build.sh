# shellcheck shell=bash
# Sourced by the scripts that build before they run something (scripts/bench.sh and the
# benchmarks under scripts/lib/bench/): configure and build, quietly, from the source root.

# sw_build DIR TARGET... [-- CMAKE_ARG...]: configures DIR with warnings as errors and the
# given CMake arguments, then builds the TARGETs (-j the machine's cores). Prints nothing
# unless it fails.
sw_build() {
    local dir=$1 targets=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        targets+=("$1")
        shift
    done
    [ $# -gt 0 ] && shift
    cmake -S . -B "$dir" -DSW_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" --target "${targets[@]}" -j"$(nproc)" >/dev/null
}
