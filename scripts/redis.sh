# shellcheck shell=bash
# Redis for the cluster's Orleans membership table: the tests start their own redis-server on loopback, and
# ./fusion cluster starts one under the data folder. Sourced by ./fusion, never run directly.
# Uses fusion_say / fusion_die / is_root from scripts/pg.sh.

redis_bin() { command -v redis-server 2>/dev/null || { [[ -x /usr/bin/redis-server ]] && echo /usr/bin/redis-server; }; }

# As root, apt-get install Debian's package when missing, without letting the package start its own service.
redis_ensure() {
  redis_bin >/dev/null && return 0
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    fusion_say "redis-server is not installed (sudo apt-get install redis-server); the cluster tests and ./fusion cluster need it"
    return 0
  fi
  fusion_say "redis-server not found; installing the Debian package 'redis-server' …"
  local policy=/usr/sbin/policy-rc.d own_policy=""
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  fi
  local status=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; } </dev/null >&2 || status=$?
  [[ -n $own_policy ]] && rm -f "$policy"
  ((status == 0)) || fusion_die "apt-get install redis-server failed (see above)."
  # The package's service is not wanted: the tests and ./fusion cluster start their own on loopback.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
}

# $1: port, $2: folder. Starts redis-server on 127.0.0.1 (nothing saved to disk); sets REDIS_PID.
redis_start() {
  local port=$1 dir=$2 bin i
  bin=$(redis_bin) || fusion_die "redis-server is not installed (apt-get install redis-server)"
  mkdir -p "$dir"
  "$bin" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize no >"$dir/redis.log" 2>&1 &
  REDIS_PID=$!
  for i in $(seq 1 50); do
    if "${bin%-server}-cli" -p "$port" ping >/dev/null 2>&1; then return 0; fi
    kill -0 "$REDIS_PID" 2>/dev/null || fusion_die "redis-server did not start on port $port: $(tail -5 "$dir/redis.log")"
    sleep 0.1
  done
  fusion_die "redis-server did not answer on port $port"
}
