# Shared helpers for the project's shell scripts.
export DEBIAN_FRONTEND=noninteractive
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Where slow installs live: outside the repository, so a fresh clone (CI) reuses them.
CACHE_DIR="${RDKAFKA_WORKBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rdkafka-workbench}"
mkdir -p "$CACHE_DIR"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "error: '$*' needs root; run it as root or install sudo" >&2
    return 1
  fi
}

# apt-get install, running `apt-get update` once per machine first (a new machine's lists are empty).
# Other installs may hold dpkg's lock (several engineers, or CI and a session, share a machine): wait for
# it up to 5 minutes instead of failing at once.
APT_WAIT=(-o DPkg::Lock::Timeout=300)
apt_install() {
  step "installing Debian packages: $*"
  if [ ! -f "$CACHE_DIR/.apt-updated" ] || ! as_root apt-get "${APT_WAIT[@]}" install -y -q --no-install-recommends "$@" >/dev/null 2>&1; then
    as_root apt-get "${APT_WAIT[@]}" update -q >/dev/null
    touch "$CACHE_DIR/.apt-updated"
    DEBIAN_FRONTEND=noninteractive as_root apt-get "${APT_WAIT[@]}" install -y -q --no-install-recommends "$@" >/dev/null
  fi
}
