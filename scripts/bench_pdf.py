"""Time the PDF editions of a project: pages, size and render time per volume.

    .venv/bin/python scripts/bench_pdf.py [PROJECT] [--repeat N]

The first render of a process also loads WeasyPrint, the fonts and the
hyphenation dictionary; that warm-up is reported on its own line.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from pypdf import PdfReader

from bookpress.build import timestamp
from bookpress.loader import load_book
from bookpress.renderers import PROFILES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=Path("."))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    book = load_book(args.project)
    started = time.perf_counter()
    PROFILES["print"].render(book, book.volumes[0], timestamp(book.volumes[0]))
    print(f"warm-up (first render, volume {book.volumes[0].number}): {time.perf_counter() - started:.2f} s")
    print(f"{'volume':>6} {'profile':<7} {'pages':>5} {'KiB':>6} {'best s':>7}")
    for volume in book.volumes:
        for name in ("print", "screen"):
            best, data = float("inf"), b""
            for _ in range(args.repeat):
                started = time.perf_counter()
                data = PROFILES[name].render(book, volume, timestamp(volume))
                best = min(best, time.perf_counter() - started)
            pages = len(PdfReader(io.BytesIO(data)).pages)
            print(f"{volume.number:>6} {name:<7} {pages:>5} {len(data) / 1024:>6.0f} {best:>7.2f}")


if __name__ == "__main__":
    main()
