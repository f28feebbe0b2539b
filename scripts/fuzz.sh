#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Runs the fuzz harness (tests/fuzz/fuzz.php) on each database, then its consistency check.
#
#   scripts/fuzz.sh                      seed 1, 10 s on each of sqlite, mysql, pgsql
#   scripts/fuzz.sh SEED SECONDS         another seed, a longer run (per database)
#   scripts/fuzz.sh SEED SECONDS sqlite  only some databases
#
# Builds like scripts/test.sh (skip with EBLA_CHAT_SKIP_BUILD=1) and reuses or starts the services.
# scripts/sanitize.sh --fuzz SEED SECONDS runs the same under ASan + UBSan. Exit status 1 on any
# finding or inconsistency; each run prints "fuzz: BACKEND seed=... calls=N findings=F
# inconsistencies=I" and the last line is the total over all databases.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

seed=${1:-1}
seconds=${2:-10}
shift $(( $# < 2 ? $# : 2 ))
backends=("$@")
[ "${#backends[@]}" -gt 0 ] || backends=(sqlite mysql pgsql)

if [ "${EBLA_CHAT_SKIP_BUILD:-0}" != 1 ]; then
  # The build and the services of the test command, without running the suite.
  EBLA_CHAT_SKIP_DEPS=${EBLA_CHAT_SKIP_DEPS:-0} bash scripts/test.sh tests/001-load.phpt >/dev/null
fi
[ -f modules/ebla_chat.so ] || { echo "fuzz: modules/ebla_chat.so was not built" >&2; exit 1; }

started_services=0
if ! bash scripts/services.sh status >/dev/null 2>&1; then
  bash scripts/services.sh start
  started_services=1
fi
trap '[ "$started_services" -eq 0 ] || bash scripts/services.sh stop || true' EXIT
eval "$(bash scripts/services.sh env)"

calls=0; findings=0; inconsistencies=0; rc=0
for backend in "${backends[@]}"; do
  log=$(mktemp)
  # A crash kills the process before its summary line: the missing line is the finding.
  php -d "extension=$ROOT/modules/ebla_chat.so" tests/fuzz/fuzz.php "$backend" "$seed" "$seconds" 2>&1 | tee "$log" || rc=1
  line=$(grep -E '^fuzz: ' "$log" | tail -n 1 || true)
  if [ -z "$line" ]; then
    echo "fuzz: $backend: the harness ended without its summary (crash?)" >&2
    findings=$((findings + 1)); rc=1
  else
    calls=$((calls + $(sed -n 's/.* calls=\([0-9]*\).*/\1/p' <<<"$line")))
    findings=$((findings + $(sed -n 's/.* findings=\([0-9]*\).*/\1/p' <<<"$line")))
    inconsistencies=$((inconsistencies + $(sed -n 's/.* inconsistencies=\([0-9]*\).*/\1/p' <<<"$line")))
  fi
  rm -f "$log"
done
echo "fuzz total: seed=$seed seconds=$seconds databases=${#backends[@]} calls=$calls findings=$findings inconsistencies=$inconsistencies"
exit "$rc"
