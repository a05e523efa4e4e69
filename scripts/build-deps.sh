#!/usr/bin/env bash
# Builds the lean, static dependencies of the deployable artifact into a prefix:
# libcurl (HTTP and HTTPS over OpenSSL only), OpenSSL's static libraries and a
# static cJSON, with pkg-config files, so `cmake -DSW_DEPS_PREFIX=PREFIX` links
# them statically and the bootstrap needs nothing from the system but glibc.
# Sources come from the distribution's own source packages (apt-get source on
# Debian, dnf download --source on Amazon Linux 2023) and are never committed.
# On Debian, apt runs with a private configuration under SW_DEPS_WORK/apt (its
# own deb-src sources derived from the system's mirrors, lists, cache, state):
# nothing under /etc is written and the system's package lists are not touched.
# What it downloads, where it caches and how to clear it: docs/building.md.
#
#   scripts/build-deps.sh [PREFIX]     default: .deps/prefix (git-ignored)
#   scripts/build-deps.sh --fetch-only [PREFIX]
#                          download and unpack the sources into SW_DEPS_WORK/src
#                          only (no build; PREFIX untouched)
#
# Cached: a stamp in PREFIX records the source package versions and this
# script's hash; a rerun with the same key does nothing. Environment:
#   SW_DEPS_WORK   where the private apt state lives and sources are unpacked
#                  and built (default: .deps/work)
#   SW_DEPS_JOBS   parallel make jobs (default: nproc)
#   SW_ARCH        the architecture to build for: x86_64 or arm64 (aliases amd64,
#                  aarch64; default: this machine's). Another than this machine's
#                  is a cross build (Debian only): the cross compiler
#                  (gcc-aarch64-linux-gnu or gcc-x86-64-linux-gnu), and OpenSSL's
#                  Debian source package built for that architecture
#   CC             the C compiler (default: cc; in a cross build TRIPLET-gcc)
#   SW_APT_SOURCES a file of deb-src entries (one-line .list or deb822 .sources)
#                  to use instead of those derived from /etc/apt
#   SW_DEPS_APT_MAX_AGE  minutes before the private package lists are refreshed
#                  (default 1440, a day; offline, older lists are used with a warning)
#   SW_DEPS_SOURCES  a folder with source trees curl/, cjson/ and optionally
#                  openssl/ (e.g. unpacked source packages copied from elsewhere):
#                  build from those, fetch nothing. Without openssl/ the system's
#                  static libssl.a/libcrypto.a are used.
#   SW_DEPS_INSTALL=1  Amazon Linux: let dnf install missing build packages
#                  (automatic inside a container, e.g. `sam build --use-container`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fetch_only=0
if [ "${1:-}" = --fetch-only ]; then
    fetch_only=1
    shift
fi
prefix=${1:-$root/.deps/prefix}
if [ "$fetch_only" = 0 ]; then
    mkdir -p "$prefix"
    prefix=$(cd "$prefix" && pwd)
