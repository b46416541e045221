#!/usr/bin/env bash
# Refresh screenshots/: the app photographs its own window under Xvfb (--screenshot), once the
# data and the model are ready.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo build --release --locked
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "${XDG_RUNTIME_DIR}" ]; then
  XDG_RUNTIME_DIR=$(mktemp -d)
  export XDG_RUNTIME_DIR
fi
mkdir -p screenshots
shot() { # NAME ARGS...
  local name=$1; shift
  xvfb-run -a -s "-screen 0 1280x800x24" target/release/ridgeline --fresh "$@" \
    --screenshot "screenshots/$name.png"
}
shot svm-moons --dataset moons --model svm
shot logistic-iris --dataset iris --model logistic
shot lasso-diabetes --dataset diabetes --model lasso
shot pca-iris --dataset iris --model pca --all-features
shot scatter-winequality --dataset winequality --view scatter
shot table-winequality --dataset winequality --view table
shot loss-logistic-iris --dataset iris --model logistic --view loss
shot loss-svm-moons --dataset moons --model svm --view loss
shot path-lasso-diabetes --dataset diabetes --model lasso --view path
shot path-elasticnet-winequality --dataset winequality --model elasticnet --view path \
  --task regression
shot path-logistic-iris --dataset iris --model logistic --view path --all-features
