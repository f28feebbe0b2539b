#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Compiles every source as a thread-safe (ZTS) build would, with the developer warnings as
# errors, against the installed PHP headers: the module-globals accessors, TSRM cache and
# GINIT/GSHUTDOWN paths are checked even where only a non-thread-safe PHP is installed.
# Syntax and types only (no object files): a real ZTS PHP is still needed to run the suite.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PHP_CONFIG=${PHP_CONFIG:-php-config}
includes=$($PHP_CONFIG --includes)
deps=$(pkg-config --cflags-only-I hiredis uuid 2>/dev/null || true)
status=0
for f in ebla_chat.c src/*.c; do
  if ! cc -fsyntax-only -D_GNU_SOURCE -DZTS=1 -DCOMPILE_DL_EBLA_CHAT=1 -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 \
      -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
      -I. -Isrc $includes $deps "$f"; then
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "check-zts: every source compiles as a thread-safe build"
exit "$status"