fi
work=${SW_DEPS_WORK:-$root/.deps/work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
jobs=${SW_DEPS_JOBS:-$(nproc)}
start=$(date +%s)

say() { echo "build-deps: $*" >&2; }
die() {
    say "error: $*"
    exit 1
}

# The target: Lambda's architecture names (x86_64, arm64), the GNU triplet, and
# whether it is a cross build (another machine than this one).
# shellcheck source=lib/arch.sh
. "$root/scripts/lib/arch.sh"
host_arch=$(sw_host_arch)
target_arch=$(sw_arch_name "${SW_ARCH:-$host_arch}") ||
    die "SW_ARCH=${SW_ARCH:-}: not an architecture Lambda runs (x86_64 or arm64)"
triplet=$(sw_arch_triplet "$target_arch")
cross_pkg=$(sw_arch_cross_package "$target_arch")
ssl_target=linux-$(echo "$triplet" | cut -d- -f1)
cross=0
[ "$target_arch" = "$host_arch" ] || cross=1
if [ "$cross" = 1 ]; then
    cc=${CC:-$triplet-gcc}
    ar=${AR:-$triplet-ar}
else
    cc=${CC:-cc}
    ar=${AR:-ar}
fi

# The libcurl we want: HTTP/1.1 and HTTPS through OpenSSL, keep-alive,
# TCP_NODELAY, the threaded resolver (glibc getaddrinfo, linked dynamically),
# HTTP(S) proxies with Basic credentials (the AWS client honours HTTPS_PROXY).
# Everything else is off: other protocols, Digest/NTLM/Negotiate auth, cookies,
# HSTS, alt-svc, HTTP/2, IDN, PSL, compression. The only compiled-in CA path
# is Amazon Linux 2023's bundle (the image the artifact runs on), never a
# Debian one; callers that set CURLOPT_CAINFO (the AWS client does: SSL_CERT_FILE
# first) override it. No CA directory, no OpenSSL default-path fallback.
CURL_CONFIGURE_FLAGS=(
    --disable-shared --enable-static --disable-dependency-tracking --disable-silent-rules
    --enable-http --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp
    --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb
    --disable-smtp --disable-gopher --disable-mqtt --disable-websockets
    --enable-proxy --enable-http-auth --disable-crypto-auth --disable-ntlm --disable-ntlm-wb
    --disable-tls-srp --disable-unix-sockets --disable-cookies --disable-alt-svc --disable-hsts
    --disable-doh --disable-mime --disable-dateparse --disable-netrc --disable-progress-meter
    --disable-dnsshuffle --disable-get-easy-options --disable-libcurl-option --disable-manual
    --disable-versioned-symbols --disable-openssl-auto-load-config --disable-ares
    --enable-threaded-resolver --enable-ipv6 --enable-symbol-hiding
    --with-ca-bundle=/etc/pki/tls/certs/ca-bundle.crt --without-ca-path --without-ca-fallback
    --without-zlib --without-brotli --without-zstd --without-libpsl --without-libidn2
    --without-librtmp --without-libssh2 --without-libssh --without-nghttp2 --without-nghttp3
    --without-ngtcp2 --without-quiche --without-msh3 --without-hyper --without-gssapi
    --without-libgsasl --without-zsh-functions-dir --without-fish-functions-dir
)
# Section flags let the final link (--gc-sections, set by CMake in lean mode)
# drop what the bootstrap never calls.
DEPS_CFLAGS="-O2 -g0 -fPIC -ffunction-sections -fdata-sections"

# ---------------------------------------------------------------- packaging
pkg_tool=none
if [ -n "${SW_DEPS_SOURCES:-}" ]; then
    pkg_tool=sources
    SW_DEPS_SOURCES=$(cd "$SW_DEPS_SOURCES" && pwd)
elif command -v apt-get >/dev/null 2>&1; then
    pkg_tool=apt
elif command -v dnf >/dev/null 2>&1; then
    pkg_tool=dnf
fi

OFFLINE_HINT="or build offline: unpack curl's and cJSON's sources into DIR/curl and DIR/cjson \
and rerun with SW_DEPS_SOURCES=DIR (docs/building.md)"

# Debian: the build tools come from the system's packages. Installing them is
# the operator's decision, never a side effect of a build: say what to install.
apt_need_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    die "missing build packages: ${missing[*]}. Install them (once, as root):
    apt-get install --no-install-recommends ${missing[*]}
and rerun."
}

# A private apt configuration under $work/apt: its own etc dir (the deb-src
# sources below), lists, cache and state, passed to every apt-get/apt-cache
# call with -o. The system's /etc/apt is only read (its sources, keyrings,
# auth.conf and apt.conf.d, e.g. a proxy), never written; the system's package
# lists are never updated. apt-get source needs no root.
apt_dir=$work/apt
APT_OPTS=()

# The system's deb (and deb-src) entries of Debian or Ubuntu archives, as
# deb-src entries: apt_derive_list the one-line ones (sources.list, *.list),
# apt_derive_sources the deb822 stanzas (*.sources). An archive is recognised
# by the origin its Release file states (Debian, Ubuntu) in the system's lists
# (read with apt-cache policy); with no lists yet, by "debian"/"ubuntu" in the
# URI. Third-party repositories (often without sources) are left out.
apt_system_sources() {
    eval "$(apt-config shell sys_list Dir::Etc::SourceList/f sys_parts Dir::Etc::SourceParts/d)"
    apt-cache policy 2>/dev/null | awk '
        /^ *-?[0-9]+ [a-z+]+:\/\// { uri = $2; sub(/\/$/, "", uri); next }
        /^ *release .*o=(Debian|Ubuntu)(,|$)/ && uri != "" { print uri }' | sort -u >"$apt_dir/archives"
}

