#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# wbps-relay, the program the wbps-relay package runs as its service: the same relay
# as `wbps relay`, here run as systemd runs it (STATE_DIRECTORY, the secret in the
# environment), answering an unsigned webhook 401 and stopping on SIGTERM with 0.
# Usage: test-relay-program.sh WBPS_RELAY
set -uo pipefail
relay=$1
command -v curl >/dev/null || { echo "Bail out! curl is missing (build-aux/dev installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
result() { # OK NAME [DETAIL]
  n=$((n + 1))
  if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=1; echo "not ok $n - $2"; [ -n "${3:-}" ] && echo "# $3"; fi
}

"$relay" --help >"$tmp/help" 2>&1
result $? "wbps-relay --help exits 0"
grep -q '^  wbps-relay \[OPTION' "$tmp/help"
result $? "its usage line names wbps-relay"
"$relay" --no-such-option >/dev/null 2>"$tmp/err"
status=$?
[ $status = 2 ] && grep -q 'no-such-option' "$tmp/err"
result $? "an unknown option exits 2 and is named" "status $status: $(cat "$tmp/err")"
env -u WBPS_CLIENT_SECRET STATE_DIRECTORY="$tmp/state" "$relay" --listen 127.0.0.1:0 >/dev/null 2>"$tmp/err"
status=$?
[ $status = 2 ] && grep -q 'WBPS_CLIENT_SECRET' "$tmp/err"
result $? "without a client secret it exits 2 and says where the secret goes" "status $status: $(cat "$tmp/err")"

mkdir -m 700 "$tmp/state"
coproc RELAY { exec env WBPS_CLIENT_SECRET=program-test-secret STATE_DIRECTORY="$tmp/state" \
  "$relay" --listen 127.0.0.1:0 2>"$tmp/relay.log"; }
pid=$RELAY_PID
line=
read -r -t 60 line <&"${RELAY[0]}"
url=${line#listening on }
[[ $line == "listening on http://127.0.0.1:"* ]]
result $? "it prints its address once it listens" "stdout: $line"
[ -s "$tmp/state/relay.db" ]
result $? "its database is \$STATE_DIRECTORY/relay.db"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data '{}' "$url/webhook")
[ "$code" = 401 ]
result $? "an unsigned webhook is answered 401" "got $code"
kill -TERM "$pid"
wait "$pid"
status=$?
[ $status = 0 ]
result $? "SIGTERM stops it with status 0" "status $status: $(cat "$tmp/relay.log")"
! grep -q program-test-secret "$tmp/relay.log" "$tmp/state/relay.db"
result $? "the secret is in neither its log nor its database"
echo "1..$n"
exit $failed
