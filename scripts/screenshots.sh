#!/usr/bin/env bash
# Refresh screenshots/: the app photographs its own window under Xvfb (--screenshot), once the
# data and the model are ready. Views that need a click first (A vs B needs a pinned A) are
# rendered by the UI test that clicks through them, with UPDATE_SCREENSHOTS=1.
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
  xvfb-run -a -s "-screen 0 ${SIZE:-1280x800}x24" target/release/ridgeline --fresh "$@" \
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
shot path-elasticnet-winequality --dataset winequality --task regression --model elasticnet \
  --view path
shot path-logistic-iris --dataset iris --model logistic --view path --all-features
shot path-svm-moons --dataset moons --model svm --view path
shot validation-svm-moons --dataset moons --model svm --view curves --curve validation
shot learning-logistic-winequality --dataset winequality --model logistic --all-features \
  --view curves --curve learning
shot bias-variance-ridge-diabetes --dataset diabetes --model ridge --view curves \
  --curve bias-variance
shot shrinkage-ridge-winequality --dataset winequality --task regression --model ridge \
  --view curves --curve shrinkage
SIZE=900x600 shot train-curve --dataset curve --view train --play
UPDATE_SCREENSHOTS=1 cargo test --locked --test it -- pinning_a_and_changing_the_model \
  without_a_native_dialog a_network_on_spiral clicks_add_drags_move the_sun_button