# Reads one-line deb-src entries on stdin; prints those whose URI is a known
# archive (with no known archive: one that looks like one), once each.
apt_known_archive() {
    awk -v known="$apt_dir/archives" '
        BEGIN { while ((getline line < known) > 0) { ok[line] = 1; n++ } }
        {
            line = $0; sub(/^deb-src +(\[[^]]*\] +)?/, "", line); split(line, w, " "); uri = w[1]
            sub(/\/$/, "", uri)
            if ((n ? (uri in ok) : (uri ~ /debian|ubuntu/ && uri !~ /^cdrom:/)) && !seen[$0]++) print
        }'
}

apt_derive_list() {
    local f
    for f in "$sys_list" "$sys_parts"*.list; do
        [ -f "$f" ] || continue
        sed -nE 's/^[[:space:]]*deb(-src)?[[:space:]]+/deb-src /p' "$f"
    done | apt_known_archive
}

apt_derive_sources() {
    local f
    for f in "$sys_parts"*.sources; do
        [ -f "$f" ] || continue
        cat "$f"
        echo
    done | awk -v known="$apt_dir/archives" '
        BEGIN { while ((getline line < known) > 0) { ok[line] = 1; n++ } }
        function archive(uris,    u, i, k) {
            k = split(uris, u, " ")
            for (i = 2; i <= k; i++) {
                sub(/\/$/, "", u[i])
                if (n ? (u[i] in ok) : (u[i] ~ /debian|ubuntu/)) return 1
            }
            return 0
        }
        function flush() {
            if (st != "" && types ~ /(^| )deb(-src)?( |$)/ && archive(uris) && !off && !seen[st]++)
                printf "Types: deb-src\n%s\n", st
            st = ""; types = ""; uris = ""; off = 0
        }
        /^[[:space:]]*$/ { flush(); next }
        /^#/ { next }
        /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types = $0; next }
        /^URIs:/ { uris = $0 }
        /^Enabled:[[:space:]]*(no|false)/ { off = 1 }
        { st = st $0 "\n" }
        END { flush() }'
}

# Writes the private sources (SW_APT_SOURCES, or derived from the system's) and
# sets APT_OPTS. A file is only replaced when its content changes, so its time
# says when the lists must be refreshed.
apt_private_setup() {
    local sources=$apt_dir/etc/sources.list.d/scanwarden-src
    local sys_list sys_parts trusted trustedparts netrc netrcparts e
    mkdir -p "$apt_dir/etc/sources.list.d" "$apt_dir/etc/preferences.d" \
        "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial"
    : >"$apt_dir/etc/sources.list"
    : >"$apt_dir/state/status"
    rm -f "$apt_dir/new.list" "$apt_dir/new.sources"
    if [ -n "${SW_APT_SOURCES:-}" ]; then
        [ -f "$SW_APT_SOURCES" ] || die "SW_APT_SOURCES=$SW_APT_SOURCES: no such file"
        case $SW_APT_SOURCES in
        *.sources) cp "$SW_APT_SOURCES" "$apt_dir/new.sources" ;;
        *) cp "$SW_APT_SOURCES" "$apt_dir/new.list" ;;
        esac
    else
        apt_system_sources
        apt_derive_list >"$apt_dir/new.list"
        apt_derive_sources >"$apt_dir/new.sources"
    fi
    for e in list sources; do
        if [ -s "$apt_dir/new.$e" ]; then
            cmp -s "$apt_dir/new.$e" "$sources.$e" || mv "$apt_dir/new.$e" "$sources.$e"
        else
            rm -f "$sources.$e"
        fi
        rm -f "$apt_dir/new.$e"
    done
    [ -s "$sources.list" ] || [ -s "$sources.sources" ] ||
        die "no Debian or Ubuntu mirror found in the system's apt sources to derive deb-src entries from.
Write your mirror's source entry into a file, e.g.
    echo 'deb-src http://deb.debian.org/debian bookworm main' >my-sources.list
