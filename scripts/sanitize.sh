#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# The sanitizer run: builds ebla_chat a second time with AddressSanitizer + UndefinedBehaviorSanitizer
# (the distro's gcc) in a copy of the tree, so modules/ of the normal build is never touched, and
# runs the phpt suite (or what the arguments name) against that build. Any sanitizer report fails.
#
#   scripts/sanitize.sh                         whole phpt suite
#   scripts/sanitize.sh tests/032-post.phpt     some tests (run-tests.php arguments pass through)
#   scripts/sanitize.sh --fuzz BACKEND SEED SECONDS   the fuzz harness instead of the suite
#   scripts/sanitize.sh --build                 only (re)build the sanitizer copy
#
# Environment: EBLA_CHAT_SAN_DIR (build directory, default /tmp/ebla_chat-asan), plus what
# scripts/test.sh reads (EBLA_CHAT_TEST_JOBS, EBLA_CHAT_SKIP_DEPS, ...).
#
# How PHP runs under the sanitizers (docs/testing.md explains each point):
# - libasan cannot be linked into the distro's php binary, so it is preloaded; tests/asan/nodeepbind.c
#   comes first in LD_PRELOAD and clears RTLD_DEEPBIND from PHP's dlopen() of extensions, which ASan
#   refuses (verify_asan_link_order=0 allows the shim to precede the runtime);
# - USE_ZEND_ALLOC=0: every emalloc is a real malloc the sanitizer can see;
# - leaks are detected; tests/asan/lsan.supp suppresses what the distro's PHP and its libraries
#   leave behind at exit, each entry explained there;
# - intercept_tls_get_addr=0: with it, gcc 12's LeakSanitizer intermittently crashes in its own
#   stop-the-world tracer ("Tracer caught signal 11") at the exit of PHP processes;
# - every report goes to a file under $EBLA_CHAT_SAN_DIR/reports; any file there fails the run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SAN_DIR=${EBLA_CHAT_SAN_DIR:-/tmp/ebla_chat-asan}
TREE="$SAN_DIR/tree"
REPORTS="$SAN_DIR/reports"

mode=suite
args=()
case "${1:-}" in
  --build) mode=build ;;
  --fuzz) mode=fuzz; shift; args=("$@") ;;
  *) args=("$@") ;;
esac

if [ "${EBLA_CHAT_SKIP_DEPS:-0}" != 1 ]; then
  bash scripts/deps.sh
fi

# ---------------------------------------------------------------- copy of the tree
# The files git knows (tracked or new, not ignored), so no build product of the normal build comes along.
mkdir -p "$TREE"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -C "$TREE" -xf -

# ---------------------------------------------------------------- sanitizer build
SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
cd "$TREE"
if [ ! -f Makefile ] || [ ! -f configure ] || [ config.m4 -nt configure ] \
   || [ "$(cat .sanitize-flags 2>/dev/null)" != "$SAN_FLAGS" ]; then
  [ ! -f Makefile ] || make clean >/dev/null
  echo "sanitize: configuring in $TREE (--enable-ebla-chat-developer, $SAN_FLAGS)"
  phpize >/dev/null 2>&1
  if ! out=$(CFLAGS="$SAN_FLAGS" LDFLAGS="-fsanitize=address,undefined" \
             ./configure --enable-ebla-chat-developer 2>&1); then
    echo "$out" | tail -n 40 >&2
    echo "sanitize: configure failed (details in $TREE/config.log)" >&2
    exit 1
  fi
  printf '%s' "$SAN_FLAGS" > .sanitize-flags
fi
echo "sanitize: building"
mkdir -p modules
make -j"$(nproc)" >/dev/null
[ -f modules/ebla_chat.so ] || { echo "sanitize: modules/ebla_chat.so was not built" >&2; exit 1; }
gcc -shared -fPIC -O1 -Wall -Wextra -Werror -o "$SAN_DIR/nodeepbind.so" tests/asan/nodeepbind.c -ldl
[ "$mode" != build ] || exit 0

# ---------------------------------------------------------------- runtime environment
# Only PHP runs with the sanitizer runtime: a wrapper named php, first in PATH, sets the variables
# and execs the distro's binary (bash, sed and the servers the tests start stay as they are; PHP
# children started through PHP_BINARY find the wrapper again).
LIBASAN=$(gcc -print-file-name=libasan.so)
[ -f "$LIBASAN" ] || { echo "sanitize: libasan.so not found (gcc)" >&2; exit 1; }
REAL_PHP=$(PATH=$(printf %s "$PATH" | tr : '\n' | grep -vxF "$SAN_DIR/bin" | paste -sd:) command -v php)
REAL_PHP=$(readlink -f "$REAL_PHP")
rm -rf "$REPORTS"
mkdir -p "$REPORTS" "$SAN_DIR/bin"
cat >"$SAN_DIR/bin/php" <<WRAPPER
#!/bin/sh
# php under AddressSanitizer + UndefinedBehaviorSanitizer (written by scripts/sanitize.sh)
export LD_PRELOAD="$SAN_DIR/nodeepbind.so $LIBASAN"
export USE_ZEND_ALLOC=0
export ZEND_DONT_UNLOAD_MODULES=1
export ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:log_path=$REPORTS/asan:log_exe_name=1:detect_odr_violation=0:allow_user_segv_handler=1"
export LSAN_OPTIONS="suppressions=$TREE/tests/asan/lsan.supp:print_suppressions=0:intercept_tls_get_addr=0"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$REPORTS/ubsan:log_exe_name=1"
exec "$REAL_PHP" "\$@"
WRAPPER
chmod 755 "$SAN_DIR/bin/php"
export PATH="$SAN_DIR/bin:$PATH"

verdict() {
  local rc=$1 files
  files=$(find "$REPORTS" -type f | sort)
  if [ -n "$files" ]; then
    echo "sanitize: FAILED: sanitizer reports:" >&2
    for f in $files; do echo "---- $f" >&2; head -n 80 "$f" >&2; done
    return 1
  fi
  echo "sanitize: no sanitizer report"
  return "$rc"
}

rc=0
if [ "$mode" = fuzz ]; then
  EBLA_CHAT_SKIP_DEPS=1 EBLA_CHAT_SKIP_BUILD=1 bash scripts/fuzz.sh "${args[@]}" || rc=$?
else
  [ "${#args[@]}" -gt 0 ] || args=(tests)
  EBLA_CHAT_SKIP_DEPS=1 EBLA_CHAT_SKIP_BUILD=1 bash scripts/test.sh "${args[@]}" || rc=$?
fi
verdict "$rc"
