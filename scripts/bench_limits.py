"""Print how long hostile-sized input takes to be answered, stage by stage.

    .venv/bin/python scripts/bench_limits.py [--size BYTES] [--depth N]

Each case runs on a copy of the fixture book ``tests/books/minimal`` in a temporary
folder. The target is an answer (a result or a clear refusal) in under a second per
case; the figures are printed, not asserted, so they can be compared across changes.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bookpress.build import BuildOptions, build
from bookpress.errors import BookError
from bookpress.lint import lint_project
from bookpress.typography import smarten

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "books" / "minimal"
CHAPTER = Path("manuscript") / "teil-1" / "01-anfang.md"


def project(folder: Path, body: str) -> Path:
    """A copy of the fixture book whose first chapter has ``body`` as its text."""
    root = folder / "book"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "styles", root / "styles")
    (root / CHAPTER).write_text(f"---\ntitle: Messung\n---\n\n{body}\n", encoding="utf-8")
    return root


def timed(label: str, step: Callable[[], object]) -> None:
    """Run ``step`` and print its time and how it answered."""
    started = time.perf_counter()
    try:
        step()
        outcome = "done"
    except BookError as error:
        outcome = f"refused ({len(error.problems)} problem(s))"
    except Exception as error:  # a figure is wanted for any outcome, even a bug
        outcome = f"failed: {type(error).__name__}"
    seconds = time.perf_counter() - started
    mark = "" if seconds < 1 else "   <- over a second"
    print(f"{label:<52} {seconds:8.3f} s  {outcome}{mark}")


def cases(size: int, depth: int) -> dict[str, str]:
    """Chapter bodies by name."""
    nested = "\n".join("  " * level + "- Punkt" for level in range(depth))
    return {
        "an ordinary chapter (the fixed cost, for comparison)": 'Ein kurzer Absatz mit "Zitat".',
        f"{size // 1000} KB without a space": "x" * size,
        f"{size // 1000} KB of one punctuation mark": "." * size,
        f"{size // 1000} KB of an address-like token": "a@" * (size // 2),
        f"{size // 1000} KB of quotes and dashes": "\"'-" * (size // 3),
        f"{depth}-deep nested list ({len(nested) / 1e6:.1f} MB of Markdown)": nested,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="bytes of the long strings")
    parser.add_argument("--depth", type=int, default=2_000, help="levels of the nested list")
    args = parser.parse_args()
    for name, body in cases(args.size, args.depth).items():
        print(f"{name}:")
        timed("  typography pass (smarten)", lambda body=body: smarten(body))
        with tempfile.TemporaryDirectory() as folder:
            root = project(Path(folder), body)
            options = BuildOptions(output=Path(folder) / "output", formats=("epub",))
            timed("  check (lint_project)", lambda root=root: lint_project(root))
            timed("  build, EPUB", lambda root=root, options=options: build(root, options))


if __name__ == "__main__":
    main()