and rerun with SW_APT_SOURCES=\$PWD/my-sources.list, $OFFLINE_HINT"
    eval "$(apt-config shell trusted Dir::Etc::Trusted/f trustedparts Dir::Etc::TrustedParts/d \
        netrc Dir::Etc::netrc/f netrcparts Dir::Etc::netrcparts/d)"
    APT_OPTS=(
        -o "Dir::Etc=$apt_dir/etc"
        -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
        -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
        -o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
        -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
        -o "Dir::Etc::Trusted=$trusted" -o "Dir::Etc::TrustedParts=$trustedparts"
        -o "Dir::Etc::netrc=$netrc" -o "Dir::Etc::netrcparts=$netrcparts"
        -o "Dir::State=$apt_dir/state" -o "Dir::State::Lists=$apt_dir/state/lists"
        -o "Dir::State::status=$apt_dir/state/status"
        -o "Dir::Cache=$apt_dir/cache" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    )
}

# Refreshes the private lists when they are missing, older than the sources, or
# older than SW_DEPS_APT_MAX_AGE minutes (default a day). Offline with lists
# already there: warns and uses them.
apt_private_update() {
    local stamp=$apt_dir/state/lists/.sw-updated f max_age=${SW_DEPS_APT_MAX_AGE:-1440}
    if [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +"$max_age")" ]; then
        local newer=0
        for f in "$apt_dir"/etc/sources.list.d/*; do
            [ "$f" -nt "$stamp" ] && newer=1
        done
        [ $newer = 0 ] && return 0
    fi
    say "downloading the source package lists (private apt state in $apt_dir)"
    if apt-get "${APT_OPTS[@]}" -o APT::Update::Error-Mode=any -q update >"$apt_dir/update.log" 2>&1; then
        touch "$stamp"
        return 0
    fi
    if [ -f "$stamp" ]; then
        say "warning: could not refresh the package lists (offline?); using the ones from $(date -r "$stamp" '+%F %R')"
        return 0
    fi
    if compgen -G "$apt_dir/state/lists/*_Sources*" >/dev/null; then
        # Some entries failed (e.g. a mirror without sources): go on with the
        # others; the next run tries again.
        say "warning: some source indexes could not be downloaded; going on with the others:"
        grep -E '^(E|W|Err):' "$apt_dir/update.log" | sed 's/^/    /' | head -n 10 >&2
        return 0
    fi
    sed 's/^/    /' "$apt_dir/update.log" | tail -n 15 >&2
    die "could not download the source package lists from the mirrors in $apt_dir/etc/sources.list.d
(apt-get update with the private configuration above failed). Check the network and any proxy
(apt's Acquire::http::Proxy in /etc/apt/apt.conf.d is honoured, so is http_proxy), point
SW_APT_SOURCES at a file with a reachable mirror's deb-src entries, $OFFLINE_HINT"
}

# Version of the source package apt would fetch (read from the lists; no download).
apt_source_version() {
    apt-get "${APT_OPTS[@]}" source --print-uris -qq "$1" 2>/dev/null |
        sed -n "s/^'[^']*\/${1}_\([^']*\)\.dsc'.*/\1/p" | head -n1 | sed 's/%2b/+/g; s/%7e/~/g'
}

# apt_fetch NAME VERSION: apt-get source NAME=VERSION into $work/src; if the
# mirror lacks that version's files (a security pool can answer 404), the other
# versions the lists know, newest first.
apt_fetch() {
    local name=$1 v
    for v in "$2" $(apt-cache "${APT_OPTS[@]}" showsrc "$name" 2>/dev/null | sed -n 's/^Version: //p' | sort -ruV); do
        if (cd "$work/src" && apt-get "${APT_OPTS[@]}" source -qq "$name=$v" >"$work/src/$name.log" 2>&1); then
            [ "$v" = "$2" ] || say "fetched $name $v instead of $2"
            return 0
        fi
        say "apt-get source $name=$v failed: $(tail -n1 "$work/src/$name.log")"
        find "$work/src" -maxdepth 1 -name "${name}[-_]*" -exec rm -rf {} +
    done
    return 1
}

# Amazon Linux 2023 (the `sam build --use-container` image): installing the
# build tools is fine in a throwaway container; on a host, say what to install.
dnf_need_packages() {
    local missing=() p
    for p in "$@"; do
        rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ -f /.dockerenv ] || [ -f /run/.containerenv ] || [ "${SW_DEPS_INSTALL:-0}" = 1 ]; then
        say "installing (in a container): ${missing[*]}"
        if [ "$(id -u)" = 0 ]; then
            dnf install -y -q "${missing[@]}"
        else
            sudo dnf install -y -q "${missing[@]}"
        fi
        return
    fi
    die "missing build packages: ${missing[*]}. Install them (once, as root):
    dnf install -y ${missing[*]}
