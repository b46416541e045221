#!/usr/bin/env bash
# Build and open the workbench (on the two-moons dataset by default). Arguments go to ridgeline,
# e.g. scripts/run.sh --data my.csv --target label
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo run --release --locked -- "$@"
