"""What the scripts that time Ridgeline against scikit-learn share: the repository root, the
environment the Rust bench binary gets (as the script was started), scikit-learn held to one
thread (set here, on import, before numpy or scipy load OpenBLAS: import this module first),
and building a criterion bench binary to run it directly."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The environment the Rust child gets: as this script was started.
RUST_ENV = dict(os.environ)
# scikit-learn single-threaded, for this process only.
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)


def bench_executable(name: str) -> str:
    """Build `benches/NAME.rs` (release) and return its executable."""
    out = subprocess.run(
        ["cargo", "bench", "--bench", name, "--no-run", "--message-format=json"],
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
            and msg["target"]["name"] == name
            and "bench" in msg["target"]["kind"]
            and msg.get("executable")
        ):
            return msg["executable"]
    sys.exit(f"could not find the {name} benchmark executable in cargo's output")
