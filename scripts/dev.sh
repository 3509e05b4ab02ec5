#!/usr/bin/env bash
# Set up everything, then run the app with live reload at http://127.0.0.1:8080/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
log "trunk serve on http://127.0.0.1:8080/ (Ctrl-C to stop)"
exec trunk serve "$@"
