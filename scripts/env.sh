# Shared environment for scripts/*.sh. Source it, don't run it.
# Sets ROOT (the repository root) and puts the project's tools on PATH.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# Cargo-installed tools (trunk, wasm-bindgen) and the npm ones (wasm-opt from binaryen).
# node_modules/.bin comes first so Trunk finds binaryen's wasm-opt, never a system one.
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Trunk must not reach the network (Trunk.toml also sets offline = true).
export TRUNK_SKIP_VERSION_CHECK=true

TRUNK_VERSION="0.21.14"
WASM_TARGET="wasm32-unknown-unknown"

if [ -t 1 ]; then
  log() { printf '\033[1m==>\033[0m %s\n' "$*"; }
else
  log() { printf '==> %s\n' "$*"; }
fi
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run as root directly, otherwise through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The wasm-bindgen version Cargo.lock resolves (empty if none).
locked_wasm_bindgen_version() {
  awk '
    $0 == "[[package]]" { name = "" }
    $1 == "name" && $3 == "\"wasm-bindgen\"" { name = "wasm-bindgen" }
    $1 == "version" && name == "wasm-bindgen" { gsub(/"/, "", $3); print $3; exit }
  ' "$ROOT/Cargo.lock"
}
