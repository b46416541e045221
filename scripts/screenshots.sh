#!/usr/bin/env bash
# Refresh screenshots/: the app photographs its own window under Xvfb (--screenshot).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo build --release --locked
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
shot() { # NAME ARGS...
  local name=$1; shift
  xvfb-run -a -s "-screen 0 1280x800x24" target/release/ridgeline --fresh "$@" --screenshot "screenshots/$name.png"
}
shot scatter-moons --dataset moons
shot scatter-iris --dataset iris
shot table-winequality --dataset winequality --view table
