#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# The test command: installs dependencies, builds ebla_chat with developer flags (-Werror),
# starts the private services, and runs the phpt suite with PHP's run-tests.php.
#
#   scripts/test.sh                      whole suite
#   scripts/test.sh tests/010-post.phpt  one test (any run-tests.php arguments pass through)
#   scripts/test.sh --valgrind [...]     the same under valgrind memcheck; leaks are failures
#
# Fails when anything FAILED, BORKED, LEAKED or WARNED, when anything was SKIPPED, or when nothing
# PASSED. The last line printed is "N passed, N failed, N skipped".
#
# Environment: EBLA_CHAT_TEST_JOBS (parallel workers, default 2), EBLA_CHAT_SERVICES_DIR,
# EBLA_CHAT_SKIP_DEPS=1 (do not run deps.sh), EBLA_CHAT_SKIP_BUILD=1 (use modules/ as it is),
# EBLA_CHAT_SKIP_SERVICES=1 (services and their EBLA_CHAT_TEST_* variables come from the caller).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

valgrind=0
args=()
for a in "$@"; do
  case "$a" in
    --valgrind) valgrind=1 ;;
    *) args+=("$a") ;;
  esac
done
[ "${#args[@]}" -gt 0 ] || args=(tests)

if [ "${EBLA_CHAT_SKIP_DEPS:-0}" != 1 ]; then
  bash scripts/deps.sh
fi

# ---------------------------------------------------------------- build
# Reconfigure when there is no Makefile, when config.m4 changed, or when the tree was configured
# without developer flags (a -Werror build is the bar, a plain build would hide warnings).
if [ "${EBLA_CHAT_SKIP_BUILD:-0}" != 1 ]; then
  if [ ! -f Makefile ] || [ ! -f configure ] || [ config.m4 -nt configure ] \
     || ! grep -q -- '--enable-ebla-chat-developer' config.nice 2>/dev/null; then
    echo "test: configuring (phpize, --enable-ebla-chat-developer)"
    phpize >/dev/null
    if ! out=$(./configure --enable-ebla-chat-developer 2>&1); then
      echo "$out" | tail -n 40 >&2
      echo "test: configure failed (details in config.log)" >&2
      exit 1
    fi
  fi
  echo "test: building"
  mkdir -p modules   # make's libtool install into modules/ fails silently when it is gone
  make -j"$(nproc)" >/dev/null
fi
[ -f modules/ebla_chat.so ] || { echo "test: modules/ebla_chat.so was not built" >&2; exit 1; }

# ---------------------------------------------------------------- services
# Reuse services a developer (or an earlier CI step) already started; stop only what we started.
# EBLA_CHAT_SKIP_SERVICES=1: the EBLA_CHAT_TEST_* variables are already set by the caller (the
# chroot run of scripts/trixie.sh, whose services live outside the chroot).
started_services=0
cleanup() {
  if [ "$started_services" -eq 1 ]; then bash scripts/services.sh stop || true; fi
}
if [ "${EBLA_CHAT_SKIP_SERVICES:-0}" != 1 ]; then
  if ! bash scripts/services.sh status >/dev/null 2>&1; then
    bash scripts/services.sh start
    started_services=1
  fi
  trap cleanup EXIT
  eval "$(bash scripts/services.sh env)"
fi
# The suite fails (instead of skipping) when a service it needs is missing.
export EBLA_CHAT_TEST_REQUIRE_SERVICES=1

# ---------------------------------------------------------------- run-tests.php
# Not "make test": it passes -d extension_dir=modules/, so Debian's shared pdo cannot load and
# every test silently SKIPs. Run run-tests.php directly with the distro php and its own php.ini
# (which loads pdo, pdo_sqlite, pdo_mysql, pdo_pgsql, redis), and add our module by absolute path.
RUN_TESTS="$ROOT/run-tests.php"            # phpize copies it into the build dir
if [ ! -f "$RUN_TESTS" ]; then
  RUN_TESTS=$(ls /usr/lib/php/*/build/run-tests.php 2>/dev/null | tail -n 1 || true)
fi
[ -n "$RUN_TESTS" ] && [ -f "$RUN_TESTS" ] || { echo "test: run-tests.php not found (php8.2-dev: scripts/deps.sh)" >&2; exit 1; }

PHP_BIN=$(command -v php)
export TEST_PHP_EXECUTABLE="$PHP_BIN"
export NO_INTERACTION=1                    # never ask to mail a report to php.net
export REPORT_EXIT_STATUS=1

rt_opts=(-p "$PHP_BIN" -q --no-color --show-diff -j"${EBLA_CHAT_TEST_JOBS:-2}"
         -d "extension=$ROOT/modules/ebla_chat.so")
if [ "$valgrind" -eq 1 ]; then
  command -v valgrind >/dev/null || { echo "test: valgrind not installed (scripts/deps.sh)" >&2; exit 1; }
  # run-tests.php -m runs valgrind -q with USE_ZEND_ALLOC=0: any output in a test's .mem file marks
  # it LEAKED (invalid reads/writes, uninitialised values). Add a full leak check counting only
  # "definitely lost" blocks (persistent connections freed at shutdown are "still reachable"), and
  # do not trace throwaway redis-server children that outage tests spawn.
  export VALGRIND_OPTS="--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --trace-children-skip=*redis-server*,*/sh,*/bash ${VALGRIND_OPTS:-}"
  # PCRE's JIT code has no symbols and trips memcheck ("depends on uninitialised value" in ???).
  rt_opts+=(-m --show-mem -d pcre.jit=0)
fi

log=$(mktemp -t ebla_chat-tests.XXXXXX)
trap 'rm -f "$log"; cleanup' EXIT
echo "test: $PHP_BIN $RUN_TESTS ${rt_opts[*]} ${args[*]}"
set +e
"$PHP_BIN" "$RUN_TESTS" "${rt_opts[@]}" "${args[@]}" 2>&1 | tee "$log"
rt_status=${PIPESTATUS[0]}
set -e

# ---------------------------------------------------------------- verdict
count() {  # count LABEL: the number on run-tests.php's "LABEL : N" summary line, 0 when absent
  sed -n "s/^$1 *: *\([0-9][0-9]*\).*/\1/p" "$log" | tail -n 1 | grep . || echo 0
}
if ! grep -q '^Tests passed *:' "$log"; then
  echo "test: run-tests.php ended without a summary (exit $rt_status)" >&2
  exit 1
fi
passed=$(count 'Tests passed')
failed=$(count 'Tests failed')
skipped=$(count 'Tests skipped')
borked=$(count 'Tests borked')
leaked=$(count 'Tests leaked')
warned=$(count 'Tests warned')
bad=$((failed + borked + leaked + warned))

ok=1
[ "$bad" -eq 0 ] || { echo "test: FAILED: $failed failed, $borked borked, $leaked leaked, $warned warned" >&2; ok=0; }
[ "$skipped" -eq 0 ] || { echo "test: FAILED: $skipped test(s) SKIPPED; every service is provided, nothing may skip" >&2; grep -o 'SKIP .*' "$log" >&2 || true; ok=0; }
[ "$passed" -gt 0 ] || { echo "test: FAILED: no test passed" >&2; ok=0; }

# tests/090-espocrm-package.phpt checks the EspoCRM package without EspoCRM; the end-to-end suite
# needs an installed EspoCRM and is run by hand (docs/espocrm.md).
echo "test: the EspoCRM end-to-end suite (tests/espocrm/run.php) did not run: it needs an installed EspoCRM"
echo "$passed passed, $bad failed, $skipped skipped"
[ "$ok" -eq 1 ]
