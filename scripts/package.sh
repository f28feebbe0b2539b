#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Packaging check, as a PECL user would meet the extension:
#   1. package.xml lists exactly the shipped files (scripts/gen-package-xml.php --check), and
#      composer.json (PIE) is valid and agrees with config.m4 and package.xml (scripts/check-composer.php)
#   2. `pecl package` in a clean export of the git-tracked files -> ebla_chat-X.Y.Z.tgz
#   3. `pecl install` of that tgz, non-interactively (configure options take their defaults)
#   4. php starts with extension=ebla_chat without any warning, and --ri ebla_chat works
#   5. `pecl uninstall ebla_chat`, also on failure, so the system is left as it was
# The tgz is kept in $EBLA_CHAT_PACKAGE_OUT (default: the repository root, git-ignored).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT="${EBLA_CHAT_PACKAGE_OUT:-$ROOT}"

die() { echo "package: ERROR: $*" >&2; exit 1; }
command -v pecl >/dev/null || die "pecl not found: run scripts/deps.sh (php-pear)"
command -v git >/dev/null || die "git not found"

echo "package: checking package.xml"
php scripts/gen-package-xml.php --check
echo "package: checking composer.json (PIE)"
php scripts/check-composer.php

work=$(mktemp -d -t ebla_chat-package.XXXXXX)
installed=0
cleanup() {
  if [ "$installed" -eq 1 ]; then
    echo "package: pecl uninstall ebla_chat"
    pecl uninstall ebla_chat >/dev/null 2>&1 || echo "package: WARNING: pecl uninstall ebla_chat failed" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A clean export: the files git tracks or would add (not ignored), as in the working tree, so
# uncommitted edits are tested too; never build products. On a clean clone: exactly HEAD.
mkdir -p "$work/export"
{ git ls-files -z --cached --others --exclude-standard; printf 'package.xml\0'; } | sort -zu \
  | tar --null -T - -cf - | tar -C "$work/export" -xf -

echo "package: pecl package"
(cd "$work/export" && pecl package package.xml) >"$work/package.log" 2>&1 \
  || { cat "$work/package.log" >&2; die "pecl package failed"; }
cat "$work/package.log"
# One warning is expected: package.xml keeps the date of its release, so packaging it again on a
# later day says 'Release Date "..." is not today'. Any other warning or error fails.
bad=$(grep -iE '^(warning|error)' "$work/package.log" | grep -vE 'field "date" - Release Date "[0-9-]+" is not today$' || true)
if [ -n "$bad" ]; then
  die "pecl package reported warnings or errors (see above)"
fi
tgz=$(ls "$work"/export/ebla_chat-*.tgz 2>/dev/null | head -n 1)
[ -n "$tgz" ] || die "pecl package produced no ebla_chat-*.tgz"
cp "$tgz" "$OUT/"
echo "package: built $OUT/$(basename "$tgz")"

# A leftover install from an interrupted run would make `pecl install` refuse.
if pecl list 2>/dev/null | grep -q '^ebla_chat '; then
  echo "package: removing a previously installed ebla_chat"
  pecl uninstall ebla_chat >/dev/null
fi

echo "package: pecl install $(basename "$tgz")"
# Empty answers take each <configureoption>'s default (autodetect = pkg-config).
installed=1
if ! printf '\n\n\n\n' | pecl install "$tgz" >"$work/install.log" 2>&1; then
  tail -n 60 "$work/install.log" >&2
  die "pecl install failed"
fi
grep -q 'install ok' "$work/install.log" || { tail -n 60 "$work/install.log" >&2; die "pecl install did not report 'install ok'"; }
tail -n 3 "$work/install.log"

# The installed module must load cleanly next to the distro's pdo (loaded from conf.d).
out=$(php -d extension=ebla_chat -r 'echo extension_loaded("ebla_chat") ? "loaded" : "not loaded";' 2>&1)
if [ "$out" != "loaded" ]; then
  printf '%s\n' "$out" >&2
  die "php -d extension=ebla_chat did not load cleanly (any startup warning is a failure)"
fi
startup=$(php -d extension=ebla_chat -r '' 2>&1) || true
if [ -n "$startup" ]; then
  printf '%s\n' "$startup" >&2
  die "php prints a startup message with extension=ebla_chat (it must print nothing)"
fi
ri=$(php -d extension=ebla_chat --ri ebla_chat 2>&1) || { printf '%s\n' "$ri" >&2; die "php --ri ebla_chat failed"; }
if grep -qE '^(PHP )?(Warning|Fatal error|Deprecated|Notice)' <<<"$ri"; then
  printf '%s\n' "$ri" >&2
  die "php --ri ebla_chat printed a warning"
fi
printf '%s\n' "$ri" | head -n 12

echo "package: OK ($(basename "$tgz") packages, installs, loads without warnings)"
