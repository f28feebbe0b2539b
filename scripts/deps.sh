#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Installs the Debian 12 packages needed to build, test, package and benchmark ebla_chat
# (the Debian 13 packages of the second CI run are installed by scripts/trixie.sh in its chroot).
# Idempotent: apt is not touched at all when every package is already installed,
# so developers and warm CI machines pay nothing.
set -euo pipefail

# One list: extend it here.
PACKAGES=(
  make gcc pkg-config git
  php8.2-cli php8.2-dev php-pear php-parser
  php8.2-sqlite3 php8.2-mysql php8.2-pgsql php8.2-redis
  libhiredis-dev uuid-dev
  redis-server redis-tools
  mariadb-server mariadb-client
  postgresql postgresql-client
  valgrind
  composer php-json-schema  # composer.json (PIE): `composer validate`, php-ext schema check
  debootstrap               # the Debian 13 chroot of scripts/trixie.sh
  php8.2-gd                 # bench/report.php draws bench/results.png
  nodejs                    # scripts/check-espocrm-client.sh (node --check of the EspoCRM client code)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  # "install ok installed" is the only state in which the package's files are really there.
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

# Package scripts must not start the distro's MariaDB/PostgreSQL/Redis: scripts/services.sh runs
# private instances on other ports. A policy-rc.d that says 101 ("action forbidden") keeps
# invoke-rc.d quiet; we only add one when none exists and remove it afterwards.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  added_policy=1
fi
cleanup() { if [ "$added_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps: done"
