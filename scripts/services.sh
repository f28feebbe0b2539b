#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Private test services for the ebla_chat phpt suite: MariaDB, PostgreSQL 15, Redis and a 3-node
# Redis Cluster, each in its own directory under $EBLA_CHAT_SERVICES_DIR, listening on 127.0.0.1
# on ports that do not collide with the distro's own services.
#
#   scripts/services.sh start    start whatever is not running yet (idempotent), write env.sh
#   scripts/services.sh stop     stop everything (safe to call twice)
#   scripts/services.sh status   print what is up; exit 0 only when everything is
#   scripts/services.sh env      print the EBLA_CHAT_TEST_* export lines
set -euo pipefail

DIR="${EBLA_CHAT_SERVICES_DIR:-/tmp/ebla_chat-services}"
HOST=127.0.0.1
# Ports can be moved (e.g. for a second, isolated set of services); keep them consistent between
# start, stop and env by exporting the same variables for each call.
MYSQL_PORT="${EBLA_CHAT_MYSQL_PORT:-13306}"
PGSQL_PORT="${EBLA_CHAT_PGSQL_PORT:-15432}"
REDIS_PORT="${EBLA_CHAT_REDIS_PORT:-16379}"
read -r -a CLUSTER_PORTS <<<"${EBLA_CHAT_CLUSTER_PORTS:-17001 17002 17003}"
DB_NAME=ebla_chat_test
DB_USER=ebla
DB_PASSWORD=ebla
PG_BIN=/usr/lib/postgresql/15/bin
READY_TIMEOUT="${EBLA_CHAT_SERVICES_TIMEOUT:-60}"   # seconds to wait for each service

MY_DIR="$DIR/mariadb"
MY_SOCK="$MY_DIR/mysqld.sock"
PG_DIR="$DIR/pgsql"
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run"
REDIS_DIR="$DIR/redis"
CLUSTER_DIR="$DIR/cluster"

log() { echo "services: $*" >&2; }
die() { echo "services: ERROR: $*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found: run scripts/deps.sh first"
}