and rerun (or set SW_DEPS_INSTALL=1 to let this script install them)."
}

dnf_source_version() {
    dnf repoquery -q --enablerepo='*-source' --arch=src --latest-limit=1 \
        --qf '%{version}-%{release}' "$1" 2>/dev/null | head -n1
}

# Unpacks a source RPM's upstream tarball into $work/src/NAME (AL2023 patches
# are not applied: upstream release sources, documented in docs/building.md).
dnf_fetch_source() {
    local name=$1
    local dir=$work/src/$name
    rm -rf "$dir" "$work/src/$name.rpm.d"
    mkdir -p "$work/src/$name.rpm.d" "$dir"
    (cd "$work/src/$name.rpm.d" && dnf download -q --source --enablerepo='*-source' "$name" &&
        rpm2cpio ./*.src.rpm | cpio -idm --quiet)
    local tarball
    tarball=$(find "$work/src/$name.rpm.d" -maxdepth 1 -name "*.tar.*" ! -name '*.asc' ! -name '*.sig' |
        sort | head -n1)
    [ -n "$tarball" ] || die "no source tarball in the $name source RPM"
    tar -xf "$tarball" -C "$dir" --strip-components=1
}

# ----------------------------------------------------------- versions, cache
# The recipe's hash: the flags and everything from the OpenSSL section on (how
# the prefix is built); changes to how sources are found do not invalidate it.
script_hash=$({
    printf '%s\n' "${CURL_CONFIGURE_FLAGS[@]}" "$DEPS_CFLAGS"
    sed -n '/^# -* OpenSSL$/,$p' "$0"
} | sha256sum | cut -c1-16)
case $pkg_tool in
apt)
    # dpkg-dev unpacks the source packages (dpkg-source); libssl-dev has the
    # static OpenSSL libraries.
    apt_need_packages build-essential pkg-config dpkg-dev libssl-dev
    # A cross build: the cross compiler, and OpenSSL from its source package
    # (libssl-dev's static libraries are for this machine only).
    [ "$cross" = 1 ] && apt_need_packages "$cross_pkg" perl
    apt_private_setup
    apt_private_update
    curl_ver=$(apt_source_version curl)
    cjson_ver=$(apt_source_version cjson)
    if [ "$cross" = 1 ]; then
        ssl_ver=$(apt_source_version openssl)
    else
        ssl_ver=$(dpkg-query -W -f='${Version}' libssl-dev)
    fi
    ;;
dnf)
    [ "$cross" = 0 ] || die "SW_ARCH=$target_arch on a $host_arch Amazon Linux machine: cross builds \
are Debian-only. Build on a $target_arch machine or image (\`sam build --use-container\` with \
Architecture=$target_arch runs the $target_arch build image), or on Debian (docs/building.md)"
    dnf_need_packages gcc make cmake binutils findutils perl pkgconf-pkg-config tar gzip xz cpio \
        rpm dnf-plugins-core util-linux \
        perl-IPC-Cmd perl-FindBin perl-File-Compare perl-File-Copy perl-Time-Piece
    curl_ver=$(dnf_source_version curl)
    cjson_ver=$(dnf_source_version cjson)
    ssl_ver=$(dnf_source_version openssl)
    [ -n "$cjson_ver" ] || die "no cjson source package in the configured repositories: unpack \
cJSON's source (cJSON.c, cJSON.h) into DIR/cjson, curl's into DIR/curl, OpenSSL's into \
DIR/openssl, and rerun with SW_DEPS_SOURCES=DIR"
    ;;
sources)
    [ "$cross" = 0 ] || [ -d "$SW_DEPS_SOURCES/openssl" ] ||
        die "SW_ARCH=$target_arch is a cross build: SW_DEPS_SOURCES=$SW_DEPS_SOURCES needs an openssl/ source tree"
    for d in curl cjson; do
        [ -d "$SW_DEPS_SOURCES/$d" ] || die "SW_DEPS_SOURCES=$SW_DEPS_SOURCES has no $d/ source tree"
    done
    curl_ver=$(sed -n 's/^#define LIBCURL_VERSION "\([^"]*\)".*/\1/p' \
        "$SW_DEPS_SOURCES/curl/include/curl/curlver.h" 2>/dev/null)
    cjson_ver=$(sed -n 's/^#define CJSON_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' \
        "$SW_DEPS_SOURCES/cjson/cJSON.h" 2>/dev/null | paste -sd.)
    if [ -f "$SW_DEPS_SOURCES/openssl/VERSION.dat" ]; then
        ssl_ver=source-$(sed -n 's/^\(MAJOR\|MINOR\|PATCH\)=//p' "$SW_DEPS_SOURCES/openssl/VERSION.dat" | paste -sd.)
    else
        ssl_ver=$(pkg-config --modversion openssl 2>/dev/null || true)
    fi
    ;;
*)
    die "neither apt-get nor dnf found, so no source packages can be fetched: $OFFLINE_HINT"
    ;;
esac
src_where="the source repositories"
[ "$pkg_tool" = apt ] && src_where="the private apt lists ($apt_dir, from $(
    cd "$apt_dir/etc/sources.list.d" && echo *))"
