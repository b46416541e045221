#!/usr/bin/env python3
"""Time Ridgeline's PCA against scikit-learn's PCA, same run, same data, interleaved.

Usage: python3 scripts/bench_pca_sklearn.py [--rounds 3] [--repeats 5] [--shapes 710x200,...]

Shapes (issue #7): 710 x 200 / 500 / 1000 / 2000 / 5000, 2000 x 2000, 100000 x 50; 2
components (the window's default). The Rust benchmark binary (`benches/pca.rs`) writes every
matrix to target/bench-data/pca/NAME.f64 (row-major little-endian f64, the exact numbers); this
script reads those with numpy and the binary regenerates the same numbers from the same seed.

Ours: one `fit_pca` (the method `choose_solver` picks by shape, printed; faer on rayon's pool,
2 threads here). Theirs: `PCA(n_components=2).fit(X)` with `svd_solver="auto"`, single-threaded:
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset) for this
process only (the Rust child gets the original environment). Each round times `repeats` fits on
each side; the report is the ratio of the medians over all rounds (and of the minima).
"""

import argparse
import os
import statistics
import subprocess
import time

from bench_common import ROOT, RUST_ENV, bench_executable  # sets the one-thread env

DATA = os.path.join(ROOT, "target", "bench-data", "pca")
SHAPES = ["710x200", "710x500", "710x1000", "710x2000", "2000x2000", "710x5000", "100000x50"]


def rust_times(exe: str, shape: str, repeats: int) -> tuple[str, list[float]]:
    env = dict(RUST_ENV, RIDGELINE_PCA_SHAPE=shape, RIDGELINE_PCA_REPEATS=str(repeats))
    out = subprocess.run([exe], env=env, check=True, capture_output=True, text=True).stdout
    lines = out.split()
    return lines[0], [float(v) for v in lines[1:]]


def sklearn_times(X, repeats: int) -> list[float]:
    from sklearn.decomposition import PCA

    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        PCA(n_components=2).fit(X)
        times.append((time.perf_counter() - t) * 1e3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()

    exe = bench_executable("pca")
    subprocess.run([exe], env=dict(RUST_ENV, RIDGELINE_PCA_DATA=DATA), check=True)

    import numpy as np
    import sklearn
    from sklearn.decomposition import PCA

    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, one thread")
    print(f"{'shape':>10} {'ours':>16} {'sklearn':>16} {'ms ours':>9} {'ms skl':>9} "
          f"{'ratio':>6} {'(min)':>6}")
    for shape in args.shapes.split(","):
        n, p = (int(v) for v in shape.split("x"))
        X = np.fromfile(os.path.join(DATA, f"{shape}.f64"), dtype="<f8").reshape(n, p)
        theirs_solver = PCA(n_components=2).fit(X)._fit_svd_solver  # warm-up, and its method
        ours, theirs, solver = [], [], "?"
        for _ in range(args.rounds):
            theirs += sklearn_times(X, args.repeats)
            solver, t = rust_times(exe, shape, args.repeats)
            ours += t
        med_o, med_t = statistics.median(ours), statistics.median(theirs)
        print(
            f"{shape:>10} {solver:>16} {theirs_solver:>16} {med_o:9.2f} {med_t:9.2f} "
            f"{med_o / med_t:6.2f} {min(ours) / min(theirs):6.2f}",
            flush=True,
        )
    print(f"\n{args.rounds} interleaved rounds x {args.repeats} fits per side and shape; "
          "ratio = ridgeline / scikit-learn (median; min in parentheses column)")


if __name__ == "__main__":
    main()
