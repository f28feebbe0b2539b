#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# The second run of the phpt suite: built and run in a Debian 13 (trixie) chroot, with trixie's
# PHP 8.4 and hiredis 1.2, against the same services as the first run (scripts/services.sh; they
# listen on 127.0.0.1, which a chroot shares). Fails on any failing, skipping or warning test,
# exactly like scripts/test.sh, which it runs inside the chroot.
#
#   scripts/trixie.sh            create the chroot when absent, copy the tree in, build, run the suite
#   scripts/trixie.sh --create   only create (or refresh) the chroot
#   scripts/trixie.sh tests/X.phpt ...   run only these tests (run-tests.php arguments pass through)
#
# The chroot: `debootstrap --variant=minbase trixie` plus the build and test packages below, in
# $EBLA_CHAT_TRIXIE_DIR (default /var/cache/ebla_chat/trixie), made once and reused; apt refreshes
# it when it is older than $EBLA_CHAT_TRIXIE_MAX_AGE days (default 7). The Debian mirror is the
# host's own (from /etc/apt/sources.list*), or $EBLA_CHAT_DEBIAN_MIRROR. The source tree is copied
# in (git-tracked and not-ignored files, as scripts/package.sh exports them), so the host's build
# products are never touched. /proc and /dev are bind-mounted for the run and unmounted whatever
# happens. Must run as root (debootstrap, mount, chroot). Timings are printed at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CHROOT="${EBLA_CHAT_TRIXIE_DIR:-/var/cache/ebla_chat/trixie}"
MAX_AGE_DAYS="${EBLA_CHAT_TRIXIE_MAX_AGE:-7}"
SUITE=trixie
# What the build and the suite need inside: the compiler, PHP 8.4 with its pdo drivers and
# phpize, hiredis and libuuid headers, and redis-server for the tests that start a throwaway one.
PACKAGES=(
  make gcc libc6-dev pkg-config
  php8.4-cli php8.4-dev php8.4-sqlite3 php8.4-mysql php8.4-pgsql php-redis
  libhiredis-dev uuid-dev
  redis-server
)
BUILD_DIR=/build/ebla_chat   # inside the chroot

log() { echo "trixie: $*" >&2; }
die() { echo "trixie: ERROR: $*" >&2; exit 1; }

create_only=0
args=()
for a in "$@"; do
  case "$a" in
    --create) create_only=1 ;;
    *) args+=("$a") ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, mount and chroot need it)"
command -v debootstrap >/dev/null || die "debootstrap not found: run scripts/deps.sh"
command -v git >/dev/null || die "git not found"

