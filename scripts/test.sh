#!/usr/bin/env bash
# The whole test suite: unit, integration, CLI and UI tests (the rendered ones run on Mesa's
# software drivers, no display or GPU needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "${XDG_RUNTIME_DIR}" ]; then
  XDG_RUNTIME_DIR=$(mktemp -d)
  export XDG_RUNTIME_DIR
fi
cargo test --locked "$@"