[ -n "$curl_ver" ] || die "no curl source package in $src_where: $OFFLINE_HINT"
[ -n "$cjson_ver" ] || die "no cjson source package in $src_where: $OFFLINE_HINT"
[ -n "$ssl_ver" ] || die "could not find the OpenSSL package version"
# --fetch-only: download and unpack the sources into $work/src, build nothing.
if [ "$fetch_only" = 1 ]; then
    case $pkg_tool in
    apt)
        rm -rf "$work/src"
        mkdir -p "$work/src"
        apt_fetch curl "$curl_ver" || die "apt-get source curl failed for every version apt knows"
        apt_fetch cjson "$cjson_ver" || die "apt-get source cjson failed for every version apt knows"
        if [ "$cross" = 1 ]; then
            apt_fetch openssl "$ssl_ver" || die "apt-get source openssl failed for every version apt knows"
        fi
        ;;
    dnf)
        mkdir -p "$work/src"
        dnf_fetch_source curl
        dnf_fetch_source cjson
        ;;
    esac
    say "fetched curl $curl_ver and cjson $cjson_ver into $work/src in $(($(date +%s) - start)) s"
    exit 0
fi

# A native build keeps uname's name (x86_64, aarch64) in the key, as before.
arch=$(uname -m)
[ "$cross" = 1 ] && arch="$(echo "$triplet" | cut -d- -f1) cross=$cc"
key="curl=$curl_ver cjson=$cjson_ver openssl=$ssl_ver arch=$arch script=$script_hash"
stamp=$prefix/.sw-deps-stamp

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    say "up to date in $prefix ($key)"
    exit 0
fi

# One build at a time per prefix (CI, a benchmark and a developer may race).
exec 9>"$prefix.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    say "up to date in $prefix (built by a concurrent run)"
    exit 0
fi
say "building into $prefix: $key"
find "$prefix" -mindepth 1 -delete
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include" "$work/src" "$work/build"

# ------------------------------------------------------------------ sources
case $pkg_tool in
apt)
    rm -rf "$work/src"
    mkdir -p "$work/src"
    apt_fetch curl "$curl_ver" || die "apt-get source curl failed for every version apt knows"
    apt_fetch cjson "$cjson_ver" || die "apt-get source cjson failed for every version apt knows"
    if [ "$cross" = 1 ]; then
        apt_fetch openssl "$ssl_ver" || die "apt-get source openssl failed for every version apt knows"
        ssl_unpacked=$(find "$work/src" -maxdepth 1 -type d -name 'openssl-*' | head -n1)
        [ -n "$ssl_unpacked" ] || die "no OpenSSL source tree in $work/src"
        mv "$ssl_unpacked" "$work/src/openssl"
    fi
    curl_src=$(find "$work/src" -maxdepth 1 -type d -name 'curl-*' | head -n1)
    cjson_src=$(find "$work/src" -maxdepth 1 -type d -name 'cjson-*' | head -n1)
    ;;
dnf)
    dnf_fetch_source curl
    dnf_fetch_source cjson
    curl_src=$work/src/curl
    cjson_src=$work/src/cjson
    ;;
