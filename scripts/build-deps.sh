#!/usr/bin/env bash
# Builds the lean, static dependencies of the deployable artifact into a prefix:
# libcurl (HTTP and HTTPS over OpenSSL only), OpenSSL's static libraries and a
# static cJSON, with pkg-config files, so `cmake -DSW_DEPS_PREFIX=PREFIX` links
# them statically and the bootstrap needs nothing from the system but glibc.
# Sources come from the distribution's own source packages (apt-get source on
# Debian, dnf download --source on Amazon Linux 2023) and are never committed.
#
#   scripts/build-deps.sh [PREFIX]     default: .deps/prefix (git-ignored)
#
# Cached: a stamp in PREFIX records the source package versions and this
# script's hash; a rerun with the same key does nothing. Environment:
#   SW_DEPS_WORK   where sources are unpacked and built (default: .deps/work)
#   SW_DEPS_JOBS   parallel make jobs (default: nproc)
#   CC             the C compiler (default: cc)
#   SW_DEPS_SOURCES  a folder with source trees curl/, cjson/ and optionally
#                  openssl/ (e.g. unpacked source packages copied from elsewhere):
#                  build from those, fetch nothing. Without openssl/ the system's
#                  static libssl.a/libcrypto.a are used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-$root/.deps/prefix}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
work=${SW_DEPS_WORK:-$root/.deps/work}
jobs=${SW_DEPS_JOBS:-$(nproc)}
cc=${CC:-cc}
start=$(date +%s)

say() { echo "build-deps: $*" >&2; }
die() {
    say "error: $*"
    exit 1
}

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

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "needs root for: $* (run as root, or run it yourself first)"
    fi
}

# Debian: add deb-src entries mirroring the configured deb ones, once.
apt_has_deb_src() {
    grep -rqsE '^(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

apt_enable_deb_src() {
    apt_has_deb_src && return 0
    say "no deb-src entry in /etc/apt: adding one for the configured Debian suites"
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        grep -qE '^URIs:.*debian' "$f" || continue
        sed 's/^Types:[[:space:]]*deb$/Types: deb-src/' "$f" |
            as_root tee "/etc/apt/sources.list.d/scanwarden-src-$(basename "$f")" >/dev/null
    done
    if [ -f /etc/apt/sources.list ] && grep -qE '^deb[[:space:]]' /etc/apt/sources.list; then
        sed -n 's/^deb[[:space:]]/deb-src /p' /etc/apt/sources.list |
            as_root tee /etc/apt/sources.list.d/scanwarden-src.list >/dev/null
    fi
    apt_has_deb_src || die "could not add a deb-src entry; add one to /etc/apt and rerun"
    as_root apt-get update -qq
}

apt_need_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# Version of the source package apt would fetch (read from the lists; no download).
apt_source_version() {
    apt-get source --print-uris -qq "$1" 2>/dev/null |
        sed -n "s/^'[^']*\/${1}_\([^']*\)\.dsc'.*/\1/p" | head -n1 | sed 's/%2b/+/g; s/%7e/~/g'
}

# apt_fetch NAME VERSION: apt-get source NAME=VERSION into $work/src; if the
# mirror lacks that version's files (a security pool can answer 404), the other
# versions the lists know, newest first.
apt_fetch() {
    local name=$1 v
    for v in "$2" $(apt-cache showsrc "$name" 2>/dev/null | sed -n 's/^Version: //p' | sort -ruV); do
        if (cd "$work/src" && apt-get source -qq "$name=$v" >/dev/null 2>&1); then
            [ "$v" = "$2" ] || say "fetched $name $v instead of $2"
            return 0
        fi
        say "apt-get source $name=$v failed"
        find "$work/src" -maxdepth 1 -name "${name}[-_]*" -exec rm -rf {} +
    done
    return 1
}

dnf_need_packages() {
    local missing=() p
    for p in "$@"; do
        rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing: ${missing[*]}"
    as_root dnf install -y -q "${missing[@]}"
}

dnf_source_version() {
    dnf repoquery -q --enablerepo='*-source' --arch=src --latest-limit=1 \
        --qf '%{version}-%{release}' "$1" 2>/dev/null | head -n1
}

# Unpacks a source RPM's upstream tarball into $work/src/NAME (AL2023 patches
# are not applied: upstream release sources, documented in the README).
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
script_hash=$(sha256sum "$0" | cut -c1-16)
case $pkg_tool in
apt)
    # cmake and binutils are for scripts/build-artifact.sh, which runs this first.
    apt_need_packages build-essential pkg-config dpkg-dev perl libssl-dev cmake binutils
    apt_enable_deb_src
    curl_ver=$(apt_source_version curl)
    cjson_ver=$(apt_source_version cjson)
    if [ -z "$curl_ver" ] || [ -z "$cjson_ver" ]; then
        as_root apt-get update -qq
        curl_ver=$(apt_source_version curl)
        cjson_ver=$(apt_source_version cjson)
    fi
    ssl_ver=$(dpkg-query -W -f='${Version}' libssl-dev)
    ;;
dnf)
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
    die "neither apt-get nor dnf found: fetch curl, cJSON and OpenSSL sources by hand (README)"
    ;;
esac
[ -n "$curl_ver" ] || die "could not find the curl source package (is a source repository configured?)"
[ -n "$cjson_ver" ] || die "could not find the cjson source package"
[ -n "$ssl_ver" ] || die "could not find the OpenSSL package version"
arch=$(uname -m)
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
    # Built out of tree; OPENSSLDIR is Amazon Linux's (/etc/pki/tls), though
    # libcurl never loads openssl.cnf (--disable-openssl-auto-load-config).
    ssl_build=$work/build/openssl
    rm -rf "$ssl_build"
    mkdir -p "$ssl_build"
    # shellcheck disable=SC2086
    (cd "$ssl_build" && "$ssl_src/Configure" --prefix="$prefix" --libdir=lib --openssldir=/etc/pki/tls \
        no-shared no-tests no-engine no-dso no-module no-legacy no-comp no-ssl3 no-ui-console \
        no-afalgeng no-capieng no-dtls $DEPS_CFLAGS >configure.out 2>&1 &&
        make -j"$jobs" build_libs >make.out 2>&1 && make install_dev >install.out 2>&1) ||
        die "OpenSSL build failed (logs in $ssl_build)"
    rm -f "$prefix"/lib/pkgconfig/{openssl,libssl,libcrypto}.pc
    ssl_incdir=$prefix/include
    # shellcheck disable=SC2016 # a pkg-config variable, expanded by pkg-config
    ssl_pc_incdir='${prefix}/include'
    ssl_modver=${ssl_ver#source-}
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
"$cc" $DEPS_CFLAGS -std=c89 -c "$cjson_src/cJSON.c" -o "$cjson_build/cJSON.o"
ar rcs "$prefix/lib/libcjson.a" "$cjson_build/cJSON.o"
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
    PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH='' \
        CC=$cc CFLAGS=$DEPS_CFLAGS CPPFLAGS="-I$ssl_incdir" LDFLAGS="-L$prefix/lib" \
        LIBS="-ldl -pthread" \
        "$curl_src/configure" --prefix="$prefix" --libdir="$prefix/lib" \
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
