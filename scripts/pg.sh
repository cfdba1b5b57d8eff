# shellcheck shell=bash
# The private PostgreSQL cluster behind ./fusion. Sourced by ./fusion, never run directly.
#
# Expects FUSION_ROOT and FUSION_DATA (absolute). Reads FUSION_PG_PORT (default 5439).
# Sets PG_BIN, PG_BASE, PG_DATA, PG_RUN, PG_LOG, PG_PORT, PG_NOTE.
#
# Layout: $FUSION_DATA/pg/{data,run,postgres.log}. As root the server runs as the `postgres`
# user (initdb and postgres refuse root); when that user cannot reach $FUSION_DATA (a repo
# under /root, say) the cluster lives in /var/lib/fusion/pg-<hash of $FUSION_DATA> instead.

fusion_say() { printf '%s\n' "$*" >&2; }
fusion_die() { printf 'fusion: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# Newest Debian-layout server (/usr/lib/postgresql/<major>/bin), else whatever pg_config names.
pg_find_bindir() {
  local d best="" cand
  local -a dirs=(/usr/lib/postgresql/*/bin)
  if [[ -e ${dirs[0]} ]]; then
    while IFS= read -r d; do
      if [[ -x $d/initdb && -x $d/pg_ctl ]]; then best=$d; fi
    done < <(printf '%s\n' "${dirs[@]}" | sort -V)
  fi
  if [[ -z $best ]] && command -v pg_config >/dev/null 2>&1; then
    cand=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n $cand && -x $cand/initdb && -x $cand/pg_ctl ]]; then best=$cand; fi
  fi
  [[ -n $best ]] && printf '%s\n' "$best"
}

# $1 = install: as root, apt-get install postgresql when no server is found.
pg_binaries() {
  local v
  # An existing cluster must keep the major version it was made with.
  if [[ -f $PG_DATA/PG_VERSION ]]; then
    v=$(<"$PG_DATA/PG_VERSION")
    if [[ -x /usr/lib/postgresql/$v/bin/pg_ctl ]]; then PG_BIN=/usr/lib/postgresql/$v/bin; return 0; fi
  fi
  PG_BIN=$(pg_find_bindir || true)
  [[ -n $PG_BIN ]] && return 0
  [[ ${1:-} == install ]] || return 1
  if ! is_root; then
    fusion_die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with:
    sudo apt-get install postgresql
or point the platform at an existing server: export ConnectionStrings__Fusion='Host=…;Port=…;Username=…;Password=…;Database=…'"
  fi
  command -v apt-get >/dev/null 2>&1 \
    || fusion_die "PostgreSQL server binaries (initdb, pg_ctl) not found and apt-get is unavailable; install PostgreSQL and retry."
  fusion_say "PostgreSQL server not found; installing the Debian package 'postgresql' …"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } </dev/null >&2 \
    || fusion_die "apt-get install postgresql failed (see above)."
  PG_BIN=$(pg_find_bindir || true)
  [[ -n $PG_BIN ]] || fusion_die "postgresql was installed but initdb/pg_ctl are still not found."
}

pg_paths() {
  PG_PORT=${FUSION_PG_PORT:-5439}
  if ! [[ $PG_PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PG_PORT > 65535)); then
    fusion_die "FUSION_PG_PORT must be a TCP port number, not '$PG_PORT'."
  fi
  PG_BASE=$FUSION_DATA/pg
  PG_NOTE=""
  if is_root; then pg_root_base; else mkdir -p "$PG_BASE"; fi
  PG_DATA=$PG_BASE/data
  PG_RUN=$PG_BASE/run
  PG_LOG=$PG_BASE/postgres.log
}

pg_root_base() {
  local hash
  id -u postgres >/dev/null 2>&1 \
    || useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash postgres
  mkdir -p "$PG_BASE"
  chown postgres:postgres "$PG_BASE"
  if (cd / && runuser -u postgres -- test -w "$PG_BASE" -a -x "$PG_BASE"); then return 0; fi
  rmdir "$PG_BASE" 2>/dev/null || true
  hash=$(printf '%s' "$FUSION_DATA" | sha256sum | cut -c1-8)
  PG_BASE=/var/lib/fusion/pg-$hash
  PG_NOTE="user postgres cannot reach $FUSION_DATA, so the cluster lives in $PG_BASE"
  mkdir -p "$PG_BASE"
  chmod 755 /var/lib/fusion
  chown postgres:postgres "$PG_BASE"
}

# Runs a server tool as the cluster owner: postgres when we are root, else ourselves.
# Run from / so an unreadable working directory (/root) does not trouble initdb or pg_ctl.
pg_owner() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}

pg_admin_psql() {
  PGCONNECT_TIMEOUT=10 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U fusion -d postgres "$@"
}

# postmaster.pid (and the socket's .lock) hold the server's PID. Once that server is gone,
# PostgreSQL takes the file for stale by itself, unless the PID has meanwhile been reused by
# another process of the same user (common after a container restart) or is a zombie that
# nobody reaps: then pg_ctl and postgres see a "running" server and refuse to start. For
# those we put an impossible PID in line 1 and keep the rest, so postgres still checks that
# no old backend holds the shared memory named there before it takes over.
# The server chdirs to its data folder: a live PID with another cwd is not our server.
pg_lock_pid_reused() {
  local file=$1 pid cwd
  [[ -f $file && -r /proc/self/cwd ]] || return 1
  pid=$(head -n 1 "$file" 2>/dev/null | tr -d '[:space:]-')
  [[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]] || return 1
  [[ $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) == [ZX] ]] && return 0
  cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
  [[ $cwd != "$(readlink -f "$PG_DATA")" ]]
}

pg_clear_stale_locks() {
  local f dead
  dead=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 4194304)
  for f in "$PG_DATA/postmaster.pid" "$PG_RUN/.s.PGSQL.$PG_PORT.lock"; do
    if pg_lock_pid_reused "$f"; then
      pg_owner sed -i "1s/.*/$dead/" "$f"
      fusion_say "marked ${f#"$FUSION_ROOT"/} stale (the server it names is gone)"
    fi
  done
}

pg_is_running() {
  [[ -f $PG_DATA/PG_VERSION ]] || return 1
  pg_clear_stale_locks
  pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

# The port the running server listens on (4th line of postmaster.pid).
pg_running_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null | tr -d '[:space:]'; }

# Something accepts connections there: a connect() that succeeds.
# shellcheck disable=SC2016 # $1 expands in the inner bash
pg_port_busy() { timeout 3 bash -c ': <>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

pg_free_port_after() {
  local port=$(($1 + 1))
  while ((port < $1 + 100)) && pg_port_busy "$port"; do port=$((port + 1)); done
  echo "$port"
}

pg_init() {
  local out locale
  [[ -f $PG_DATA/PG_VERSION ]] && return 0
  mkdir -p "$PG_DATA" "$PG_RUN"
  if [[ -n $(ls -A "$PG_DATA") ]]; then
    fusion_die "$PG_DATA is neither empty nor a PostgreSQL cluster; move it away and retry."
  fi
  if is_root; then chown postgres:postgres "$PG_DATA" "$PG_RUN"; fi
  for locale in --locale=C.UTF-8 --no-locale; do
    # On failure initdb empties the folder again, so the fallback starts clean.
    if out=$(pg_owner "$PG_BIN/initdb" -D "$PG_DATA" -U fusion --auth=trust -E UTF8 "$locale" 2>&1); then
      printf "\n# Settings for the Fusion Platform; ./fusion rewrites fusion.conf at every start.\ninclude_if_exists = 'fusion.conf'\n" \
        >>"$PG_DATA/postgresql.conf"
      return 0
    fi
  done
  printf '%s\n' "$out" >&2
  fusion_die "initdb failed for $PG_DATA"
}

pg_conf_quote() { printf "'%s'" "${1//\'/\'\'}"; }

pg_write_conf() {
  local socket_dirs dsm=""
  socket_dirs=$(pg_conf_quote "$PG_RUN")
  # A Unix socket path may hold 107 bytes; beyond that we serve TCP only.
  if ((${#PG_RUN} + 18 > 107)); then socket_dirs="''"; fi
  # Parallel queries use /dev/shm; containers often give it only 64 MB.
  if [[ $(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $2 }') -lt 1048576 ]]; then
    dsm="dynamic_shared_memory_type = mmap"
  fi
  cat >"$PG_DATA/fusion.conf" <<EOF
# Written by ./fusion at every start; override with ALTER SYSTEM (./fusion pg psql).
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = $socket_dirs
# Marten, Orleans and parallel test assemblies each keep a pool of connections.
max_connections = 300
# Sized for tests and benchmarks on a 2-core, 24 GB machine.
shared_buffers = 512MB
effective_cache_size = 8GB
work_mem = 16MB
maintenance_work_mem = 256MB
wal_buffers = 16MB
min_wal_size = 512MB
max_wal_size = 4GB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
random_page_cost = 1.1
effective_io_concurrency = 200
max_parallel_workers_per_gather = 1
$dsm
# Durability is part of what the benchmarks measure: keep it on.
fsync = on
synchronous_commit = on
full_page_writes = on
log_min_duration_statement = 1000
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  if is_root; then chown postgres:postgres "$PG_DATA/fusion.conf"; fi
}

pg_ensure_database() {
  local exists
  exists=$(pg_admin_psql -tA -c "SELECT 1 FROM pg_database WHERE datname = 'fusion'") \
    || fusion_die "cannot connect to the private cluster on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
  if [[ $exists != 1 ]]; then pg_admin_psql -c 'CREATE DATABASE fusion'; fi
}

pg_where() {
  local shown=$PG_BASE
  if [[ $shown == "$FUSION_ROOT"/* ]]; then shown=${shown#"$FUSION_ROOT"/}; fi
  printf 'PostgreSQL %s private cluster on 127.0.0.1:%s (%s)' "$(<"$PG_DATA/PG_VERSION")" "$PG_PORT" "$shown"
}

# Serialises cluster set-up between concurrent ./fusion runs. Every server process we launch
# gets fd 9 closed (9>&-), or the postmaster would hold the lock for its whole life.
pg_lock() {
  exec 9>"$FUSION_DATA/.pg.lock"
  flock -w 180 9 || fusion_die "another ./fusion is still setting up PostgreSQL ($FUSION_DATA/.pg.lock)"
}
pg_unlock() { exec 9>&-; }

# Makes sure the private cluster runs and has database `fusion`; prints one line.
pg_start() {
  local how=started attempt running_port
  pg_lock
  pg_paths
  pg_binaries install
  if is_root && [[ -n $(find "$PG_BASE" ! -user postgres -print -quit) ]]; then
    chown -R postgres:postgres "$PG_BASE"
  fi
  if pg_is_running; then
    how=running
    running_port=$(pg_running_port)
    if [[ -n $running_port && $running_port != "$PG_PORT" ]]; then
      [[ -z ${FUSION_PG_PORT:-} ]] || fusion_say "the private cluster already runs on port $running_port; FUSION_PG_PORT=$PG_PORT applies after ./fusion pg stop"
      PG_PORT=$running_port
    fi
  else
    if [[ -n $PG_NOTE ]]; then fusion_say "$PG_NOTE"; fi
    pg_init
    if pg_port_busy "$PG_PORT"; then
      fusion_die "port $PG_PORT on 127.0.0.1 is taken by another process (not this cluster).
Stop it, or choose another port, e.g.  FUSION_PG_PORT=$(pg_free_port_after "$PG_PORT") ./fusion …"
    fi
    pg_write_conf
    for attempt in 1 2 3 4 5 6; do
      if pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start </dev/null >/dev/null 2>&1 9>&-; then
        break
      fi
      # After a kill -9 the old server's children may hold its shared memory a moment longer.
      if ((attempt < 6)) && tail -n 5 "$PG_LOG" 2>/dev/null | grep -q 'pre-existing shared memory block'; then
        sleep 2
        continue
      fi
      tail -n 15 "$PG_LOG" >&2 2>/dev/null || true
      fusion_die "PostgreSQL did not start (log: $PG_LOG)"
    done
  fi
  pg_ensure_database
  pg_unlock
  fusion_say "$(pg_where), $how"
}

pg_stop() {
  pg_paths
  if ! pg_binaries || ! pg_is_running; then
    fusion_say "private PostgreSQL cluster is not running"
    return 0
  fi
  PG_PORT=$(pg_running_port)
  pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
  fusion_say "$(pg_where), stopped"
}

# Exit status follows pg_ctl status: 0 running, 3 not running, 4 no cluster.
pg_status() {
  pg_paths
  if ! pg_binaries; then
    echo "PostgreSQL server binaries are not installed (./fusion pg start installs them as root)"
    return 4
  fi
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    echo "no private cluster yet in $PG_DATA (./fusion pg start creates it)"
    return 4
  fi
  if pg_is_running; then
    PG_PORT=$(pg_running_port)
    echo "$(pg_where): running"
    return 0
  fi
  echo "$(pg_where): not running"
  return 3
}
