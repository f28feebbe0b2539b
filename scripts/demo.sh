#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# The demo command: builds ebla_chat when needed and runs examples/demo.php on SQLite (no server).
# Set EBLA_CHAT_REDIS_URL (e.g. tcp://127.0.0.1:16379) to also publish the demo's events to Redis.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/deps.sh

# Rebuild when the module is missing or older than any source, header, stub or config.m4.
needs_build=0
if [ ! -f modules/ebla_chat.so ]; then
  needs_build=1
elif [ -n "$(find config.m4 ebla_chat.c php_ebla_chat.h src stubs -newer modules/ebla_chat.so \
              \( -name '*.c' -o -name '*.h' -o -name '*.m4' \) -print -quit 2>/dev/null)" ]; then
  needs_build=1
fi
if [ "$needs_build" -eq 1 ]; then
  echo "demo: building ebla_chat"
  if [ ! -f Makefile ] || [ config.m4 -nt configure ]; then
    phpize >/dev/null
    ./configure >/dev/null
  fi
  mkdir -p modules   # make's libtool install into modules/ fails silently when it is gone
  make -j"$(nproc)" >/dev/null
  [ -f modules/ebla_chat.so ] || { echo "demo: build produced no modules/ebla_chat.so" >&2; exit 1; }
fi

php_args=(-d "extension=$ROOT/modules/ebla_chat.so")
if [ -n "${EBLA_CHAT_REDIS_URL:-}" ]; then
  php_args+=(-d "ebla_chat.redis_url=$EBLA_CHAT_REDIS_URL" -d "ebla_chat.redis_prefix=ebla_demo:")
  # A live subscriber next to the demo: it prints every event the conversation publishes, exactly
  # as EspoCRM's WebSocket Pusher would receive it (examples/redis-bridge.php).
  php "${php_args[@]}" examples/redis-bridge.php --timeout=60 &
  bridge=$!
  trap 'kill $bridge 2>/dev/null || true' EXIT
  sleep 0.5
  status=0
  php "${php_args[@]}" examples/demo.php "$@" || status=$?
  sleep 0.5   # let the last events arrive before stopping the subscriber
  exit $status
fi
exec php "${php_args[@]}" examples/demo.php "$@"
