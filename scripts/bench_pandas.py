#!/usr/bin/env python3
"""Time pandas.read_csv on a file: best of 5 runs, in seconds.

Usage: python3 scripts/bench_pandas.py PATH [--repeat N]

Used to compare Ridgeline's CSV loader (`cargo bench --bench load`) with pandas on the same
file, e.g. target/bench-data/normal_1000000x10.csv (written by the benchmark).
"""

import argparse
import time

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    best = float("inf")
    shape = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        df = pd.read_csv(args.path)
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        shape = df.shape
        del df
    print(f"pandas {pd.__version__} read_csv {args.path}: {shape[0]} rows x {shape[1]} columns")
    print(f"best of {args.repeat}: {best:.3f} s")


if __name__ == "__main__":
    main()