sources)
    curl_src=$SW_DEPS_SOURCES/curl
    cjson_src=$SW_DEPS_SOURCES/cjson
    ;;
esac
[ -f "$curl_src/configure" ] || die "no curl source tree in $work/src"
[ -f "$cjson_src/cJSON.c" ] || die "no cJSON source in $work/src"

# ------------------------------------------------------------------ OpenSSL
# Debian's libssl-dev ships libssl.a/libcrypto.a built from the same version
# as its headers: link those. Where no static OpenSSL exists (Amazon Linux
# 2023 has no openssl-static), build one from the source package.
ssl_a=$("$cc" -print-file-name=libssl.a)
crypto_a=$("$cc" -print-file-name=libcrypto.a)
ssl_src=$work/src/openssl
[ "$pkg_tool" = sources ] && ssl_src=$SW_DEPS_SOURCES/openssl
if [ "$pkg_tool" != dnf ] && [ ! -d "$ssl_src" ] && [ -f "$ssl_a" ] && [ -f "$crypto_a" ]; then
    ln -s "$(readlink -f "$ssl_a")" "$prefix/lib/libssl.a"
    ln -s "$(readlink -f "$crypto_a")" "$prefix/lib/libcrypto.a"
    ssl_incdir=$(pkg-config --variable=includedir openssl 2>/dev/null || echo /usr/include)
    ssl_pc_incdir=$ssl_incdir
    ssl_modver=$(pkg-config --modversion openssl 2>/dev/null || echo "$ssl_ver")
