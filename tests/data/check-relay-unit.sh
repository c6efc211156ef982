#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The relay's systemd unit: valid for systemd (its Documentation= page too), and hardened
# (exposure at most 2.0 of 10).
# Usage: check-relay-unit.sh UNIT WBPS_RELAY_EXE [MANPAGE]   (no page: built with -Dman=false)
set -eu
unit=$1 exe=$2 page=${3:-}
if ! command -v systemd-analyze >/dev/null; then
  [ "${CI:-}" = true ] && { echo "systemd-analyze missing (build-aux/dev installs systemd)" >&2; exit 1; }
  echo "1..0 # SKIP systemd-analyze is not installed"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The installed path does not exist yet: point ExecStart at the built binary.
sed "s|^ExecStart=[^ ]*|ExecStart=$exe|" "$unit" > "$tmp/wbps-relay.service"
# systemd-analyze runs man for Documentation=man:wbps-relay(8): the built page, uninstalled.
man=--man=no
if [ -n "$page" ] && command -v man >/dev/null; then
  mkdir -p "$tmp/man/man8" && cp "$page" "$tmp/man/man8/"
  export MANPATH=$tmp/man
  man=--man=yes
fi
echo "1..2"
if systemd-analyze verify "$man" "$tmp/wbps-relay.service"; then echo "ok 1 verify"; else echo "not ok 1 verify"; fi
if systemd-analyze security --offline=true --threshold=20 "$tmp/wbps-relay.service" >"$tmp/security.txt" 2>&1
then echo "ok 2 exposure $(grep -o 'exposure level[^:]*: [0-9.]*' "$tmp/security.txt")"
else cat "$tmp/security.txt" >&2; echo "not ok 2 exposure above 2.0"; fi
