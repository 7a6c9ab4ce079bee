"""Time bookpress's print PDF of one volume against two peers that render the same chapters.

    .venv/bin/python scripts/bench_peers.py [--words 100000 | --project PATH] [--repeat 3]
        [--only bookpress,pandoc,raw] [--volume N] [--warm] [--jobs N] [--epub] [--help-time]

The peers, each run as subprocesses:

- bookpress: ``compile.py -C PROJECT --quiet build -V N -f pdf -p print -o FRESH_DIR``,
  its checks included. Cold by default: the build cache (``CACHE_DIR`` below, inside the project)
  is deleted before every run; ``--warm`` fills it once, untimed, and keeps it.
- pandoc: pandoc 3 (the binary of pypandoc-binary) turns the volume's chapters, joined
  into one Markdown file, into standalone HTML5 (``-s --section-divs --toc``, notes at the
  end of the book), then the ``weasyprint`` command renders it with bench_print.css.
- raw: this script's ``--raw-one`` mode, Python-Markdown (footnotes, tables) chapter by
  chapter into one HTML string and WeasyPrint's ``HTML(string=…).write_pdf()`` in one
  process, with the same stylesheet.

Both peers get the chapters with their front matter replaced by a title heading and their
footnote labels made unique (``[^1]`` of chapter 3 becomes ``[^c3-1]``); joining the file
for pandoc is done before the clock starts. Neither does German typography, checks,
the title page and imprint or notes at the foot of the page, which bookpress does.

The tools run interleaved (bookpress, pandoc, raw, bookpress, …) in fresh output folders;
each figure is the median over ``--repeat`` runs. Wall time runs until the tool's
process exits. CPU time is user + system time, from ``os.wait4``, of that process, of
every process it waited for, and of those it left to end after it: the runner is the
subreaper of its descendants (Linux ``PR_SET_CHILD_SUBREAPER``), so bookpress's
multiprocessing forkserver, which reaps the pool's workers and which nobody waits for,
comes back to it and is counted. Peak RSS is the largest resident set of any one of
these processes (Linux folds a reaped child's peak into ``ru_maxrss`` as ``wait4``
reports it), not the sum of processes alive together. Pages are counted with pypdf.
``--epub`` adds the EPUB (bookpress ``-f epub`` against ``pandoc -o x.epub``),
``--help-time`` the wall time of ``bookpress --help`` (median of 10).

Figures only: nothing here passes or fails. It needs pandoc for ``pandoc`` and ``--epub``:
``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import ctypes
import html
import importlib.metadata
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bookpress.model import PrintSettings

REPO = Path(__file__).resolve().parents[1]
CACHE_DIR = ".bookpress/cache"  # bookpress.cache.CACHE_DIR: the build cache, inside the project
STYLESHEET = Path(__file__).resolve().with_name("bench_print.css")
BOOKPRESS = [sys.executable, str(REPO / "compile.py")]  # this checkout's bookpress
WEASYPRINT = Path(sys.executable).parent / "weasyprint"  # the venv's command (no resolve: venv)
TOOLS = {
    "bookpress": "bookpress",
    "pandoc": "pandoc 3 + WeasyPrint",
    "raw": "Python-Markdown + WeasyPrint",
}
HELP_RUNS = 10
PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>
ORPHAN_WAIT = 60  # seconds a tool's leftover processes may take to end
INSTALL_PANDOC = "pandoc not found: pip install -e '.[bench]' (pypandoc-binary ships pandoc 3)"


@dataclass(frozen=True)
class Run:
    """What one run of a tool cost."""

    wall: float  # seconds
    cpu: float  # seconds, user + system
    rss_mib: float  # peak resident set of any one process
    pages: int = 0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall if self.wall else 0.0


def median(runs: Sequence[Run]) -> Run:
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.rss_mib for r in runs),
        round(statistics.median(r.pages for r in runs)),
    )


def adopt_orphans() -> None:
    """Become the reaper of orphans among our descendants (Linux), so that what a tool
    leaves running when it exits is counted when it ends: bookpress's worker pool runs
    under multiprocessing's forkserver, which nobody waits for and which reaps the workers."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans() -> list[resource.struct_rusage]:
    """Wait for the processes a tool left behind (adopted, see above); their usage."""
    usages = []
    deadline = time.monotonic() + ORPHAN_WAIT
    while True:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:  # none left
            return usages
        if pid:
            usages.append(usage)
        elif time.monotonic() > deadline:
            sys.exit(f"a process left behind by the tool still runs after {ORPHAN_WAIT} s")
        else:
            time.sleep(0.05)


