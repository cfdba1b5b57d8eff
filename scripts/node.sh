# shellcheck shell=bash
# Node.js and npm for the dashboards' schema check (dashboards/schema/check.mjs: the dashboards against
# Grafana's published @grafana/schema types). Sourced by ./fusion, never run directly.
# Uses fusion_say / fusion_die / is_root from scripts/pg.sh.

# As root, apt-get install Debian's nodejs and npm when missing.
node_ensure() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    fusion_say "node and npm are not installed (sudo apt-get install nodejs npm); the dashboard schema test will fail without them"
    return 0
  fi
  fusion_say "node or npm not found; installing the Debian packages 'nodejs' and 'npm' …"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; } </dev/null >&2 \
    || fusion_die "apt-get install nodejs npm failed (see above)."
}
