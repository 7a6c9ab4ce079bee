"""Make a case's project on disk and run ``build`` and ``check`` on it.

Each case runs in a child of the test process made with ``fork``: the
bookpress, WeasyPrint and lxml already imported by the parent are shared, so a
case costs what its build costs, and the child can be killed. That is the
guard against the hangs the issue lists (a FIFO chapter, a quadratic regular
expression, a layout loop), which ``signal.alarm`` cannot interrupt while C
code runs. The child also gets an address-space limit, so a chapter linked to
``/dev/zero`` fails instead of filling the machine's memory.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from bookpress.cli import main
from conftest import copy_project

from . import audit
from .case import BOOK_TOML, OUTSIDE, PROJECT, SECRET, Case

MEMORY_LIMIT = 4 << 30  # bytes of address space a case may use
# What the output folder holds before each build: the editions the base book writes, and a note.
EDITIONS = (
    "Testreihe-I_9783161484100.epub",
    "Testreihe-I_9783161484100_print.pdf",
    "Testreihe-I_9783161484100_screen.pdf",
    "notiz.txt",
)


@dataclass
class Invocation:
    """What one command printed and how it ended."""

    exit_code: int | None
    stdout: str
    stderr: str
    exception: str | None  # the traceback of an exception that escaped the command

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Result:
    """What a case did."""

    build: Invocation
    check: Invocation
    opened_outside: list[str]  # real paths outside the allowed places (see audit.allowed_places)
    opened: int  # how many opens and listings were recorded
    seconds: float
    timed_out: bool = False
    crashed: str | None = None  # the child died without a result
    output_before: dict[str, bytes] = field(default_factory=dict)
    output_after: dict[str, bytes] = field(default_factory=dict)
    epub: Path | None = None  # the EPUB the build wrote, copied aside for EPUBCheck

    @property
    def failed_to_run(self) -> str | None:
        if self.timed_out:
            return f"did not finish in time ({self.seconds:.0f} s)"
        return self.crashed


# ---------------------------------------------------------------- making the project


def _substitute(value: str, project: Path, outside: Path) -> str:
    return value.replace(OUTSIDE, str(outside)).replace(PROJECT, str(project))


def plant_outside(outside: Path) -> None:
    """Files beside the project, each holding the secret, for cases to point at."""
    from PIL import Image, PngImagePlugin

    (outside / "band").mkdir(parents=True)
    chapter = f"---\ntitle: {SECRET}\n---\n\n{SECRET} im Text.\n"
    (outside / "secret.md").write_text(chapter, encoding="utf-8")
    (outside / "band" / "01-geheim.md").write_text(chapter, encoding="utf-8")
    # A hyphenation list whose first line is malformed: the old reader printed it.
    (outside / "secret.txt").write_text(f"{SECRET}--x\nFort-schritt\n", encoding="utf-8")
    (outside / "secret.css").write_text(f"/* {SECRET} */\np {{ color: black; }}\n", encoding="utf-8")
    (outside / "secret.otf").write_bytes(b"OTTO\x00\x01" + SECRET.encode() * 4)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    Image.new("RGB", (600, 400), "gray").save(outside / "secret.png", pnginfo=info)
    (outside / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>{SECRET}</title></svg>',
        encoding="utf-8",
    )
    (outside / "book.toml").write_text(f'[series]\ntitle = "{SECRET}"\n', encoding="utf-8")


def make_project(case: Case, folder: Path) -> tuple[Path, Path]:
    """The case's project in ``folder/project``, its outside files in ``folder/outside``."""
    project = copy_project("minimal", folder / "project")
    outside = folder / "outside"
    plant_outside(outside)
    text, _ = case.toml.render()
    (project / BOOK_TOML).write_text(_substitute(text, project, outside), encoding="utf-8")
    for name in case.remove:
        target = project / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    for name in case.folders:
        (project / name).mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content.replace(OUTSIDE.encode(), os.fsencode(outside)))
        else:
            target.write_text(_substitute(content, project, outside), encoding="utf-8")
    for name, link_target in case.links.items():
        link = project / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)
        link.symlink_to(_substitute(link_target, project, outside))
    for name in case.fifos:
        fifo = project / name
        fifo.parent.mkdir(parents=True, exist_ok=True)
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)
    if case.setup is not None:
        case.setup(project, outside)
    output = project / "output"
    output.mkdir(exist_ok=True)
    for name in EDITIONS:
        (output / name).write_bytes(f"the previous {name}\n".encode())
    return project, outside


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file below ``folder`` (relative name -> bytes)."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


