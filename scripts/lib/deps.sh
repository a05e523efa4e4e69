# shellcheck shell=bash
# Sourced by the scripts: installs the Debian packages scanwarden builds and
# tests with, when they are missing. As root it uses apt-get; otherwise it says
# exactly what to install and stops.
SW_DEBIAN_PACKAGES=(build-essential cmake pkg-config libcurl4-openssl-dev libssl-dev
    libcjson-dev libcmocka-dev python3 python3-venv zip openssl dpkg-dev binutils graphviz)

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

# The other architecture's build and test tools (scripts/test.sh, .ci/run): its cross
# compiler and glibc, and the user-mode emulator that runs its binaries (tests/deploy,
# docs/building.md). Prints the Debian packages for this machine (none on others).
sw_emulation_packages() {
    case $(uname -m) in
    x86_64) echo gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu qemu-user-static ;;
    aarch64) echo gcc-x86-64-linux-gnu libc6-dev-amd64-cross binutils-x86-64-linux-gnu qemu-user-static ;;
    esac
}

# sw_install_optional WHAT PACKAGE...: like sw_install_deps, but what they are for is
# optional: when they cannot be installed (not root, offline), say what is then left
# out and go on (status 1, nothing printed to stdout).
sw_install_optional() {
    local what=$1 missing
    shift
    missing=$(sw_missing_packages "$@")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "==> installing (for $what): $missing" >&2
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086
        if apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
            return 0
        fi
        echo "==> could not install $missing: $what will be skipped (saying so)" >&2
        return 1
    fi
    echo "==> $what needs: $missing (sudo apt-get install $missing); skipped until then" >&2
    return 1
}

# The Python test peers (tests/requirements.txt: moto_server with Flask, boto3,
# the aws CLI, cfn-lint, the SAM translator, jsonschema). They come from the
# python3 first on PATH: scripts/test.sh puts the clone's .venv/bin there when it
# exists. When one is absent, say how to get them the way Debian allows (a
# virtual environment) instead of failing later.
SW_PYTHON_MODULES=(moto boto3 botocore flask flask_cors cfnlint samtranslator jsonschema yaml)
SW_PYTHON_COMMANDS=(moto_server aws cfn-lint)

sw_check_python_peers() {
    local missing=() m c py
    if ! py=$(command -v python3); then
        echo "Missing: python3 (Debian: apt-get install python3 python3-venv)" >&2
        return 1
    fi
    for m in "${SW_PYTHON_MODULES[@]}"; do
        python3 -c "import $m" 2>/dev/null || missing+=("$m")
    done
    for c in "${SW_PYTHON_COMMANDS[@]}"; do
        command -v "$c" >/dev/null || missing+=("$c")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    {
        echo "Missing test peers for $py: ${missing[*]}"
        echo "Install them in a virtual environment in the clone (Debian's python3 refuses"
        echo "a system-wide pip install), then rerun; scripts/test.sh uses .venv/ when present:"
        echo ""
        if [ -x .venv/bin/pip ]; then
            echo "    .venv/bin/pip install -r tests/requirements.txt"
        else
            echo "    python3 -m venv .venv && .venv/bin/pip install -r tests/requirements.txt"
        fi
        echo ""
    } >&2
    return 1
}