def timed(commands: Sequence[Sequence[str]], log: Path) -> Run:
    """Run ``commands`` one after the other; their summed times and largest peak RSS.

    The wall time ends when a command exits; its CPU time and peak RSS include the
    processes it left behind. Output goes to ``log``; a failure stops the benchmark
    with the log's end."""
    wall = cpu = 0.0
    rss_kib = 0
    with log.open("ab") as out:
        for command in commands:
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(process.pid, 0)
            wall += time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
            for each in [usage, *reap_orphans()]:
                cpu += each.ru_utime + each.ru_stime
                rss_kib = max(rss_kib, each.ru_maxrss)  # KiB on Linux
            if process.returncode:
                tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
                sys.exit(f"{command[0]} failed (exit {process.returncode}):\n{tail}")
    return Run(wall, cpu, rss_kib / 1024)


def pages(pdf: Path) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        sys.exit("pypdf counts the pages: pip install -e '.[test]'")
    return len(PdfReader(pdf).pages)


# --- the volume as the peers read it


@dataclass(frozen=True)
class Volume:
    """The volume to build: its chapter files in reading order."""

    number: int
    title: str
    folder: Path
    chapters: tuple[Path, ...]


def read_volume(project: Path, number: int | None) -> tuple[Volume, str]:
    """The chosen volume (default: the first) and a page sheet from book.toml [print]."""
    from bookpress.config import load_config
    from bookpress.model import roman

    config = load_config(project / "manuscript" / "book.toml")
    volumes = sorted(config.volumes, key=lambda v: v.number)
    chosen = next((v for v in volumes if v.number == number), None) if number else volumes[0]
    if chosen is None:
        sys.exit(f"no volume {number} in {project}")
    folder = project / "manuscript" / chosen.dir
    if chosen.chapters is not None:
        files = [folder / name for name in chosen.chapters]
    else:  # bookpress's rule: the files whose names start with a number, in numeric order
        numbered = [p for p in folder.glob("*.md") if re.match(r"\d+[-_ ]", p.name)]
        files = sorted(numbered, key=lambda p: int(re.match(r"\d+", p.name).group()))
    title = f"{config.series.title} {roman(chosen.number)}: {chosen.title}"
    return Volume(chosen.number, title, folder, tuple(files)), page_sheet(config.print)


def page_sheet(s: PrintSettings) -> str:
    """@page rules for the trim, bleed and margins of book.toml [print]."""
    return (
        f"@page {{ size: {s.width_mm}mm {s.height_mm}mm; bleed: {s.bleed_mm}mm;"
        f" margin-top: {s.top_margin_mm}mm; margin-bottom: {s.bottom_margin_mm}mm;"
        f"{' marks: crop;' if s.crop_marks else ''} }}\n"
        f"@page :left {{ margin-left: {s.outer_margin_mm}mm; margin-right: {s.inner_margin_mm}mm; }}\n"
        f"@page :right {{ margin-left: {s.inner_margin_mm}mm; margin-right: {s.outer_margin_mm}mm; }}\n"
    )


def chapter_markdown(index: int, path: Path) -> tuple[str, str]:
    """A chapter as (title, Markdown body): front matter dropped, note labels made unique."""
    text = path.read_text(encoding="utf-8")
    title = path.stem
    if text.startswith("---\n"):
        front, _, text = text[4:].partition("\n---\n")
        for line in front.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "title":
                title = value.strip().strip("\"'")
    return title, re.sub(r"\[\^([^\]\s]+)\]", rf"[^c{index}-\1]", text)


def joined_markdown(volume: Volume) -> str:
    parts = []
    for index, path in enumerate(volume.chapters, start=1):
        title, body = chapter_markdown(index, path)
        parts.append(f"# {title}\n\n{body.strip()}\n")
    return "\n".join(parts)


# --- the tools


