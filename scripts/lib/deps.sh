# Sourced by the scripts: installs the Debian packages scanwarden builds and
# tests with, when they are missing. As root it uses apt-get; otherwise it says
# exactly what to install and stops.
SW_DEBIAN_PACKAGES=(build-essential cmake pkg-config libcurl4-openssl-dev libssl-dev
    libcjson-dev libcmocka-dev python3 zip openssl graphviz)

sw_missing_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    echo "${missing[@]}"
}

# sw_install_deps [extra packages...]
sw_install_deps() {
    local missing
    missing=$(sw_missing_packages "${SW_DEBIAN_PACKAGES[@]}" "$@")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "==> installing: $missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "Missing packages: $missing" >&2
        echo "Install them with: sudo apt-get install $missing" >&2
        return 1
    fi
}

# The test peers (moto_server with Flask, boto3, the aws CLI, cfn-lint) come with
# this machine image; say so clearly when one is absent instead of failing later.
sw_check_python_peers() {
    local missing=()
    command -v python3 >/dev/null || missing+=(python3)
    python3 -c 'import moto, boto3, flask' 2>/dev/null || missing+=("python: moto[server] boto3")
    python3 -c 'import jsonschema' 2>/dev/null || missing+=("python: jsonschema")
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Missing test peers: ${missing[*]} (pip install 'moto[server]>=5.2' boto3 awscli cfn-lint jsonschema)" >&2
        return 1
    fi
}
