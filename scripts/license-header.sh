#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Adds the license header (MIT, holder and year from LICENSE) to every source file that lacks it.
#
#   scripts/license-header.sh                add it where it is missing (all files below)
#   scripts/license-header.sh --check        list the files without it; exit 1 when there are any
#   scripts/license-header.sh [--check] FILE...   only these files
#
# Files: C, headers, PHP and JS under src/, ebla_chat.c, php_ebla_chat.h, config.m4, config.w32,
# tests/*.inc, stubs/*.php, scripts/*.sh and scripts/*.php (git-tracked or new, not ignored).
# Not the generated stubs/*_arginfo.h (gen_stub.php writes its own first line): when a
# stubs/*.stub.php gets its header (after its first doc comment, which holds gen_stub.php's tags),
# scripts/gen-arginfo.sh regenerates them (the stub hash changes).
# A file has the header when one of its first 12 lines is a comment line starting with the SPDX tag.
# The header goes first, after a "#!" line in scripts and after the "<?php" line in PHP files.
set -euo pipefail

# All in one function, read whole before it runs: bash reads a script as it goes, and this one
# may rewrite files it is reading (itself, in another checkout).
main() {
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

check=0
files=()
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    -*) echo "usage: $0 [--check] [FILE...]" >&2; exit 2 ;;
    *) files+=("$a") ;;
  esac
done

die() { echo "license-header: ERROR: $*" >&2; exit 1; }

[ -f LICENSE ] || die "no LICENSE file"
license=$(head -n 1 LICENSE | sed 's/ License$//')          # "MIT"
holder=$(sed -n 's/^Copyright (c) //p' LICENSE | head -n 1)   # "2026 Ebla Chat team"
[ "$license" = "MIT" ] && [ -n "$holder" ] || die "LICENSE does not start with 'MIT License' and a 'Copyright (c) ...' line"
MARK="SPDX-License-Identifier: $license"
LINES=("ebla_chat: chat engine for EspoCRM" "Copyright (c) $holder" "$MARK (see the LICENSE file)")

if [ "${#files[@]}" -eq 0 ]; then
  while IFS= read -r -d '' f; do
    case "$f" in
      src/*.c | src/*.h | src/*.php | src/*.js) files+=("$f") ;;
      ebla_chat.c | php_ebla_chat.h | config.m4 | config.w32) files+=("$f") ;;
      tests/*.inc) [[ "$f" == tests/*/* ]] || files+=("$f") ;;
      stubs/*.php) files+=("$f") ;;
      scripts/*.sh | scripts/*.php) files+=("$f") ;;
    esac
  done < <(git ls-files -z --cached --others --exclude-standard)
fi

header() {  # header STYLE: the header as comment lines of that style
  local l
  case "$1" in
    c) printf '/*\n'; for l in "${LINES[@]}"; do printf ' * %s\n' "$l"; done; printf ' */\n' ;;
    hash) for l in "${LINES[@]}"; do printf '# %s\n' "$l"; done ;;
    dnl) for l in "${LINES[@]}"; do printf 'dnl %s\n' "$l"; done ;;
    slash) for l in "${LINES[@]}"; do printf '// %s\n' "$l"; done ;;
  esac
}

missing=()
changed_stub=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  head -n 12 "$f" | grep -qE "^[[:space:]]*(\*|#|//|dnl)[[:space:]]+$MARK" && continue
  missing+=("$f")
  [ "$check" -eq 1 ] && continue
  tmp=$(mktemp)
  case "$f" in
    *.c | *.h | *.js) { header c; cat "$f"; } >"$tmp" ;;
    *.m4) { header dnl; cat "$f"; } >"$tmp" ;;
    *.w32) { header slash; cat "$f"; } >"$tmp" ;;
    *.sh)
      if head -n 1 "$f" | grep -q '^#!'; then
        { head -n 1 "$f"; header hash; tail -n +2 "$f"; } >"$tmp"
      else
        { header hash; cat "$f"; } >"$tmp"
      fi ;;
    *.stub.php)
      # gen_stub.php reads its tags (@generate-class-entries) from the file's FIRST comment only:
      # the header goes after that doc comment.
      header c >"$tmp.h"
      awk -v hfile="$tmp.h" '
        function put_header(  l) { while ((getline l < hfile) > 0) print l; close(hfile); done = 1 }
        NR == 1 { print; next }
        !done && state == 0 && /^[[:space:]]*$/ { print; next }
        !done && state == 0 && /^\/\*\*/ { state = 1 }
        !done && state == 1 { print; if (/\*\//) put_header(); next }
        !done { put_header() }
        { print }
        END { if (!done) put_header() }' "$f" >"$tmp"
      rm -f "$tmp.h" ;;
    *.php | *.inc)
      if head -n 1 "$f" | grep -q '^<?php[[:space:]]*$'; then
        { head -n 1 "$f"; header c; tail -n +2 "$f"; } >"$tmp"
      elif head -n 1 "$f" | grep -q '^#!' && sed -n 2p "$f" | grep -q '^<?php[[:space:]]*$'; then
        { head -n 2 "$f"; header c; tail -n +3 "$f"; } >"$tmp"
      else
        rm -f "$tmp"; die "$f does not start with a '<?php' line: add the header by hand"
      fi ;;
    *) rm -f "$tmp"; die "$f: no comment style known for this kind of file" ;;
  esac
  cat "$tmp" >"$f"   # keeps the file's mode (scripts stay executable)
  rm -f "$tmp"
  echo "license-header: added to $f"
  case "$f" in stubs/*.stub.php) changed_stub=1 ;; esac
done

if [ "$check" -eq 1 ]; then
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "license-header: ${#missing[@]} file(s) without the $license header (run scripts/license-header.sh):" >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
  fi
  echo "license-header: all ${#files[@]} source files carry the $license header"
  exit 0
fi
if [ "$changed_stub" -eq 1 ]; then
  echo "license-header: a stub changed: regenerating stubs/*_arginfo.h"
  bash scripts/gen-arginfo.sh
fi
echo "license-header: ${#missing[@]} file(s) updated, $(( ${#files[@]} - ${#missing[@]} )) already had the header"
}
main "$@"; exit $?   # on one line: nothing after it is read once main has run
