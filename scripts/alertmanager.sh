# shellcheck shell=bash
# Prometheus Alertmanager for the tests of the notification channel (they start their own on loopback).
# Sourced by ./fusion, never run directly. Uses fusion_say / fusion_die / is_root from scripts/pg.sh.

am_bin() { command -v prometheus-alertmanager 2>/dev/null || { [[ -x /usr/bin/prometheus-alertmanager ]] && echo /usr/bin/prometheus-alertmanager; }; }

# As root, apt-get install Debian's package when missing.
am_ensure() {
  am_bin >/dev/null && return 0
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    fusion_say "prometheus-alertmanager is not installed (sudo apt-get install prometheus-alertmanager); the Alertmanager notification test will fail without it"
    return 0
  fi
  fusion_say "prometheus-alertmanager not found; installing the Debian package …"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager; } </dev/null >&2 \
    || fusion_die "apt-get install prometheus-alertmanager failed (see above)."
  # The package's service is not wanted: the tests start their own on loopback.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus-alertmanager >/dev/null 2>&1 || true; fi
}
