# Shared by scripts/services/*.sh: the env file the tests read (.services/env, git-ignored, mode 600).
# Each service script sets or removes only its own keys.
services_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
services_env="${IE_SERVICES_ENV:-$services_root/.services/env}"

# set_env KEY VALUE: replaces KEY's line in the env file (created with mode 600).
set_env() {
  mkdir -p "$(dirname "$services_env")"
  local tmp="$services_env.tmp.$$"
  (umask 077; { [[ -f "$services_env" ]] && grep -v "^$1=" "$services_env" || true; printf '%s=%s\n' "$1" "$2"; } > "$tmp")
  mv -f "$tmp" "$services_env"
}

# unset_env KEY: drops KEY from the env file (the tests then skip, saying why).
unset_env() {
  [[ -f "$services_env" ]] || return 0
  local tmp="$services_env.tmp.$$"
  (umask 077; grep -v "^$1=" "$services_env" > "$tmp" || true)
  mv -f "$tmp" "$services_env"
}

# get_env KEY: the value stored for KEY, or nothing.
get_env() {
  [[ -f "$services_env" ]] && sed -n "s/^$1=//p" "$services_env" | tail -n 1 || true
}

need_root() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "$1: not started: this script installs and starts system services and must run as root (or set the variables in .services/env yourself; README 'Service tests')" >&2
    exit 1
  fi
}

# apt_install PACKAGE...: quiet on success; apt's own output on failure.
apt_install() {
  local log; log="$(mktemp)"
  if [[ -z "${services_apt_updated:-}" ]]; then apt-get update -qq >/dev/null 2>&1 || true; services_apt_updated=1; fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; return 1; fi
  rm -f "$log"
}