else
    say "building OpenSSL from $ssl_src (static, no engines, no legacy provider)"
    if [ "$pkg_tool" = dnf ]; then
        dnf_fetch_source openssl
    fi
    [ -f "$ssl_src/Configure" ] || die "no OpenSSL source in $ssl_src"
    # Built in a copy of the source tree with relative paths, and installed
    # under a fixed prefix then copied: the file names OpenSSL compiles into
    # its error strings and the directories it records (__FILE__, MODULESDIR)
    # do not depend on where this runs, so the bootstrap built on it is the
    # same bytes wherever the prefix lives (scripts/release.sh). OPENSSLDIR is
    # Amazon Linux's (/etc/pki/tls), though libcurl never loads openssl.cnf
    # (--disable-openssl-auto-load-config). A cross build names the target
    # and the cross tools.
    ssl_build=$work/build/openssl
    rm -rf "$ssl_build" "$work/build/openssl-stage"
    mkdir -p "$work/build"
    cp -a "$ssl_src" "$ssl_build"
    ssl_env=()
    ssl_cfg=()
    if [ "$cross" = 1 ]; then
        ssl_env=(CC="$cc" AR="$ar" RANLIB="${RANLIB:-$triplet-ranlib}")
        ssl_cfg=("$ssl_target")
    fi
    # shellcheck disable=SC2086
    (cd "$ssl_build" && env "${ssl_env[@]}" ./Configure "${ssl_cfg[@]}" --prefix=/opt/scanwarden-deps \
        --libdir=lib --openssldir=/etc/pki/tls \
        no-shared no-tests no-engine no-dso no-module no-legacy no-comp no-ssl3 no-ui-console \
        no-afalgeng no-capieng no-dtls $DEPS_CFLAGS >configure.out 2>&1 &&
        make -j"$jobs" build_libs >make.out 2>&1 &&
        make install_dev DESTDIR="$work/build/openssl-stage" >install.out 2>&1) ||
        die "OpenSSL build failed (logs in $ssl_build: configure.out, make.out, install.out)"
    cp -a "$work/build/openssl-stage/opt/scanwarden-deps/include/." "$prefix/include/"
    cp -a "$work/build/openssl-stage/opt/scanwarden-deps/lib/libssl.a" \
        "$work/build/openssl-stage/opt/scanwarden-deps/lib/libcrypto.a" "$prefix/lib/"
    rm -f "$prefix"/lib/pkgconfig/{openssl,libssl,libcrypto}.pc
    ssl_incdir=$prefix/include
    # shellcheck disable=SC2016 # a pkg-config variable, expanded by pkg-config
    ssl_pc_incdir='${prefix}/include'
    # The version built (apt_fetch may have fallen back to an older one).
    ssl_modver=$(sed -n 's/^\(MAJOR\|MINOR\|PATCH\)=//p' "$ssl_build/VERSION.dat" | paste -sd.)
    [ -n "$ssl_modver" ] || ssl_modver=${ssl_ver#source-}
fi

cat >"$prefix/lib/pkgconfig/libcrypto.pc" <<EOF
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=$ssl_pc_incdir

Name: libcrypto
Description: OpenSSL cryptography library (static, scanwarden lean build)
Version: $ssl_modver
Libs: -L\${libdir} -lcrypto
Libs.private: -ldl -pthread
Cflags: -I\${includedir}
EOF
cat >"$prefix/lib/pkgconfig/libssl.pc" <<EOF
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=$ssl_pc_incdir

Name: libssl
Description: OpenSSL TLS library (static, scanwarden lean build)
Version: $ssl_modver
Requires.private: libcrypto
Libs: -L\${libdir} -lssl
Cflags: -I\${includedir}
EOF

cat >"$prefix/lib/pkgconfig/openssl.pc" <<EOF
prefix=\${pcfiledir}/../..

Name: OpenSSL
Description: OpenSSL (static, scanwarden lean build)
Version: $ssl_modver
Requires: libssl libcrypto
EOF

# -------------------------------------------------------------------- cJSON
cjson_build=$work/build/cjson
rm -rf "$cjson_build"
mkdir -p "$cjson_build" "$prefix/include/cjson"
# shellcheck disable=SC2086
"$cc" $DEPS_CFLAGS -ffile-prefix-map="$cjson_src"=cjson -std=c89 -c "$cjson_src/cJSON.c" \
    -o "$cjson_build/cJSON.o"
"$ar" rcsD "$prefix/lib/libcjson.a" "$cjson_build/cJSON.o"
cp "$cjson_src/cJSON.h" "$prefix/include/cjson/cJSON.h"
cjson_modver=$(sed -n 's/^#define CJSON_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' \
    "$cjson_src/cJSON.h" | paste -sd.)
cat >"$prefix/lib/pkgconfig/libcjson.pc" <<EOF
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libcjson
Description: cJSON (static, scanwarden lean build)
Version: $cjson_modver
Libs: -L\${libdir} -lcjson
Libs.private: -lm
Cflags: -I\${includedir} -I\${includedir}/cjson
EOF

# ------------------------------------------------------------------ libcurl
curl_build=$work/build/curl
rm -rf "$curl_build"
mkdir -p "$curl_build"
(
    cd "$curl_build"
    curl_host=()
    [ "$cross" = 1 ] && curl_host=(--host="$triplet")
    PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH='' \
        CC=$cc AR=$ar CFLAGS="$DEPS_CFLAGS -ffile-prefix-map=$curl_src=curl -ffile-prefix-map=$curl_build=curl" \
        CPPFLAGS="-I$ssl_incdir" LDFLAGS="-L$prefix/lib" LIBS="-ldl -pthread" \
        "$curl_src/configure" "${curl_host[@]}" --prefix="$prefix" --libdir="$prefix/lib" \
        --with-openssl="$prefix" "${CURL_CONFIGURE_FLAGS[@]}" >configure.out 2>&1 ||
        {
            tail -n 30 configure.out >&2
            exit 1
        }
    make -s -j"$jobs" -C lib >make.out 2>&1 || {
        tail -n 30 make.out >&2
        exit 1
    }
    make -s -C lib install >/dev/null
    make -s -C include install >/dev/null
) || die "libcurl build failed (logs in $curl_build)"
curl_modver=$(sed -n 's/^#define LIBCURL_VERSION "\([^"]*\)".*/\1/p' "$prefix/include/curl/curlver.h")
rm -f "$prefix"/lib/libcurl.la
cat >"$prefix/lib/pkgconfig/libcurl.pc" <<EOF
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libcurl
Description: libcurl, HTTP and HTTPS over OpenSSL only (static, scanwarden lean build)
Version: $curl_modver
Requires.private: libssl libcrypto
Libs: -L\${libdir} -lcurl
Libs.private: -pthread
Cflags: -I\${includedir} -DCURL_STATICLIB
EOF

printf '%s' "$key" >"$stamp"
say "done in $(($(date +%s) - start)) s: $prefix (libcurl $curl_modver, OpenSSL $ssl_modver, cJSON $cjson_modver)"
