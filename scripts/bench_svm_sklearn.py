#!/usr/bin/env python3
"""Time Ridgeline's SVM against scikit-learn's SVC on the same files, same run, interleaved.

Usage: python3 scripts/bench_svm_sklearn.py [--rounds 3] [--cases moons_1k,wine_c10,...]

Work on both sides: RBF C-SVC, gamma="scale", tol 1e-3, kernel cache 256 MB, shrinking on
(both defaults), on the cases of `benches/svm.rs`: two moons (noise 0.2, seed 0) with 1k / 5k /
10k / 20k / 60k rows at C = 1, and wine quality as linfa-datasets ships it (1,599 rows, its
first two features, 6 classes: one-vs-one on both sides) at C = 10 and C = 200. The Rust
benchmark binary writes every case, z-scored once, to target/bench-data/svm/CASE.csv with
round-trip float formatting; both sides read exactly those numbers (ours: `fit_svm_smo` on the
file's rows, no scaling; theirs: `SVC(...).fit(X, y)`).

scikit-learn runs single-threaded (OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1, set for this
process only; libsvm is single-threaded anyway); Ridgeline as the app runs it (its one-vs-one
sub-problems on rayon's pool, and long kernel columns computed in parallel chunks: 2 threads
here). Each round times `repeats` fits on each side (fewer for the large cases); the report is
the ratio of the medians over all rounds (and of the minima).
"""

import argparse
import os
import statistics
import subprocess
import time

from bench_common import ROOT, RUST_ENV, bench_executable  # sets the one-thread env

DIR = os.path.join(ROOT, "target", "bench-data", "svm")

# (case, C, fits per round on each side)
CASES = [
    ("moons_1k", 1.0, 20),
    ("moons_5k", 1.0, 5),
    ("moons_10k", 1.0, 3),
    ("moons_20k", 1.0, 2),
    ("moons_60k", 1.0, 1),
    ("wine_c10", 10.0, 3),
    ("wine_c200", 200.0, 1),
]


def rust_times(exe: str, case: str, repeats: int) -> tuple[list[float], str]:
    env = dict(
        RUST_ENV,
        RIDGELINE_SVM_CSV_DIR=DIR,
        RIDGELINE_SVM_CASE=case,
        RIDGELINE_SVM_REPEATS=str(repeats),
    )
    out = subprocess.run([exe], env=env, check=True, capture_output=True, text=True).stdout
    times, info = [], ""
    for line in out.splitlines():
        if line.startswith("#"):
            info = line[1:].strip()
        else:
            times.append(float(line))
    return times, info


def sklearn_times(X, y, c: float, repeats: int) -> tuple[list[float], object]:
    from sklearn.svm import SVC

    times, model = [], None
    for _ in range(repeats):
        model = SVC(C=c, kernel="rbf", gamma="scale", tol=1e-3, cache_size=256)
        t = time.perf_counter()
        model.fit(X, y)
        times.append((time.perf_counter() - t) * 1e3)
    return times, model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cases", default=",".join(c[0] for c in CASES))
    args = parser.parse_args()
    wanted = args.cases.split(",")

    exe = bench_executable("svm")
    subprocess.run([exe], env=dict(RUST_ENV, RIDGELINE_SVM_CSV_DIR=DIR), check=True)

    import numpy as np
    import sklearn

    print(f"scikit-learn {sklearn.__version__}, data in {DIR}, {args.rounds} interleaved rounds")
    rows = []
    for name, c, repeats in CASES:
        if name not in wanted:
            continue
        data = np.loadtxt(os.path.join(DIR, name + ".csv"), delimiter=",", skiprows=1)
        X, y = np.ascontiguousarray(data[:, :2]), data[:, 2].astype(int)
        ours, theirs, info, model = [], [], "", None
        for _ in range(args.rounds):
            t, model = sklearn_times(X, y, c, repeats)
            theirs += t
            t, info = rust_times(exe, name, repeats)
            ours += t
        ratio = statistics.median(ours) / statistics.median(theirs)
        ratio_min = min(ours) / min(theirs)
        n_sv, n_iter = info.split() if info else ("?", "?")
        rows.append((name, len(y), statistics.median(theirs), statistics.median(ours), ratio,
                     ratio_min, int(model.n_support_.sum()), n_sv, n_iter))
        print(
            f"{name:10s} n={len(y):6d}  sklearn {statistics.median(theirs):10.1f} ms  "
            f"ridgeline {statistics.median(ours):10.1f} ms  ratio {ratio:.2f} "
            f"(min {ratio_min:.2f})  support vectors {model.n_support_.sum()} / {n_sv}, "
            f"our iterations {n_iter}",
            flush=True,
        )
    print("\n| case | rows | scikit-learn (median) | Ridgeline (median) | ratio (median; min) |")
    print("|---|---|---|---|---|")
    for name, n, t, o, r, rm, *_ in rows:
        print(f"| {name} | {n} | {t:.1f} ms | {o:.1f} ms | {r:.2f} ({rm:.2f}) |")


if __name__ == "__main__":
    main()
