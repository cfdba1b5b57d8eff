# shellcheck shell=bash
# ./fusion backup and ./fusion restore: PostgreSQL's own pg_dump and pg_restore of the platform's database (the event
# store and everything kept beside it). The analytics files are not in it: they are rebuilt from the events.
# Sourced by ./fusion, never run directly. Uses pg_paths / pg_binaries / fusion_say / fusion_die from scripts/pg.sh.

# $1: an Npgsql connection string (Host=…;Port=…;Username=…;Password=…;Database=…): the libpq variables for it.
pg_env_from() {
  local part key value
  local -a parts
  IFS=';' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    key=${part%%=*}
    value=${part#*=}
    key=${key,,}
    key=${key// /}
    case $key in
      host | server) export PGHOST=$value ;;
      port) export PGPORT=$value ;;
      username | userid | user) export PGUSER=$value ;;
      password) export PGPASSWORD=$value ;;
      database) export PGDATABASE=$value ;;
    esac
  done
}

# The database ConnectionStrings__Fusion (or FUSION_PG) names, or the private cluster's; the client tools to go with it.
backup_target() {
  ensure_postgres
  pg_paths
  pg_binaries install
  pg_env_from "$ConnectionStrings__Fusion"
}

# $1: the file to write (default: the data folder's backups/, named by the time).
backup_verb() {
  local file=${1:-$FUSION_DATA/backups/fusion-$(date -u +%Y%m%dT%H%M%SZ).dump}
  backup_target
  mkdir -p "$(dirname "$file")"
  "$PG_BIN/pg_dump" --format=custom --no-owner --no-privileges --file "$file" \
    || fusion_die "pg_dump of database '$PGDATABASE' failed (see above)."
  fusion_say "backup of database '$PGDATABASE' written to $file"
  printf '%s\n' "$file"
}

# $1: a file ./fusion backup wrote. Restores it into the configured database, which must be empty (no platform schema):
# a restore never mixes with what is there. --database NAME creates that database on the same server first.
restore_verb() {
  local file="" database="" arg found
  while (($#)); do
    arg=$1
    shift
    case $arg in
      --database) database=${1:-}; shift || true ;;
      --database=*) database=${arg#--database=} ;;
      *) file=$arg ;;
    esac
  done
  [[ -n $file && -f $file ]] || fusion_die "./fusion restore <file written by ./fusion backup> [--database NAME]: no such file '${file}'"
  backup_target
  if [[ -n $database ]]; then
    [[ $database =~ ^[a-z_][a-z0-9_]*$ ]] || fusion_die "--database takes a plain name (lower-case letters, digits, _), not '$database'"
    "$PG_BIN/psql" -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 \
      || "$PG_BIN/psql" -X -q -d postgres -c "CREATE DATABASE $database" >/dev/null \
      || fusion_die "could not create database '$database'"
    export PGDATABASE=$database
  fi
  found=$("$PG_BIN/psql" -X -q -tAc "SELECT count(*) FROM information_schema.schemata WHERE schema_name IN ('fusion', 'board')") \
    || fusion_die "database '$PGDATABASE' is not reachable"
  ((found == 0)) || fusion_die "database '$PGDATABASE' is not empty (it holds the platform's schema): restore into an empty one (--database NAME makes one)"
  "$PG_BIN/pg_restore" --no-owner --no-privileges --exit-on-error --dbname "$PGDATABASE" "$file" \
    || fusion_die "pg_restore into database '$PGDATABASE' failed (see above)."
  # The analytics files live beside each silo, not in the database: their subscription starts again from the first event.
  "$PG_BIN/psql" -X -q -c "DELETE FROM fusion.mt_event_progression WHERE name LIKE 'analytics%'" >/dev/null \
    || fusion_die "could not reset the analytics position in '$PGDATABASE'"
  fusion_say "restored $file into database '$PGDATABASE'; start the platform on it (the analytics file is rebuilt from the events)"
}
