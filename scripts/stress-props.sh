#!/usr/bin/env bash
# Runs the property and fuzz tests under many random seeds (the suite itself uses one fixed
# seed). Usage: scripts/stress-props.sh [ROUNDS]. Prints each failing seed.
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
cargo test --locked --no-run -q 2>/dev/null
failed=0
for _ in $(seq "$rounds"); do
  seed=$RANDOM$RANDOM
  if ! PROPTEST_RNG_SEED=$seed cargo test --locked -q -- csv_props:: magnitudes:: intent:: read_limits:: cli_fuzz:: props >/tmp/stress-props.log 2>&1; then
    echo "seed $seed failed:"; grep -E "panicked|minimal failing|Test failed" /tmp/stress-props.log | head -5
    failed=1
  fi
done
exit "$failed"
