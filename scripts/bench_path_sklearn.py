#!/usr/bin/env python3
"""Time Ridgeline's elastic-net path against scikit-learn's ElasticNetCV, same run, interleaved.

Usage: python3 scripts/bench_path_sklearn.py [--rounds 5] [--repeats 20]

Work on both sides: 100 alphas (eps 1e-3) x 5-fold CV, l1_ratio 0.5, tol 1e-4, max_iter 1000,
on diabetes as linfa-datasets ships it (441 x 10; scikit-learn's load_diabetes has 442 rows, so
its own copy is NOT used). The Rust benchmark binary (`benches/path.rs`) writes the data,
z-scored once, to target/bench-data/diabetes_std.csv with round-trip float formatting; both
sides read exactly those numbers and neither scales again (`standardize: false` on ours).

Our time: one `regularization_path` call (grid, the 100-alpha main path and the 5 fold paths;
folds on rayon's pool: 2 threads here), and again on one thread only (the benchmark's
RIDGELINE_PATH_SEQUENTIAL mode: a one-thread rayon pool whose worker runs the path). Theirs: one
`ElasticNetCV(...).fit(X, y)` (grid, 5 fold paths, the final refit at the best alpha),
single-threaded: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, for this process only (the Rust child gets the original environment).
Each round times `repeats` fits on each side; the report is the ratio of the medians over all
rounds (and of the minima).
"""

import argparse
import inspect
import os
import statistics
import subprocess
import time

from bench_common import ROOT, RUST_ENV, bench_executable  # sets the one-thread env

CSV = os.path.join(ROOT, "target", "bench-data", "diabetes_std.csv")


def rust_times(exe: str, repeats: int, sequential: bool) -> list[float]:
    env = dict(RUST_ENV, RIDGELINE_PATH_REPEATS=str(repeats))
    if sequential:
        env["RIDGELINE_PATH_SEQUENTIAL"] = "1"
    out = subprocess.run([exe], env=env, check=True, capture_output=True, text=True).stdout
    return [float(v) for v in out.split()]


def make_model():
    from sklearn.linear_model import ElasticNetCV

    params = inspect.signature(ElasticNetCV).parameters
    kwargs = dict(l1_ratio=0.5, eps=1e-3, cv=5, tol=1e-4, max_iter=1000)
    # scikit-learn < 1.7: n_alphas=100; >= 1.7: alphas=100 (n_alphas deprecated, then removed).
    if "n_alphas" in params and params["n_alphas"].default != "deprecated":
        kwargs["n_alphas"] = 100
    else:
        kwargs["alphas"] = 100
    return lambda: ElasticNetCV(**kwargs)


def sklearn_times(X, y, make, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        model = make()
        t = time.perf_counter()
        model.fit(X, y)
        times.append((time.perf_counter() - t) * 1e3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    exe = bench_executable("path")
    subprocess.run([exe], env=dict(RUST_ENV, RIDGELINE_PATH_CSV=CSV), check=True)

    import numpy as np
    import sklearn

    data = np.loadtxt(CSV, delimiter=",", skiprows=1)
    X, y = np.asfortranarray(data[:, :-1]), data[:, -1]
    make = make_model()
    model = make().fit(X, y)  # warm-up, and a look at what it chose
    print(
        f"scikit-learn {sklearn.__version__}, data {X.shape[0]} x {X.shape[1]} from {CSV}; "
        f"sklearn alpha_ = {model.alpha_:.6g}, {len(model.alphas_)} alphas"
    )

    ours, ours_1t, theirs = [], [], []
    for r in range(args.rounds):
        theirs += sklearn_times(X, y, make, args.repeats)
        ours += rust_times(exe, args.repeats, False)
        ours_1t += rust_times(exe, args.repeats, True)
        print(
            f"round {r + 1}: sklearn {statistics.median(theirs[-args.repeats:]):.2f} ms, "
            f"ridgeline {statistics.median(ours[-args.repeats:]):.2f} ms, "
            f"ridgeline 1 thread {statistics.median(ours_1t[-args.repeats:]):.2f} ms (medians)"
        )

    def line(name, times):
        med, best = statistics.median(times), min(times)
        return (
            f"{name:22s} median {med:8.3f} ms  min {best:8.3f} ms  "
            f"ratio to sklearn: median {med / statistics.median(theirs):.3f}, "
            f"min {best / min(theirs):.3f}"
        )

    n = args.rounds * args.repeats
    print(f"\n{n} fits per side, {args.rounds} interleaved rounds")
    print(line("scikit-learn", theirs))
    print(line("ridgeline (2 threads)", ours))
    print(line("ridgeline (1 thread)", ours_1t))


if __name__ == "__main__":
    main()
