"""Tests for what commands print: --quiet, --verbose, and the progress line on a terminal."""

from __future__ import annotations

import sys
import time

import pytest
from click.testing import CliRunner

from bookpress import progress
from bookpress.cli import main
from bookpress.progress import Console
from conftest import with_printer_and_address


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_quiet_build_prints_nothing_on_success(project) -> None:
    root = with_printer_and_address(project("minimal"))  # a complete imprint: no warning either
    result = run("-C", str(root), "--quiet", "build", "-f", "epub")
    assert result.exit_code == 0
    assert result.output == ""


def test_verbose_build_names_each_step(project) -> None:
    root = project("minimal")
    result = run("-C", str(root), "--verbose", "build", "-f", "epub")
    assert result.exit_code == 0
    assert "reading the manuscript" in result.stderr
    assert "Band I, ebook: rendering the EPUB" in result.stderr
    assert "wrote " in result.stdout


def test_quiet_still_prints_problems(project) -> None:
    root = project("minimal")
    (root / "manuscript" / "teil-1" / "02-ende.md").write_text("", encoding="utf-8")
    result = run("-C", str(root), "-q", "build")
    assert result.exit_code == 1 and "is empty" in result.stderr


def test_no_progress_line_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    console = Console()
    with console.progress():
        console.step("working")
        time.sleep(progress.DELAY + 0.3)
    assert "\r" not in capsys.readouterr().err


def test_progress_line_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    console = Console(colour=False)
    with console.progress():
        console.step("Band I, ebook: rendering the EPUB")
        time.sleep(0.3)
        console.result("wrote x.epub")
    captured = capsys.readouterr()
    assert "\r\x1b[K" in captured.err and "Band I, ebook: rendering the EPUB" in captured.err
    assert captured.out == "wrote x.epub\n"
    assert captured.err.endswith("\r\x1b[K")  # the line is cleared at the end


def test_quiet_terminal_shows_no_progress(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    with Console(quiet=True).progress() as status:
        status.set("working")
        time.sleep(0.3)
    assert capsys.readouterr().err == ""


def test_no_color_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert progress.colour_wanted(None) is False
    assert progress.colour_wanted(True) is True
    monkeypatch.delenv("NO_COLOR")
    assert progress.colour_wanted(None) is None