# wait_for DESCRIPTION LOGFILE COMMAND...: retry COMMAND until it succeeds or the timeout passes.
wait_for() {
  local what=$1 logfile=$2 i
  shift 2
  for ((i = 0; i < READY_TIMEOUT * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  if [ -f "$logfile" ]; then
    echo "---- last lines of $logfile ----" >&2
    tail -n 30 "$logfile" >&2 || true
  fi
  die "$what not ready after ${READY_TIMEOUT}s (log: $logfile)"
}

# True when PID is a live process; an exited-but-unreaped (zombie) one does not count.
alive() {
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1 || true)
  [ -n "$state" ] && [ "$state" != "Z" ]
}

# A port already taken by something that is not ours would make the readiness checks lie.
port_busy() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

print_env() {
  local redis_server
  redis_server=$(command -v redis-server || echo /usr/bin/redis-server)
  cat <<EOF
export EBLA_CHAT_TEST_MYSQL_DSN='mysql:host=$HOST;port=$MYSQL_PORT;dbname=$DB_NAME;charset=utf8mb4'
export EBLA_CHAT_TEST_MYSQL_USER='$DB_USER'
export EBLA_CHAT_TEST_MYSQL_PASSWORD='$DB_PASSWORD'
export EBLA_CHAT_TEST_PGSQL_DSN='pgsql:host=$HOST;port=$PGSQL_PORT;dbname=$DB_NAME'
export EBLA_CHAT_TEST_PGSQL_USER='$DB_USER'
export EBLA_CHAT_TEST_PGSQL_PASSWORD='$DB_PASSWORD'
export EBLA_CHAT_TEST_REDIS_URL='tcp://$HOST:$REDIS_PORT'
export EBLA_CHAT_TEST_REDIS_CLUSTER='$(printf "$HOST:%s," "${CLUSTER_PORTS[@]}" | sed 's/,$//')'
export EBLA_CHAT_TEST_REDIS_SERVER='$redis_server'
EOF
}

# ---------------------------------------------------------------- MariaDB
mysql_up() {
  [ -S "$MY_SOCK" ] && mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot ping >/dev/null 2>&1
}

mysql_root() {
  mariadb --no-defaults --socket="$MY_SOCK" -uroot "$@"
}

mysql_start() {
  need mariadbd; need mariadb-install-db; need mariadb-admin
  if mysql_up; then log "mariadb already running on $HOST:$MYSQL_PORT"; return 0; fi
  port_busy "$MYSQL_PORT" && die "port $MYSQL_PORT is taken by another process (not our MariaDB)"
  mkdir -p "$MY_DIR"
  if [ ! -d "$MY_DIR/data/mysql" ]; then
    log "mariadb: initialising $MY_DIR/data"
    rm -rf "$MY_DIR/data"
    # --no-defaults: the distro's /etc/mysql config points at /var/lib/mysql and /run/mysqld.
    mariadb-install-db --no-defaults --user=root --datadir="$MY_DIR/data" \
      --auth-root-authentication-method=socket --skip-test-db >"$MY_DIR/install.log" 2>&1 \
      || { tail -n 30 "$MY_DIR/install.log" >&2; die "mariadb-install-db failed (log: $MY_DIR/install.log)"; }
  fi
  log "mariadb: starting on $HOST:$MYSQL_PORT"
  # setsid + closed stdio: the daemon must not hold the caller's terminal or pipe open
  # (a CI runner waiting for EOF on our stdout would hang forever).
  # Durability settings are relaxed: this is throwaway test data and fsyncs dominate test time.
  setsid mariadbd --no-defaults --user=root \
    --datadir="$MY_DIR/data" --socket="$MY_SOCK" --pid-file="$MY_DIR/mysqld.pid" \
    --port="$MYSQL_PORT" --bind-address="$HOST" --skip-name-resolve \
    --log-error="$MY_DIR/mysqld.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=64M --innodb-doublewrite=0 \
    --max-connections=300 \
    </dev/null >>"$MY_DIR/mysqld.log" 2>&1 &
  wait_for "mariadb" "$MY_DIR/mysqld.log" mysql_up
  # Tests create a fresh database per test, hence ALL on *.* (CREATE/DROP DATABASE included).
  mysql_root <<SQL || die "mariadb: could not create database/user"
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  log "mariadb: ready"
}

mysql_stop() {
  if mysql_up; then
    log "mariadb: stopping"
    mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot shutdown >/dev/null 2>&1 || true
  fi
  # mariadb-admin shutdown returns before the process has exited; wait for the pid to go away.
  local pidfile="$MY_DIR/mysqld.pid" pid i
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile" 2>/dev/null || true)
    for ((i = 0; i < READY_TIMEOUT * 4; i++)); do
      [ -f "$pidfile" ] && alive "$pid" || break
      sleep 0.25
    done
    if [ -f "$pidfile" ] && alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
}

# ---------------------------------------------------------------- PostgreSQL
as_postgres() { runuser -u postgres -- "$@"; }

pg_up() {
  as_postgres "$PG_BIN/pg_isready" -q -h "$PG_RUN" -p "$PGSQL_PORT" >/dev/null 2>&1
}

pg_psql() {
  as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$PGSQL_PORT" -U postgres "$@"
}

pg_start() {
  [ -x "$PG_BIN/pg_ctl" ] || die "$PG_BIN/pg_ctl not found: run scripts/deps.sh first (postgresql 15)"
  id postgres >/dev/null 2>&1 || die "system user 'postgres' missing: install the postgresql package"
  if pg_up; then log "postgresql already running on $HOST:$PGSQL_PORT"; return 0; fi
  port_busy "$PGSQL_PORT" && die "port $PGSQL_PORT is taken by another process (not our PostgreSQL)"
  # initdb and the server refuse to run as root: the data lives under a postgres-owned directory,
  # and every directory above it must be traversable by postgres.
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  as_postgres test -w "$PG_DIR" \
    || die "user postgres cannot write $PG_DIR: choose an EBLA_CHAT_SERVICES_DIR whose parents are world-traversable"
  as_postgres mkdir -p "$PG_RUN"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "postgresql: initialising $PG_DATA"
    rm -rf "$PG_DATA"
    # trust on the private unix socket (only root/postgres reach it); passwords over TCP.
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
      || { tail -n 30 "$PG_DIR/initdb.log" >&2; die "initdb failed (log: $PG_DIR/initdb.log)"; }
  fi
  log "postgresql: starting on $HOST:$PGSQL_PORT"
  # fsync off: throwaway test data. -w waits for readiness, -t bounds the wait.
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgresql.log" -w -t "$READY_TIMEOUT" \
    -o "-c listen_addresses=$HOST -p $PGSQL_PORT -k $PG_RUN -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start </dev/null >/dev/null 2>&1 \
    || { tail -n 30 "$PG_DIR/postgresql.log" >&2 || true; die "postgresql did not start (log: $PG_DIR/postgresql.log)"; }
  wait_for "postgresql" "$PG_DIR/postgresql.log" pg_up
  pg_psql <<SQL || die "postgresql: could not create role/database"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  ELSE
    ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
END
\$\$;
SQL
  if [ "$(pg_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
    pg_psql -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8'" || die "postgresql: could not create $DB_NAME"
  fi
  log "postgresql: ready"
}

pg_stop() {
  if [ -f "$PG_DATA/postmaster.pid" ] && [ -x "$PG_BIN/pg_ctl" ]; then
    log "postgresql: stopping"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$READY_TIMEOUT" stop >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------- Redis + Redis Cluster
redis_ping() { [ "$(redis-cli -h "$HOST" -p "$1" ping 2>/dev/null)" = "PONG" ]; }

# redis_spawn PORT DIR [extra redis-server args...]
redis_spawn() {
  local port=$1 dir=$2
  shift 2
  port_busy "$port" && die "port $port is taken by another process (not our Redis)"
  mkdir -p "$dir"
  # No persistence: tests own their data and a restart should start empty.
  redis-server --bind "$HOST" --port "$port" --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --save "" --appendonly no "$@" </dev/null >/dev/null 2>&1 \
    || die "redis-server on port $port failed to start (log: $dir/redis.log)"
  wait_for "redis on port $port" "$dir/redis.log" redis_ping "$port"
}

redis_start() {
  need redis-server; need redis-cli
  if redis_ping "$REDIS_PORT"; then log "redis already running on $HOST:$REDIS_PORT"; return 0; fi
  log "redis: starting on $HOST:$REDIS_PORT"
  redis_spawn "$REDIS_PORT" "$REDIS_DIR"
  log "redis: ready"
}

cluster_ok() {
  local p
  for p in "${CLUSTER_PORTS[@]}"; do
    redis-cli -h "$HOST" -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

cluster_start() {
  need redis-server; need redis-cli
  if cluster_ok; then log "redis cluster already running on ports ${CLUSTER_PORTS[*]}"; return 0; fi
  # A half-running or broken cluster is not worth repairing: it holds only test data.
  cluster_stop
  rm -rf "$CLUSTER_DIR"
  log "redis cluster: starting nodes ${CLUSTER_PORTS[*]}"
  local p nodes=()
  for p in "${CLUSTER_PORTS[@]}"; do
    redis_spawn "$p" "$CLUSTER_DIR/$p" --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 5000
    nodes+=("$HOST:$p")
  done
  # timeout: "Waiting for the cluster to join" never ends if a node vanished underneath it.
  timeout "$READY_TIMEOUT" redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes \
    </dev/null >"$CLUSTER_DIR/create.log" 2>&1 \
    || { cat "$CLUSTER_DIR/create.log" >&2; die "redis-cli --cluster create failed"; }
  wait_for "redis cluster (cluster_state:ok)" "$CLUSTER_DIR/create.log" cluster_ok
  log "redis cluster: ready"
}

redis_stop_port() {
  if redis_ping "$1"; then
    redis-cli -h "$HOST" -p "$1" shutdown nosave >/dev/null 2>&1 || true
  fi
  local i
  for ((i = 0; i < READY_TIMEOUT * 4; i++)); do
    redis_ping "$1" || return 0
    sleep 0.25
  done
}

redis_stop() {
  command -v redis-cli >/dev/null 2>&1 || return 0
  redis_ping "$REDIS_PORT" && log "redis: stopping"
  redis_stop_port "$REDIS_PORT"
}

cluster_stop() {
  command -v redis-cli >/dev/null 2>&1 || return 0
  local p
  for p in "${CLUSTER_PORTS[@]}"; do redis_stop_port "$p"; done
}

# ---------------------------------------------------------------- commands
do_start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (PostgreSQL is run as the postgres user via runuser)"
  mkdir -p "$DIR"
  chmod 755 "$DIR"   # postgres must be able to reach its own subdirectory
  mysql_start
  pg_start
  redis_start
  cluster_start
  print_env >"$DIR/env.sh"
  log "all services up; environment in $DIR/env.sh"
}

do_stop() {
  cluster_stop
  redis_stop
  pg_stop
  mysql_stop
  log "all services stopped"
}

do_status() {
  local rc=0
  report() { if "$@"; then echo "up"; else echo "DOWN"; rc=1; fi; }
  echo "mariadb       $HOST:$MYSQL_PORT  $(report mysql_up)"
  echo "postgresql    $HOST:$PGSQL_PORT  $(report pg_up)"
  echo "redis         $HOST:$REDIS_PORT  $(report redis_ping "$REDIS_PORT")"
  echo "redis-cluster $HOST:${CLUSTER_PORTS[0]}-${CLUSTER_PORTS[2]}  $(report cluster_ok)"
  # report runs in a subshell, so recompute the overall result here.
  mysql_up && pg_up && redis_ping "$REDIS_PORT" && cluster_ok || rc=1
  return $rc
}

# start/stop from two shells at once (two developers, or a test run beside a manual start) would
# race on the same ports and directories: serialise them on a lock file. flock -o keeps the lock
# fd away from the daemons we spawn, so a running server never holds the lock.
case "${1:-}" in
  start | stop)
    if [ -z "${EBLA_CHAT_SERVICES_LOCKED:-}" ]; then
      mkdir -p "$DIR"
      EBLA_CHAT_SERVICES_LOCKED=1 exec flock -o -w 600 "$DIR/.lock" bash "${BASH_SOURCE[0]}" "$@"
    fi
    ;;
esac

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
