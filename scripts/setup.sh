#!/usr/bin/env bash
# Install everything needed to build and test Ackademy. Idempotent: each step checks
# first and skips what is already present, so a second run takes seconds.
#
#   scripts/setup.sh              Rust target, trunk, wasm-bindgen-cli, npm packages
#   scripts/setup.sh --browser    the same, plus Chromium for the browser tests
#
# The slow step (building trunk, about 8 minutes) happens once per machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

want_browser=false
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=true ;;
    *) die "unknown option: $arg (usage: scripts/setup.sh [--browser])" ;;
  esac
done

apt_install() {
  log "apt-get install $*"
  # Wait for another apt/dpkg run to finish instead of failing on its lock.
  as_root apt-get -o DPkg::Lock::Timeout=900 update -q
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "$@"
}

# --- Rust --------------------------------------------------------------------------
if [ -f "${CARGO_HOME:-$HOME/.cargo}/env" ]; then
  # shellcheck disable=SC1091
  source "${CARGO_HOME:-$HOME/.cargo}/env"
fi
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs) first"

if [ -d "$(rustc --print sysroot)/lib/rustlib/$WASM_TARGET" ]; then
  log "Rust target $WASM_TARGET: present"
else
  command -v rustup >/dev/null || die "the $WASM_TARGET target is missing and rustup is not installed"
  log "Rust target $WASM_TARGET: installing"
  rustup target add "$WASM_TARGET"
fi

# --- trunk (exact version; 0.22 needs a newer rustc) ----------------------------------
if [ "$(trunk --version 2>/dev/null || true)" = "trunk $TRUNK_VERSION" ]; then
  log "trunk $TRUNK_VERSION: present"
else
  log "trunk $TRUNK_VERSION: installing (one-time, several minutes)"
  cargo install trunk --locked --version "$TRUNK_VERSION"
fi

# --- wasm-bindgen-cli (must equal the wasm-bindgen library in Cargo.lock) ------------
if [ ! -f Cargo.lock ]; then
  log "Cargo.lock missing: generating"
  cargo generate-lockfile
fi
wb_version="$(locked_wasm_bindgen_version)"
[ -n "$wb_version" ] || die "Cargo.lock does not resolve wasm-bindgen"
grep -q "^wasm-bindgen = \"=$wb_version\"" Cargo.toml \
  || die "Cargo.toml must pin wasm-bindgen = \"=$wb_version\" (the version in Cargo.lock)"
grep -q "^wasm_bindgen = \"$wb_version\"" Trunk.toml \
  || die "Trunk.toml [tools] wasm_bindgen must be \"$wb_version\" (the version in Cargo.lock)"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" = "wasm-bindgen $wb_version" ]; then
  log "wasm-bindgen-cli $wb_version: present"
else
  log "wasm-bindgen-cli $wb_version: installing (one-time, a few minutes)"
  # Not --locked: its own lock file may pin crates that no longer build on this rustc.
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# Download every crate now, for all targets: Trunk runs cargo with --offline.
log "cargo fetch"
cargo fetch --locked -q 2>/dev/null || cargo fetch -q

# --- node packages: binaryen (wasm-opt for Trunk), playwright-core (browser tests) -----
if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
npm_in_sync() {
  [ -f package-lock.json ] && [ -d node_modules ] || return 1
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    for (const [path, meta] of Object.entries(lock.packages || {})) {
      if (!path) continue;
      const pj = path + "/package.json";
      if (!fs.existsSync(pj) || JSON.parse(fs.readFileSync(pj, "utf8")).version !== meta.version) process.exit(1);
    }
  '
}
if npm_in_sync; then
  log "npm packages: present"
elif [ -f package-lock.json ]; then
  log "npm packages: npm ci"
  npm ci --no-audit --no-fund
else
  log "npm packages: npm install"
  npm install --no-audit --no-fund
fi
wasm_opt_version="$(wasm-opt --version 2>/dev/null || true)"
case "$wasm_opt_version" in
  *"(version_"*) ;;
  *) die "wasm-opt from npm binaryen is not working (got: ${wasm_opt_version:-nothing})" ;;
esac
[ "$(command -v wasm-opt)" = "$ROOT/node_modules/.bin/wasm-opt" ] \
  || die "wasm-opt on PATH is $(command -v wasm-opt), expected node_modules/.bin/wasm-opt"

# --- Chromium (only for the browser tests) ---------------------------------------------
if $want_browser; then
  if [ -x /usr/bin/chromium ] && command -v chromedriver >/dev/null; then
    log "chromium: present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  else
    apt_install chromium chromium-driver
  fi
fi

log "setup complete"
