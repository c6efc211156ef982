#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Prints TEMPLATE with its @RELAY@ line replaced by the "## wbps relay" section of
# WBPS_SCD, up to its "; wbps-relay(8) shares" comment: both pages describe the
# relay and its options from one text.
# Usage: relay-page.sh TEMPLATE WBPS_SCD
set -eu
awk -v page="$2" '
  BEGIN {
    while ((getline line < page) > 0) {
      if (line ~ /^## wbps relay/) { inside = 1; continue }
      if (inside && line ~ /^(#|; wbps-relay\(8\) shares)/) break
      if (inside) body = body line "\n"
    }
    if (body == "") { print "relay-page.sh: no \"## wbps relay\" section in " page > "/dev/stderr"; exit 1 }
    sub(/^\n+/, "", body); sub(/\n+$/, "", body)
  }
  $0 == "@RELAY@" { print body; next }
  { print }
' "$1"
