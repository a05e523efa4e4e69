# shellcheck shell=bash
# Sourced by the build scripts (build-artifact.sh, check-artifact.sh, package.sh,
# release.sh): Lambda's two architectures, what builds and runs each, and which one
# `sam build` means (docs/building.md, "Architectures").

# sw_arch_name NAME: Lambda's name (x86_64, arm64) for an architecture name as uname,
# Debian or Lambda spell it; fails for anything else.
sw_arch_name() {
    case $1 in
    x86_64 | amd64 | x86-64) echo x86_64 ;;
    arm64 | aarch64) echo arm64 ;;
    *) return 1 ;;
    esac
}

# This machine's architecture (uname's name when Lambda has no such architecture).
sw_host_arch() {
    sw_arch_name "$(uname -m)" || uname -m
}

# The GNU triplet of an architecture: the cross tools' prefix (aarch64-linux-gnu-gcc).
sw_arch_triplet() {
    case $1 in
    x86_64) echo x86_64-linux-gnu ;;
    arm64) echo aarch64-linux-gnu ;;
    esac
}

# The Debian package of the cross compiler for an architecture.
sw_arch_cross_package() {
    case $1 in
    x86_64) echo gcc-x86-64-linux-gnu ;;
    arm64) echo gcc-aarch64-linux-gnu ;;
    esac
}

# The ELF header's machine as `readelf -h` names it.
sw_arch_elf_machine() {
    case $1 in
    x86_64) echo "Advanced Micro Devices X86-64" ;;
    arm64) echo AArch64 ;;
    esac
}

# The architecture of an ELF file (Lambda's name), or its machine as readelf says it.
sw_elf_arch() {
    local m
    m=$(readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p')
    case $m in
    "Advanced Micro Devices X86-64") echo x86_64 ;;
    AArch64) echo arm64 ;;
    *) echo "${m:-unknown}" ;;
    esac
}

# Inside sam's Amazon Linux build container (`sam build --use-container`): a
# container of Amazon Linux (a Debian container is an ordinary Linux machine).
sw_in_sam_container() {
    { [ -f /.dockerenv ] || [ -f /run/.containerenv ]; } &&
        grep -qE '^ID="?amzn"?$' /etc/os-release 2>/dev/null
}

# sw_sam_arch ROOT: the template's Architecture parameter as this `sam build` sees it,
# printed as "ARCH WHERE". SAM gives a Makefile build no architecture (only
# ARTIFACTS_DIR), so it is read from, in order: the --parameter-overrides of the
# `sam build` command that runs this make (its command line, on Linux), an uncommented
# Architecture override in ROOT/samconfig.toml, the template's Default.
sw_sam_arch() {
    local root=$1 pid=$PPID cmd v depth=0
    # Up the process tree (make, then sam), a few levels at most.
    while [ $((depth += 1)) -le 8 ] && [ -n "$pid" ] && [ "$pid" -gt 1 ] && [ -r "/proc/$pid/cmdline" ]; do
        cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
        if [[ $cmd =~ (^|[/ ])sam\ (.*\ )?build( |$) ]]; then
            v=$(sw_arch_override <<<"$cmd")
            if [ -n "$v" ]; then
                echo "$v the sam build command line (--parameter-overrides)"
                return 0
            fi
            break
        fi
        pid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
    done
    if [ -f "$root/samconfig.toml" ]; then
        v=$(grep -v '^[[:space:]]*#' "$root/samconfig.toml" | sw_arch_override)
        if [ -n "$v" ]; then
            echo "$v samconfig.toml (parameter_overrides)"
            return 0
        fi
    fi
    v=$(awk '/^  Architecture:/ { p = 1; next } p && /^  [^ ]/ { exit }
             p && /^    Default:/ { print $2; exit }' "$root/template.yaml" 2>/dev/null)
    v=$(sw_arch_name "${v:-x86_64}") || v=x86_64
    echo "$v template.yaml (the Architecture parameter's Default)"
}

# The value of an Architecture parameter override in the text on stdin
# (Architecture=arm64, "Architecture=\"arm64\"", ParameterKey=Architecture,ParameterValue=arm64).
sw_arch_override() {
    grep -oE '(ParameterKey=)?Architecture(=|,ParameterValue=)[\\"'\'']*(x86_64|arm64)' |
        grep -oE '(x86_64|arm64)$' | tail -n1
}

# sw_qemu ARCH: the user-mode emulator that runs ARCH's binaries here (nothing when
# ARCH is this machine's); prints its path, fails when it is not installed.
sw_qemu() {
    local q
    case $1 in
    arm64) q=aarch64 ;;
    x86_64) q=x86_64 ;;
    esac
    command -v "qemu-$q-static" || command -v "qemu-$q"
}
