"""Print build-time and memory figures for the sample series (or another project).

    .venv/bin/python scripts/bench.py [PROJECT] [--repeat N]

Figures only, no pass/fail: compare them across changes.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bookpress.build import BuildOptions, build
from bookpress.loader import load_book


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    loads = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        load_book(args.project)
        loads.append(time.perf_counter() - started)
    print(f"load (markup + typography, all volumes): median {statistics.median(loads):.3f} s")

    editions: dict[str, list[float]] = {}
    totals = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.repeat):
            started = time.perf_counter()
            for written in build(args.project, BuildOptions(output=Path(out))):
                key = f"{written.path.name} ({written.size / 1024:.0f} KiB)"
                editions.setdefault(key, []).append(written.seconds)
            totals.append(time.perf_counter() - started)
    for key, seconds in editions.items():
        print(f"  {key}: median {statistics.median(seconds):.2f} s")
    print(
        f"whole series, every edition: median {statistics.median(totals):.2f} s "
        f"(min {min(totals):.2f}, max {max(totals):.2f}, n={len(totals)})"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