# The host's Debian mirror: the first URI of a .sources file or a "deb" line that ends in /debian.
mirror() {
  if [ -n "${EBLA_CHAT_DEBIAN_MIRROR:-}" ]; then echo "$EBLA_CHAT_DEBIAN_MIRROR"; return; fi
  local m
  m=$( { sed -n 's/^[[:space:]]*URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
         sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' \
           /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; } \
       | grep -E '^[a-z]+://.*/debian/?$' | head -n 1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# ---------------------------------------------------------------- mounts
mounted=()
mount_all() {  # mount_all DIR: /proc and /dev inside DIR
  local dir=$1
  mkdir -p "$dir/proc" "$dir/dev"
  # A mount left by a killed run is taken over (the lock says nobody else uses it) and unmounted.
  mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
  mounted+=("$dir/proc")
  mountpoint -q "$dir/dev" || mount --bind /dev "$dir/dev"
  mounted+=("$dir/dev")
}
umount_all() {
  local i m
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    m=${mounted[$i]}
    if mountpoint -q "$m"; then umount "$m" 2>/dev/null || umount -l "$m" || log "WARNING: could not unmount $m"; fi
  done
  mounted=()
}
# remove_tree DIR: never into a mount (a leftover bind mount of /dev would take the host's devices).
remove_tree() {
  local m
  for m in proc dev; do
    if mountpoint -q "$1/$m"; then umount "$1/$m" 2>/dev/null || umount -l "$1/$m"; fi
  done
  rm -rf --one-file-system "$1"
}
trap umount_all EXIT
trap 'exit 130' INT TERM HUP   # so that the EXIT trap unmounts

in_chroot() {  # in_chroot DIR COMMAND...: a clean environment, no host variables leak in
  local dir=$1
  shift
  chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" 9>&-
}

apt_install() {  # apt_install DIR: the packages above, without starting any daemon
  local dir=$1
  # No service may start inside the chroot: its redis-server would listen on the host's network.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
  in_chroot "$dir" apt-get update -q
  in_chroot "$dir" apt-get -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold dist-upgrade
  in_chroot "$dir" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
  in_chroot "$dir" apt-get clean
}

# ---------------------------------------------------------------- the chroot
# One run at a time per chroot: a second run would share (and unmount) the first one's mounts.
mkdir -p "$(dirname "$CHROOT")"
exec 9>"$CHROOT.lock"
flock -w 3600 9 || die "another scripts/trixie.sh holds $CHROOT.lock"

stamp="$CHROOT/.ebla_chat-packages"
t0=$(date +%s)
created=none
if [ ! -f "$stamp" ]; then
  tmp="$CHROOT.new"
  remove_tree "$tmp"   # leftovers of an interrupted creation
  m=$(mirror)
  log "creating the $SUITE chroot in $CHROOT from $m (debootstrap --variant=minbase)"
  debootstrap --variant=minbase "$SUITE" "$tmp" "$m" >"$CHROOT.debootstrap.log" 2>&1 \
    || { tail -n 30 "$CHROOT.debootstrap.log" >&2; [ -f "$tmp/debootstrap/debootstrap.log" ] && tail -n 30 "$tmp/debootstrap/debootstrap.log" >&2; die "debootstrap failed"; }
  mount_all "$tmp"
  apt_install "$tmp" >"$CHROOT.apt.log" 2>&1 || { tail -n 40 "$CHROOT.apt.log" >&2; die "apt-get in the chroot failed (log: $CHROOT.apt.log)"; }
  umount_all
  printf '%s\n' "${PACKAGES[@]}" >"$tmp/.ebla_chat-packages"
  remove_tree "$CHROOT"
  mv "$tmp" "$CHROOT"
  created=new
elif ! printf '%s\n' "${PACKAGES[@]}" | cmp -s - "$stamp" \
     || [ -n "$(find "$stamp" -mtime +"$MAX_AGE_DAYS" -print 2>/dev/null)" ]; then
  log "refreshing the $SUITE chroot in $CHROOT (package list changed or older than $MAX_AGE_DAYS days)"
  mount_all "$CHROOT"
  apt_install "$CHROOT" >"$CHROOT.apt.log" 2>&1 || { tail -n 40 "$CHROOT.apt.log" >&2; die "apt-get in the chroot failed (log: $CHROOT.apt.log)"; }
  umount_all
  printf '%s\n' "${PACKAGES[@]}" >"$stamp"
  created=refreshed
fi
t1=$(date +%s)
php_version=$(in_chroot "$CHROOT" php -r 'echo PHP_VERSION;')
hiredis_version=$(in_chroot "$CHROOT" pkg-config --modversion hiredis)
gcc_version=$(in_chroot "$CHROOT" gcc -dumpfullversion)
log "chroot: Debian $(cat "$CHROOT/etc/debian_version"), PHP $php_version, hiredis $hiredis_version, gcc $gcc_version ($created, $((t1 - t0)) s)"
if [ "$create_only" -eq 1 ]; then exit 0; fi

# ---------------------------------------------------------------- services
started_services=0
if ! bash scripts/services.sh status >/dev/null 2>&1; then
  bash scripts/services.sh start 9>&-   # the daemons must not inherit (and hold) our lock
  started_services=1
fi
cleanup() {
  umount_all
  if [ "$started_services" -eq 1 ]; then bash scripts/services.sh stop || true; fi
}
trap cleanup EXIT
eval "$(bash scripts/services.sh env)"
# The throwaway redis-server of the outage tests must be the chroot's own binary.
EBLA_CHAT_TEST_REDIS_SERVER=/usr/bin/redis-server
[ -x "$CHROOT$EBLA_CHAT_TEST_REDIS_SERVER" ] || die "no $EBLA_CHAT_TEST_REDIS_SERVER in the chroot"
test_env=()
for v in $(compgen -v EBLA_CHAT_TEST_); do test_env+=("$v=${!v}"); done

# ---------------------------------------------------------------- copy, build, run
rm -rf --one-file-system "${CHROOT:?}$BUILD_DIR"
mkdir -p "$CHROOT$BUILD_DIR"
git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$CHROOT$BUILD_DIR" -xf -
[ -f "$CHROOT$BUILD_DIR/config.m4" ] || die "copying the source tree into the chroot failed"

mount_all "$CHROOT"
log "building (-Werror) and running the suite with PHP $php_version, hiredis $hiredis_version"
rc=0
in_chroot "$CHROOT" "${test_env[@]}" EBLA_CHAT_SKIP_DEPS=1 EBLA_CHAT_SKIP_SERVICES=1 \
  bash "$BUILD_DIR/scripts/test.sh" "${args[@]}" || rc=$?
t2=$(date +%s)
log "timings: chroot $((t1 - t0)) s ($created), build + suite $((t2 - t1)) s"
exit "$rc"