@dataclass(frozen=True)
class Bench:
    """Everything the tools share: the project, the volume and a work folder."""

    project: Path
    volume: Volume
    work: Path  # holds the stylesheets, the joined Markdown and one folder per run
    warm: bool
    jobs: int | None

    def bookpress(self, out: Path, *formats: str) -> list[str]:
        command = [*BOOKPRESS, "-C", str(self.project), "--quiet", "build", "-V", str(self.volume.number)]
        for name in formats:
            command += ["-f", name]
        if "pdf" in formats:
            command += ["-p", "print"]
        if self.jobs:
            command += ["--jobs", str(self.jobs)]
        return [*command, "-o", str(out)]

    def stylesheets(self) -> list[str]:
        return [str(self.work / "bench_print.css"), str(self.work / "page.css")]


def clear_cache(bench: Bench) -> None:
    """A cold run starts without bookpress's cache; a warm one keeps it."""
    if not bench.warm and (bench.project / CACHE_DIR).exists():
        shutil.rmtree(bench.project / CACHE_DIR)


def run_bookpress(bench: Bench, out: Path) -> Run:
    clear_cache(bench)
    run = timed([bench.bookpress(out, "pdf")], out / "log.txt")
    return Run(run.wall, run.cpu, run.rss_mib, pages(next(out.glob("*.pdf"))))


def run_pandoc(bench: Bench, out: Path) -> Run:
    page = out / "book.html"
    pandoc = [
        pandoc_path(),
        str(bench.work / "volume.md"),
        *("-f", "markdown", "-t", "html5", "-s", "--section-divs", "--toc", "--toc-depth=1"),
        *("-M", "document-css=false", "-M", "lang=de", "-M", "toc-title=Inhalt"),
        *("-M", f"title={bench.volume.title}", "-o", str(page)),
    ]
    styles = [arg for sheet in bench.stylesheets() for arg in ("-s", sheet)]
    # Images are relative to the chapter files, so the base URL is their folder.
    weasy = [
        str(WEASYPRINT),
        "-q",
        "-u",
        f"{bench.volume.folder}/",
        *styles,
        str(page),
        str(out / "book.pdf"),
    ]
    run = timed([pandoc, weasy], out / "log.txt")
    return Run(run.wall, run.cpu, run.rss_mib, pages(out / "book.pdf"))


def run_raw(bench: Bench, out: Path) -> Run:
    command = [sys.executable, str(Path(__file__).resolve()), "--raw-one", str(out / "book.pdf")]
    command += ["--title", bench.volume.title]
    for sheet in bench.stylesheets():
        command += ["--css", sheet]
    command += [str(p) for p in bench.volume.chapters]
    run = timed([command], out / "log.txt")
    return Run(run.wall, run.cpu, run.rss_mib, pages(out / "book.pdf"))


RUNNERS = {"bookpress": run_bookpress, "pandoc": run_pandoc, "raw": run_raw}


def pandoc_path() -> str:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        sys.exit(INSTALL_PANDOC)


def raw_one(argv: list[str]) -> None:
    """``--raw-one OUT.pdf --title T --css A --css B CHAPTER.md …``: the raw peer itself."""
    parser = argparse.ArgumentParser(prog="bench_peers.py --raw-one")
    parser.add_argument("out", type=Path)
    parser.add_argument("--title", required=True)
    parser.add_argument("--css", action="append", default=[])
    parser.add_argument("chapters", nargs="+", type=Path)
    args = parser.parse_args(argv)
    import markdown
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    converter = markdown.Markdown(extensions=["footnotes", "tables"])
    toc, sections = [], []
    for index, path in enumerate(args.chapters, start=1):
        title, body = chapter_markdown(index, path)
        converter.reset()
        toc.append(f'<li><a href="#kapitel-{index}">{html.escape(title)}</a></li>')
        sections.append(
            f'<section id="kapitel-{index}" class="level1"><h1>{html.escape(title)}</h1>\n'
            f"{converter.convert(body)}\n</section>"
        )
    page = (
        f'<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8"><title>{html.escape(args.title)}'
        f'</title></head><body>\n<header id="title-block-header"><h1 class="title">'
        f'{html.escape(args.title)}</h1></header>\n<nav id="TOC"><h2>Inhalt</h2><ul>{"".join(toc)}'
        f"</ul></nav>\n{''.join(sections)}\n</body></html>"
    )
    base = f"{args.chapters[0].parent}/"  # images are relative to the chapter files
    fonts = FontConfiguration()  # without it, WeasyPrint ignores @font-face and falls back
    sheets = [CSS(filename=c, font_config=fonts) for c in args.css]
    HTML(string=page, base_url=base).write_pdf(args.out, stylesheets=sheets, font_config=fonts)


