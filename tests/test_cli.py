"""The command line: exit codes, what it prints, and one real run of compile.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bookpress import __version__
from bookpress.cli import main
from conftest import REPO, replace_in


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    for command in ((), ("build",), ("check",)):
        code, out, _ = run(*command, "--help")
        assert code == 0 and "Usage:" in out


# Run in a fresh interpreter: every command's --help (and --version), then list what got imported.
HELP_IN_A_CHILD = """
import json, sys
import click
from bookpress.cli import main

def paths(command, path):
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from paths(sub, [*path, name])

shown = []
for args in [["--version"], *([*path, "--help"] for path in paths(main, []))]:
    try:
        main(args, prog_name="bookpress")
    except SystemExit as end:
        assert end.code == 0, (args, end.code)
    shown.append(" ".join(args))
heavy = sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[1:])
print(json.dumps({"shown": shown, "heavy": heavy}))
"""


def test_help_loads_no_heavy_library() -> None:
    # --help, --version and shell completion must answer at once: the libraries that
    # read and render books (seconds of imports on a slow machine) load only in the
    # commands that use them.
    heavy = ["markdown", "lxml", "PIL", "weasyprint", "ebooklib", "pyphen", "watchdog"]
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", HELP_IN_A_CHILD, *heavy],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"--help", "build --help", "check --help", "new chapter --help", "preview --help"} <= set(
        report["shown"]
    )
    assert report["heavy"] == []


def test_build_reports_each_edition_and_a_summary(project) -> None:
    root = project("minimal")
    code, out, err = run("-C", str(root), "build", "--format", "epub")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"wrote {root / 'output' / 'Testreihe-I_9783161484100.epub'}  (")
    assert lines[-1].startswith("1 edition built (")
    assert (root / "output" / "Testreihe-I_9783161484100.epub").stat().st_size > 10_000


def test_volume_can_be_chosen_by_roman_or_arabic_number(project) -> None:
    root = project("ordered")
    for volume in ("II", "2", "ii"):
        code, out, err = run("-C", str(root), "build", "--volume", volume, "-f", "epub")
        assert code == 0, err
        assert "Ordnung-II_9780306406157.epub" in out


def test_unknown_volume_is_an_author_error(project) -> None:
    root = project("minimal")
    code, _, err = run("-C", str(root), "build", "--volume", "VII")
    assert code == 1
    assert "there is no volume 'VII'; the series has: I" in err
    assert "Traceback" not in err
    assert not (root / "output").exists()


def test_usage_errors_exit_2(project) -> None:
    root = project("minimal")
    assert run("-C", str(root), "build", "--format", "docx")[0] == 2
    assert run("-C", str(root), "frobnicate")[0] == 2


def test_config_typo_is_one_clear_line(project, monkeypatch) -> None:
    root = project("minimal")
    replace_in(root / "manuscript/book.toml", "[volumes.isbn]", "titel = 'x'\n[volumes.isbn]")
    monkeypatch.chdir(root)
    code, out, err = run("build")
    assert code == 1
    first = err.splitlines()[0]
    # The build prints its checks' findings as `check` does: file:line:column: code: message.
    assert first == (
        "manuscript/book.toml:17:1: E001: volumes[1].titel: unknown key; expected one of: "
        "blurb, chapters, cover, credits, date, dir, edition, edition_year, isbn, number, price, "
        "subtitle, title"
    )
    assert "Traceback" not in err and out == ""


def test_check_writes_nothing(project) -> None:
    root = project("minimal")
    code, _, err = run("-C", str(root), "check")
    assert code == 0, err
    assert not (root / "output").exists()
    (root / "manuscript/teil-1/02-ende.md").write_text("", encoding="utf-8")
    code, out, err = run("-C", str(root), "check")
    assert code == 1 and "02-ende.md:1:1: E030: is empty" in out
    assert "1 error" in err


def test_missing_project_is_an_author_error(tmp_path: Path) -> None:
    code, _, err = run("-C", str(tmp_path), "build")
    assert code == 1 and "book.toml not found" in err and "Traceback" not in err


def test_compile_py_builds_in_a_real_process(project) -> None:
    root = project("minimal")
    result = subprocess.run(
        [sys.executable, str(REPO / "compile.py"), "build", "-f", "epub"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "1 edition built" in result.stdout
    assert (root / "output" / "Testreihe-I_9783161484100.epub").is_file()
