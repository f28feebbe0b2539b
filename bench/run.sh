#!/usr/bin/env bash
# One command for the whole benchmark (not part of the test suite):
#
#   bench/run.sh            services up, optimized build if needed, then on MariaDB and on
#                           PostgreSQL: load the data, time, count; one report for both
#
# Writes bench/results.md and bench/results.png (raw data in bench/results/: raw-<db>.json,
# wire-<db>.json). About 4–5 minutes on 2 cores. Environment:
#   EBLA_BENCH_SO=path      use this ebla_chat.so instead of building modules/ebla_chat.so
#   EBLA_BENCH_SCALE=0.2    fewer iterations (quick look); default 1
#   EBLA_BENCH_REUSE=1      keep the loaded databases from the last run (skip the loads)
#   EBLA_BENCH_DB=name      database name on both servers (default ebla_chat_bench)
#   EBLA_BENCH_DATABASES="mysql pgsql"   which databases to run (default both)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
OUT="$BENCH/results"
mkdir -p "$OUT"
log() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }
started=$(date +%s)

# ---- services: the project's scripts/services.sh (MariaDB 127.0.0.1:13306, PostgreSQL :15432, Redis :16379)
if [ -x "$ROOT/scripts/services.sh" ] || [ -f "$ROOT/scripts/services.sh" ]; then
  bash "$ROOT/scripts/services.sh" start >&2
  eval "$(bash "$ROOT/scripts/services.sh" env)"
else
  die "scripts/services.sh not found: it starts the MariaDB and Redis the benchmark runs on"
fi
export EBLA_CHAT_TEST_MYSQL_DSN EBLA_CHAT_TEST_MYSQL_USER EBLA_CHAT_TEST_MYSQL_PASSWORD EBLA_CHAT_TEST_REDIS_URL
export EBLA_CHAT_TEST_PGSQL_DSN EBLA_CHAT_TEST_PGSQL_USER EBLA_CHAT_TEST_PGSQL_PASSWORD
MYSQL_PORT=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$EBLA_CHAT_TEST_MYSQL_DSN")
PGSQL_PORT=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"${EBLA_CHAT_TEST_PGSQL_DSN:-}")
REDIS_PORT=$(sed -n 's/.*:\([0-9]*\)\/*[0-9]*$/\1/p' <<<"$EBLA_CHAT_TEST_REDIS_URL")
export EBLA_BENCH_REDIS_PORT=$REDIS_PORT
DATABASES=${EBLA_BENCH_DATABASES:-mysql pgsql}

# ---- dependencies, php-gd for the plot included (scripts/deps.sh: nothing when all are present)
[ "${EBLA_CHAT_SKIP_DEPS:-0}" = 1 ] || bash "$ROOT/scripts/deps.sh"
php -m | grep -qi '^gd$' || log "php-gd is missing: results.png will not be written (apt-get install php8.2-gd)"

# ---- the extension, optimized (-O2, no debug, distro PHP is a release build)
SO="${EBLA_BENCH_SO:-}"
if [ -z "$SO" ]; then
  SO="$ROOT/modules/ebla_chat.so"
  newest=$(find "$ROOT/src" "$ROOT/ebla_chat.c" "$ROOT/php_ebla_chat.h" "$ROOT/config.m4" -newer "$SO" 2>/dev/null | head -1 || true)
  if [ ! -f "$SO" ] || [ -n "$newest" ] || ! grep -q -- '-O2' "$ROOT/Makefile" 2>/dev/null; then
    log "building ebla_chat (-O2)"
    (cd "$ROOT" && { [ -f Makefile ] && make distclean >/dev/null 2>&1 || true; } \
      && phpize >/dev/null && ./configure CFLAGS="-O2 -g" >/dev/null && make -j"$(nproc)" >/dev/null) \
      || die "build failed"
  fi
fi
[ -f "$SO" ] || die "no extension at $SO"
PHP=(php -d opcache.enable_cli=1 -d extension="$SO")
"${PHP[@]}" -r 'exit(function_exists("ebla_chat_version") ? 0 : 1);' || die "$SO does not load"

# ---- MariaDB: a buffer pool that holds the 1M-message history (services.sh starts it at 64 MB)
mariadb --no-defaults -h127.0.0.1 -P"$MYSQL_PORT" -u"$EBLA_CHAT_TEST_MYSQL_USER" -p"$EBLA_CHAT_TEST_MYSQL_PASSWORD" \
  -e "SET GLOBAL innodb_buffer_pool_size = 2147483648" 2>/dev/null \
  || log "could not resize the InnoDB buffer pool (results will include disk reads)"

for DB in $DATABASES; do
  export EBLA_BENCH_DRIVER=$DB
  if [ "$DB" = pgsql ]; then
    export EBLA_BENCH_DB_PORT=$PGSQL_PORT; NAME=PostgreSQL
    # The whole data: -x and a big -s, so wire.php can decode every protocol message (statement counts).
    STRACE_DATA=(-x -s 4194304)
  else
    export EBLA_BENCH_DB_PORT=$MYSQL_PORT; NAME=MariaDB
    STRACE_DATA=(-s 48)
  fi

  # ---- data
  if [ "${EBLA_BENCH_REUSE:-0}" != 1 ]; then
    log "$NAME: loading the dataset (10,016 users, 12,000 dialogs, 1,000,000 messages, 1,053,350 notifications)"
    "${PHP[@]}" "$BENCH/bench.php" setup >&2
  fi

  # ---- timing and counting
  log "$NAME: timing all workloads (interleaved)"
  "${PHP[@]}" "$BENCH/bench.php" run "$OUT/raw-$DB.json" "${EBLA_BENCH_SCALE:-1}" >&2

  # ---- round trips on the wire (strace), all three implementations alike
  if command -v strace >/dev/null; then
    log "$NAME: counting round trips under strace"
    strace -f -qq "${STRACE_DATA[@]}" -yy -e trace=read,write,readv,writev,recvfrom,sendto,recvmsg,sendmsg -o "$OUT/wire.trace" \
      "${PHP[@]}" "$BENCH/bench.php" wire 2>/dev/null
    php "$BENCH/wire.php" "$OUT/wire.trace" "$OUT/wire-$DB.json"
    rm -f "$OUT/wire.trace"
  else
    log "strace not installed: no wire counts"
    rm -f "$OUT/wire-$DB.json"
  fi
done
rm -f "$OUT/raw.json" "$OUT/wire.json" # the single-database files of earlier versions

php "$BENCH/report.php" "$BENCH/results.md" "$BENCH/results.png" "$OUT"
log "done in $(( $(date +%s) - started )) s: bench/results.md, bench/results.png"