# --- the report


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report(results: dict[str, Run], label: dict[str, str], *, with_pages: bool = True) -> str:
    """The medians as a table, then bookpress's figures divided by each peer's."""
    header = ["tool", "wall s", "CPU s", "peak RSS MiB"] + ["pages", "pages/s"] * with_pages
    rows = []
    for name, r in results.items():
        row = [label[name], f"{r.wall:.1f}", f"{r.cpu:.1f}", f"{r.rss_mib:.0f}"]
        rows.append(row + [str(r.pages), f"{r.pages_per_second:.1f}"] * with_pages)
    out = [table(header, rows)]
    if "bookpress" in results and len(results) > 1:
        ours = results["bookpress"]
        ratios = []
        for name, r in results.items():
            if name != "bookpress":
                row = [label[name], _ratio(ours.wall, r.wall), _ratio(ours.cpu, r.cpu)]
                row.append(_ratio(ours.rss_mib, r.rss_mib))
                ratios.append(row + [_ratio(ours.pages_per_second, r.pages_per_second)] * with_pages)
        out.append(table(["bookpress ÷", "wall", "CPU", "peak RSS"] + ["pages/s"] * with_pages, ratios))
    return "\n\n".join(out)


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "–"


def versions() -> str:
    import bookpress

    found = [f"bookpress {bookpress.__version__}"]
    found += [f"{name} {importlib.metadata.version(name)}" for name in ("WeasyPrint", "Markdown")]
    try:
        import pypandoc

        found.append(f"pandoc {pypandoc.get_pandoc_version()}")
    except (ImportError, OSError):
        found.append("no pandoc")
    return ", ".join(found)


# --- the benchmarks


def bench_pdf(bench: Bench, tools: list[str], repeat: int) -> dict[str, Run]:
    if bench.warm and "bookpress" in tools:  # fill the cache once, untimed
        warm_up = bench.work / "warm-up"
        warm_up.mkdir()
        timed([bench.bookpress(warm_up, "pdf")], warm_up / "log.txt")
    runs: dict[str, list[Run]] = {name: [] for name in tools}
    for index in range(repeat):
        for name in tools:
            out = bench.work / f"pdf-{index + 1}-{name}"
            out.mkdir()
            runs[name].append(RUNNERS[name](bench, out))
            print(f"  run {index + 1}/{repeat} {name}: {runs[name][-1].wall:.1f} s", file=sys.stderr)
    return {name: median(r) for name, r in runs.items()}


def bench_epub(bench: Bench, tools: list[str], repeat: int) -> dict[str, Run]:
    fonts = sorted((bench.project / "styles" / "fonts").glob("*/*.otf"))
    runs: dict[str, list[Run]] = {name: [] for name in tools}
    for index in range(repeat):
        for name in tools:
            out = bench.work / f"epub-{index + 1}-{name}"
            out.mkdir()
            if name == "bookpress":
                clear_cache(bench)
                command = bench.bookpress(out, "epub")
            else:
                command = [
                    pandoc_path(),
                    str(bench.work / "volume.md"),
                    *("-f", "markdown", "-o", str(out / "book.epub"), "--toc", "--toc-depth=1"),
                    *("-M", "lang=de", "-M", f"title={bench.volume.title}"),
                    *("--resource-path", str(bench.volume.folder)),
                    *("--css", str(bench.project / "styles" / "base.css")),
                    *(f"--epub-embed-font={font}" for font in fonts),
                ]
            runs[name].append(timed([command], out / "log.txt"))
    return {name: median(r) for name, r in runs.items()}


