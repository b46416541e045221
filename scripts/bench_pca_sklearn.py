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
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "target", "bench-data", "pca")
SHAPES = ["710x200", "710x500", "710x1000", "710x2000", "2000x2000", "710x5000", "100000x50"]

RUST_ENV = dict(os.environ)
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)


def bench_executable() -> str:
    """Build `benches/pca.rs` (release) and return its executable."""
    out = subprocess.run(
        ["cargo", "bench", "--bench", "pca", "--no-run", "--message-format=json"],
        cwd=ROOT,
        env=RUST_ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if (
            msg.get("reason") == "compiler-artifact"
            and msg["target"]["name"] == "pca"
            and "bench" in msg["target"]["kind"]
            and msg.get("executable")
        ):
            return msg["executable"]
    sys.exit("could not find the pca benchmark executable in cargo's output")


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

    exe = bench_executable()
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
