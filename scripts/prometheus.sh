# shellcheck shell=bash
# Prometheus beside the platform: installed for the tests (the dashboards' proof queries a real one),
# started by the demo when present. Sourced by ./fusion, never run directly.
# Expects FUSION_ROOT and FUSION_DATA; uses fusion_say / fusion_die / is_root from scripts/pg.sh.

prom_bin() { command -v prometheus 2>/dev/null || { [[ -x /usr/bin/prometheus ]] && echo /usr/bin/prometheus; }; }

# The tests need prometheus and promtool: as root, apt-get install Debian's package when missing.
prom_ensure() {
  prom_bin >/dev/null && return 0
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    fusion_say "prometheus is not installed (sudo apt-get install prometheus); the dashboard proof test will fail without it"
    return 0
  fi
  fusion_say "prometheus not found; installing the Debian package 'prometheus' …"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } </dev/null >&2 \
    || fusion_die "apt-get install prometheus failed (see above)."
  # The package's service is not wanted: the tests and the demo start their own on loopback.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
}

# $1: the host's URL, $2: a free port. Starts prometheus scraping the host's /metrics with the platform's
# alerting rules; sets PROM_PID and PROM_URL. Returns 1 when prometheus is not on the machine.
prom_start_for_demo() {
  local host=$1 port=$2 bin dir target
  bin=$(prom_bin) || return 1
  dir=$FUSION_DATA/prometheus
  mkdir -p "$dir/data"
  target=${host#*://}
  target=${target%%/*}
  cat >"$dir/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - $FUSION_ROOT/dashboards/alerts.yml
scrape_configs:
  - job_name: fusion
    metrics_path: /metrics
    static_configs:
      - targets: ['$target']
YAML
  "$bin" --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$dir/prometheus.log" 2>&1 &
  PROM_PID=$!
  PROM_URL=http://127.0.0.1:$port
}
