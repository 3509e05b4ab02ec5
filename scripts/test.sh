#!/usr/bin/env bash
# Set up everything (Chromium included), then run every test:
#   1. cargo test --workspace                 (native unit and integration tests)
#   2. cargo build --release --bin ackademy    (the command line)
#   3. trunk build --release                   (the static site in dist/)
#   4. node tests/e2e/run.mjs                  (browser tests against dist/, headless Chromium;
#                                               screenshots in test-results/)
# Every step runs even if an earlier one failed (except the browser tests, which need
# step 3). Exits non-zero if anything failed; the last line is a one-line summary.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh" --browser

declare -a results=()
failed=0
started=$SECONDS

step() {
  local name="$1"; shift
  local t0=$SECONDS
  log "$name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - t0))s)")
    return 0
  else
    local rc=$?
    results+=("FAIL  $name (exit $rc, $((SECONDS - t0))s)")
    failed=$((failed + 1))
    return 1
  fi
}

skip() {
  results+=("SKIP  $1 ($2)")
  failed=$((failed + 1))
}

rm -rf test-results
mkdir -p test-results

step "cargo test --workspace" cargo test --workspace || true
step "cargo build --release --bin ackademy" cargo build --release --bin ackademy || true
if step "trunk build --release" trunk build --release; then
  step "browser tests (node tests/e2e/run.mjs)" node tests/e2e/run.mjs || true
else
  skip "browser tests (node tests/e2e/run.mjs)" "no release build"
fi

echo
log "results"
for line in "${results[@]}"; do echo "  $line"; done
if wasm="$(ls dist/*.wasm 2>/dev/null | head -n1)" && [ -n "$wasm" ]; then
  echo "  wasm: $wasm $(wc -c <"$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) gzipped"
fi
echo
total=${#results[@]}
if [ "$failed" -eq 0 ]; then
  echo "SUMMARY: all $total steps passed in $((SECONDS - started))s"
else
  echo "SUMMARY: FAILED -- $failed of $total steps failed or were skipped ($((SECONDS - started))s)"
  exit 1
fi