def help_time() -> float:
    walls = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(HELP_RUNS):
            walls.append(timed([[*BOOKPRESS, "--help"]], Path(folder) / "log.txt").wall)
    return statistics.median(walls)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--words", type=int, help="generate a corpus of this many words (default 100,000)")
    source.add_argument("--project", type=Path, help="an existing project folder instead")
    parser.add_argument("--chapters", type=int, help="for --words: default one per 3,333 words")
    parser.add_argument("--seed", type=int, default=1, help="for --words")
    parser.add_argument("--volumes", type=int, default=1, help="for --words")
    parser.add_argument("--volume", type=int, help="the volume to build (default: the first)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median is shown")
    parser.add_argument("--only", default="bookpress,pandoc,raw", help="tools, comma-separated")
    parser.add_argument("--warm", action="store_true", help=f"keep bookpress's {CACHE_DIR} between runs")
    parser.add_argument(
        "--jobs", type=int, help="passed to bookpress build --jobs (its default: one per core)"
    )
    parser.add_argument("--epub", action="store_true", help="also time the EPUB: bookpress vs pandoc")
    parser.add_argument("--help-time", action="store_true", help="also time bookpress --help")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (PDFs, logs)")
    args = parser.parse_args(argv)
    args.tools = [t.strip() for t in args.only.split(",") if t.strip()]
    unknown = set(args.tools) - set(TOOLS)
    if unknown or not args.tools:
        parser.error(f"--only takes {', '.join(TOOLS)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def check_jobs(jobs: int | None) -> None:
    """``--jobs`` goes to bookpress only if its build command has that option."""
    if jobs is None:
        return
    usage = subprocess.run([*BOOKPRESS, "build", "--help"], capture_output=True, text=True, check=True)
    if "--jobs" not in usage.stdout:
        sys.exit("this bookpress has no 'build --jobs' option yet; run without --jobs")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--raw-one"]:
        raw_one(argv[1:])
        return
    args = parse(argv)
    adopt_orphans()
    check_jobs(args.jobs)
    if "pandoc" in args.tools or args.epub:
        pandoc_path()
    if "pandoc" in args.tools and not WEASYPRINT.exists():
        sys.exit(f"the weasyprint command is not at {WEASYPRINT}; run this script with the venv's python")
    work = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    try:
        run_all(args, work)
    finally:
        if args.keep:
            print(f"\nwork folder kept: {work}")
        else:
            shutil.rmtree(work)


def run_all(args: argparse.Namespace, work: Path) -> None:
    if args.project:
        project, origin = args.project.resolve(), str(args.project)
    else:
        from bench_corpus import WORDS_PER_CHAPTER, make_project

        words = args.words or 100_000
        chapters = args.chapters or max(args.volumes, round(words / WORDS_PER_CHAPTER))
        project = make_project(work / "corpus", words, chapters, args.seed, args.volumes)
        origin = (
            f"generated: {words:,} words, {chapters} chapters, {args.volumes} volume(s), seed {args.seed}"
        )
    volume, sheet = read_volume(project, args.volume)
    shutil.copy(STYLESHEET, work / "bench_print.css")
    (work / "page.css").write_text(sheet, encoding="utf-8")
    (work / "fonts").symlink_to(project / "styles" / "fonts", target_is_directory=True)
    (work / "volume.md").write_text(joined_markdown(volume), encoding="utf-8")
    bench = Bench(project, volume, work, args.warm, args.jobs)
    mode = "warm" if args.warm else "cold"

    print(f"corpus: {origin}")
    print(f"volume {volume.number} ({volume.title}): {len(volume.chapters)} chapters")
    print(f"{os.cpu_count()} cores; {versions()}")
    jobs = f"--jobs {args.jobs}" if args.jobs else "its default --jobs"
    print(f"median of {args.repeat} interleaved run(s) per tool; bookpress {mode}, {jobs}\n")
    label = dict(TOOLS, bookpress=f"bookpress ({mode})")
    print("Print PDF\n")
    print(report(bench_pdf(bench, args.tools, args.repeat), label), flush=True)
    if args.epub:
        epub_tools = [t for t in args.tools if t in ("bookpress", "pandoc")]
        epub_label = {"bookpress": "bookpress -f epub", "pandoc": "pandoc -o x.epub"}
        print("\nEPUB\n")
        print(report(bench_epub(bench, epub_tools, args.repeat), epub_label, with_pages=False), flush=True)
    if args.help_time:
        print(f"\nbookpress --help: {help_time() * 1000:.0f} ms wall (median of {HELP_RUNS})")


if __name__ == "__main__":
    main(sys.argv[1:])
