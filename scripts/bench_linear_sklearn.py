#!/usr/bin/env python3
"""Time Ridgeline's logistic regression and elastic net against scikit-learn, same run, interleaved.

Usage: python3 scripts/bench_linear_sklearn.py [--rounds 3] [--repeats 5] [--cases logistic,...]

Cases (issue #7), data written by `benches/linear.rs` to target/bench-data/linear/*.f64 (exact
numbers, target in the last column):
- logistic: multinomial logistic, 10,000 x 20, 5 classes, C = 1 (ours: alpha = 1), tol 1e-4,
  max_iter 100 (theirs: LogisticRegression lbfgs, multinomial as scikit-learn 1.9 does; ours
  uses the same objective scale and stopping rules, so both do the same iterations);
- enet: elastic net, 100,000 x 50, alpha 1, l1_ratio 0.5, tol 1e-4;
- logistic_cv, enet_cv: 5-fold cross-validation of those (ours: `cross_validate`, folds in
  parallel on rayon's pool, 2 threads here; theirs: `cross_val_score(cv=5)` with StratifiedKFold /
  KFold(shuffle, seed 0), one thread).
scikit-learn runs single-threaded: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 (OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset) for this process only. Each round times `repeats` runs on each side; the
report is the ratio of the medians over all rounds (and of the minima).
"""

import argparse
import os
import statistics
import subprocess
import time

from bench_common import ROOT, RUST_ENV, bench_executable  # sets the one-thread env

DATA = os.path.join(ROOT, "target", "bench-data", "linear")
CASES = ["logistic", "enet", "logistic_cv", "enet_cv"]


def rust_times(exe: str, case: str, repeats: int) -> list[float]:
    env = dict(RUST_ENV, RIDGELINE_LINEAR_CASE=case, RIDGELINE_LINEAR_REPEATS=str(repeats))
    out = subprocess.run([exe], env=env, check=True, capture_output=True, text=True).stdout
    return [float(v) for v in out.split()]


def load(name: str, p: int):
    import numpy as np

    a = np.fromfile(os.path.join(DATA, f"{name}.f64"), dtype="<f8").reshape(-1, p + 1)
    return np.ascontiguousarray(a[:, :-1]), a[:, -1]


def sklearn_runner(case: str):
    from sklearn.linear_model import ElasticNet, LogisticRegression
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    if case.startswith("logistic"):
        X, y = load("logistic", 20)
        y = y.astype(int)
        make = lambda: LogisticRegression(C=1.0, tol=1e-4, max_iter=100)
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
    else:
        X, y = load("enet", 50)
        make = lambda: ElasticNet(alpha=1.0, l1_ratio=0.5, tol=1e-4)
        cv = KFold(5, shuffle=True, random_state=0)
    if case.endswith("_cv"):
        return lambda: cross_val_score(make(), X, y, cv=cv, n_jobs=1), None
    info = make().fit(X, y)
    return (lambda: make().fit(X, y)), f"n_iter_ {info.n_iter_}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args()

    exe = bench_executable("linear")
    subprocess.run([exe], env=dict(RUST_ENV, RIDGELINE_LINEAR_DATA=DATA), check=True)

    import sklearn

    print(f"scikit-learn {sklearn.__version__}, one thread; ridgeline 2 threads for the CV folds")
    print(f"{'case':>12} {'ms ours':>9} {'ms skl':>9} {'ratio':>6} {'(min)':>6}  sklearn")
    for case in args.cases.split(","):
        run, info = sklearn_runner(case)
        run()  # warm-up
        ours, theirs = [], []
        for _ in range(args.rounds):
            for _ in range(args.repeats):
                t = time.perf_counter()
                run()
                theirs.append((time.perf_counter() - t) * 1e3)
            ours += rust_times(exe, case, args.repeats)
        med_o, med_t = statistics.median(ours), statistics.median(theirs)
        print(
            f"{case:>12} {med_o:9.2f} {med_t:9.2f} {med_o / med_t:6.2f} "
            f"{min(ours) / min(theirs):6.2f}  {info or ''}",
            flush=True,
        )
    print(f"\n{args.rounds} interleaved rounds x {args.repeats} runs per side and case; "
          "ratio = ridgeline / scikit-learn (median; min)")


if __name__ == "__main__":
    main()
