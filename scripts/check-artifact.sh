#!/usr/bin/env bash
# Checks that a deployment artifact can run on provided.al2023: DIR/bootstrap is
# an executable ELF for the function's architecture (its ELF machine: x86-64 or
# AArch64) whose versioned glibc symbols are all at most GLIBC_2.34
# (Amazon Linux 2023's glibc), that needs no shared library beyond glibc's own,
# and has no RPATH/RUNPATH into the build machine. (libcurl's compiled-in CA
# path is checked by tests/deploy's probe: the AWS client itself names both the
# Amazon Linux and the Debian bundle, so the binary holds both strings.)
# Used by scripts/build-artifact.sh (so `sam build` fails before a deploy would)
# and by tests/deploy. Prints what it found; exits 1 on the first violation.
#
#   scripts/check-artifact.sh DIR [MAX_GLIBC [ARCH]]
# MAX_GLIBC default 2.34; ARCH x86_64 or arm64, default SW_ARCH, else this machine's.
set -euo pipefail
# shellcheck source=lib/arch.sh
. "$(dirname "$0")/lib/arch.sh"
dir=${1:?usage: check-artifact.sh DIR [MAX_GLIBC [ARCH]]}
max=${2:-2.34}
bin=$dir/bootstrap
fail() {
    echo "check-artifact: FAIL: $*" >&2
    exit 1
}
want=${3:-${SW_ARCH:-$(sw_host_arch)}}
arch=$(sw_arch_name "$want") || fail "unknown architecture '$want' (x86_64 or arm64)"

[ -f "$bin" ] || fail "$bin does not exist"
[ -x "$bin" ] || fail "$bin is not executable"
head -c4 "$bin" | grep -q 'ELF' || fail "$bin is not an ELF file"
command -v readelf >/dev/null || fail "readelf (binutils) is needed"

# The ELF machine: a binary of the other architecture deploys fine and then fails
# every invocation with Runtime.InvalidEntrypoint (exec format error).
got=$(sw_elf_arch "$bin")
[ "$got" = "$arch" ] || fail "$bin is built for $got ($(readelf -h "$bin" | sed -n 's/^ *Machine: *//p')), \
but the function's architecture is $arch: rebuild with SW_ARCH=$arch, or deploy it with \
Architecture=$got (docs/building.md, \"Architectures\")"

# Versioned glibc symbols: the newest must not be newer than MAX_GLIBC.
# readelf -V lists every version the binary requires (from .gnu.version_r).
versions=$(readelf -V -W "$bin" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sort -u -V || true)
newest=$(printf '%s\n' "$versions" | sed 's/^GLIBC_//' | sort -V | tail -n1)
[ -n "$newest" ] || fail "$bin requires no versioned glibc symbol (not dynamically linked to glibc?)"
if [ "$(printf '%s\n%s\n' "$newest" "$max" | sort -V | tail -n1)" != "$max" ]; then
    too_new=$(readelf --dyn-syms -W "$bin" | grep -oE '[^ ]+@+GLIBC_[0-9.]+' |
        while IFS= read -r s; do
            v=${s##*GLIBC_}
            [ "$(printf '%s\n%s\n' "$v" "$max" | sort -V | tail -n1)" = "$max" ] || echo "$s"
        done | sort -u | tr '\n' ' ')
    fail "needs GLIBC_$newest > GLIBC_$max (Amazon Linux 2023): $too_new"
fi

# NEEDED: glibc's own libraries only.
allowed='^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1)$'
needed=$(readelf -d -W "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for lib in $needed; do
    [[ $lib =~ $allowed ]] || fail "needs $lib, which provided.al2023 does not guarantee (only glibc's libraries are allowed)"
done

# The program interpreter must be glibc's standard loader at its standard path.
interp=$(readelf -l -W "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
case $interp in
/lib64/ld-linux-x86-64.so.2) [ "$arch" = x86_64 ] || fail "program interpreter '$interp' on $arch" ;;
/lib/ld-linux-aarch64.so.1) [ "$arch" = arm64 ] || fail "program interpreter '$interp' on $arch" ;;
*) fail "unexpected program interpreter '$interp'" ;;
esac

# No search path into the build machine (a lib/ beside bootstrap is the only
# acceptable one: $ORIGIN/lib).
runpath=$(readelf -d -W "$bin" | sed -n 's/.*(\(RPATH\|RUNPATH\)).*\[\(.*\)\]/\2/p')
# shellcheck disable=SC2016 # the literal $ORIGIN of the dynamic loader
if [ -n "$runpath" ] && [ "$runpath" != '$ORIGIN/lib' ]; then
    fail "RPATH/RUNPATH '$runpath' points outside the artifact"
fi

echo "check-artifact: OK: $bin ($arch, $(stat -c %s "$bin") bytes), newest glibc symbol version GLIBC_$newest <= GLIBC_$max, NEEDED: ${needed//$'\n'/ }"