# ---------------------------------------------------------------- running it


def invoke(args: list[str]) -> Invocation:
    """Run the command line in this process, as a user would type it."""
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    exception = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exception = "".join(traceback.format_exception(result.exception))
    return Invocation(result.exit_code, result.stdout, result.stderr, exception)


def _child(case: Case, project: Path, report: Path) -> None:
    """Body of the forked child: run build then check, write the result as JSON."""
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, hard))
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.chdir(project)
        for name, value in case.env.items():
            os.environ[name] = value
        started = time.perf_counter()
        with audit.recording() as seen:
            build = invoke(case.build_command(project))
            check = invoke(["-C", str(project), "check", "-f", "json"])
        data = {
            "build": build.__dict__,
            "check": check.__dict__,
            "opened_outside": audit.outside(seen, project),
            "opened": len(seen),
            "seconds": time.perf_counter() - started,
        }
        report.write_text(json.dumps(data), encoding="utf-8")
        code = 0
    except BaseException:  # the child must never return into pytest
        try:
            report.write_text(json.dumps({"crashed": traceback.format_exc()}), encoding="utf-8")
        finally:
            code = 3
    os._exit(code)


@dataclass
class _Running:
    case: Case
    pid: int
    project: Path
    report: Path
    before: dict[str, bytes]
    started: float


def _finish(job: _Running, status: int | None, collected: Path) -> Result:
    seconds = time.perf_counter() - job.started
    data: dict = {}
    if job.report.is_file():
        data = json.loads(job.report.read_text(encoding="utf-8"))
    empty = Invocation(None, "", "", None)
    if status is None:
        crashed = None
    elif "build" not in data:
        crashed = data.get("crashed") or f"the child ended with status {status} and no result"
    else:
        crashed = None
    result = Result(
        build=Invocation(**data["build"]) if "build" in data else empty,
        check=Invocation(**data["check"]) if "check" in data else empty,
        opened_outside=data.get("opened_outside", []),
        opened=data.get("opened", 0),
        seconds=seconds,
        timed_out=status is None,
        crashed=crashed,
        output_before=job.before,
        output_after=snapshot(job.project / "output"),
    )
    written = [
        name
        for name, content in result.output_after.items()
        if name.endswith(".epub") and content != job.before.get(name)
    ]
    if written:
        result.epub = collected / f"{job.case.ident}.epub"
        result.epub.write_bytes(result.output_after[written[0]])
    return result


def run_cases(
    cases: Iterable[Case],
    workdir: Path,
    *,
    workers: int = 2,
    on_result: Callable[[Case, Result], None] = lambda case, result: None,
) -> dict[str, Result]:
    """Run every case, ``workers`` at a time, each in its own forked child."""
    from bookpress.renderers import epub, pdf  # noqa: F401  (imported once, shared by the children)

    audit.install()
    collected = workdir / "epubs"
    collected.mkdir(parents=True, exist_ok=True)
    pending = list(cases)
    running: list[_Running] = []
    results: dict[str, Result] = {}
    while pending or running:
        while pending and len(running) < workers:
            case = pending.pop(0)
            folder = workdir / case.ident
            project, _ = make_project(case, folder)
            report = folder / "result.json"
            before = snapshot(project / "output")
            pid = os.fork()
            if pid == 0:
                _child(case, project, report)
            running.append(_Running(case, pid, project, report, before, time.perf_counter()))
        time.sleep(0.01)
        for job in list(running):
            done, status = os.waitpid(job.pid, os.WNOHANG)
            late = time.perf_counter() - job.started > job.case.seconds
            if not done and late:
                os.kill(job.pid, signal.SIGKILL)
                os.waitpid(job.pid, 0)
                status = None
            elif not done:
                continue
            running.remove(job)
            result = _finish(job, status, collected)
            results[job.case.ident] = result
            on_result(job.case, result)
    return results
