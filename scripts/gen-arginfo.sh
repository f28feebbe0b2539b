#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Regenerates stubs/*_arginfo.h from stubs/*.stub.php with the system PHP's gen_stub.php, offline.
#
#   scripts/gen-arginfo.sh           rewrite the committed headers
#   scripts/gen-arginfo.sh --check   regenerate into a temp copy; fail with a diff when stale
#
# gen_stub.php wants to download PHP-Parser 4.15.1 next to itself. We run a COPY of it in a temp
# dir where PHP-Parser-4.15.1/lib/PhpParser points at Debian's php-parser (/usr/share/php/PhpParser),
# so nothing is fetched and the system's build dir is left untouched.
# Only *.stub.php are inputs: stubs/ebla_chat.php is the hand-written IDE stub.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

die() { echo "gen-arginfo: ERROR: $*" >&2; exit 1; }

gen_stub=""
for candidate in "$(php-config --extension-dir 2>/dev/null)/build/gen_stub.php" /usr/lib/php/*/build/gen_stub.php; do
  if [ -f "$candidate" ]; then gen_stub=$candidate; break; fi
done
[ -n "$gen_stub" ] || die "gen_stub.php not found: install php8.2-dev (scripts/deps.sh)"
[ -d /usr/share/php/PhpParser ] || die "/usr/share/php/PhpParser missing: install php-parser (scripts/deps.sh)"

shopt -s nullglob
stubs=(stubs/*.stub.php)
[ "${#stubs[@]}" -gt 0 ] || die "no stubs/*.stub.php found"

work=$(mktemp -d -t ebla_chat-genstub.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$gen_stub" "$work/gen_stub.php"
mkdir -p "$work/PHP-Parser-4.15.1/lib"
ln -s /usr/share/php/PhpParser "$work/PHP-Parser-4.15.1/lib/PhpParser"

# Generate from copies of the stubs, so --check never touches the tree and a failed run
# never leaves half-written headers behind.
mkdir -p "$work/stubs"
cp "${stubs[@]}" "$work/stubs/"
copies=()
for s in "${stubs[@]}"; do copies+=("$work/stubs/$(basename "$s")"); done
# -f: regenerate even when the "Stub hash" line says the header is current, so a header that
# was edited by hand is caught too.
php "$work/gen_stub.php" -f "${copies[@]}" >"$work/gen_stub.log" 2>&1 \
  || { cat "$work/gen_stub.log" >&2; die "gen_stub.php failed"; }

status=0
for generated in "$work"/stubs/*_arginfo.h; do
  target="stubs/$(basename "$generated")"
  if [ "$check" -eq 1 ]; then
    if ! diff -u "$target" "$generated" >"$work/diff" 2>&1; then
      echo "gen-arginfo: $target is stale; run scripts/gen-arginfo.sh and commit the result:" >&2
      sed "s|$work/||g" "$work/diff" >&2
      status=1
    fi
  elif ! cmp -s "$generated" "$target"; then
    cp "$generated" "$target"
    echo "gen-arginfo: wrote $target"
  fi
done

if [ "$check" -eq 1 ] && [ "$status" -eq 0 ]; then
  echo "gen-arginfo: stubs/*_arginfo.h are up to date"
fi
exit "$status"
