"""Tests for `bookpress watch`: a real watcher in a subprocess, with bounded waits."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookpress.cli import main
from bookpress.watch import Ignored, affected_volumes
from conftest import REPO, copy_project, replace_in

WAIT = 60  # seconds; a rebuild of one EPUB takes about one


class Watcher:
    """`python compile.py watch` in a subprocess, its output lines read in a thread."""

    def __init__(self, root: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "compile.py"), "-C", str(root), "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {WAIT} s; saw: {self.seen}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[tuple[Path, Watcher]]:
    root = copy_project("minimal", tmp_path / "book")
    running = Watcher(root, "--format", "epub", "--debounce", "0.2")
    yield root, running
    if running.process.poll() is None:
        running.stop()


def chapter_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        return archive.read("EPUB/text/kapitel-01.xhtml").decode("utf-8")


def test_watch_rebuilds_after_a_change_and_survives_errors(watcher: tuple[Path, Watcher]) -> None:
    root, running = watcher
    running.wait_for("watching manuscript/ and styles/")
    epub = next((root / "output").glob("*.epub"))
    chapter = root / "manuscript" / "teil-1" / "01-anfang.md"

    replace_in(chapter, "Absatz", "Wachhund")
    line = running.wait_for("built 1 edition")
    assert "01-anfang.md" in line
    assert "Wachhund" in chapter_text(epub)

    good = chapter.read_text(encoding="utf-8")
    chapter.write_text("---\ntitle: kaputt\n", encoding="utf-8")
    running.wait_for("front matter is not closed")
    running.wait_for("build failed")
    assert "Wachhund" in chapter_text(epub)  # the previous edition stays

    chapter.write_text(good.replace("Wachhund", "Spürhund"), encoding="utf-8")
    running.wait_for("built 1 edition")
    assert "Spürhund" in chapter_text(epub)
    assert running.stop() in (0, 128 + signal.SIGTERM)


def test_a_style_change_rebuilds_every_volume(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path / "book")
    changed = [root / "styles" / "epub.css"]
    assert affected_volumes(root, changed, ()) is None  # None: all of them
    chapter = [root / "manuscript" / "teil-1" / "01-anfang.md"]
    assert affected_volumes(root, chapter, ()) == ("1",)
    assert affected_volumes(root, chapter, ("II",)) == ()


def test_watch_without_a_project_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "watch"])
    assert result.exit_code == 1
    assert "book.toml not found" in result.stderr


def test_watch_rejects_bad_options() -> None:
    assert CliRunner().invoke(main, ["watch", "--debounce", "-1"]).exit_code == 2
    assert CliRunner().invoke(main, ["watch", "--format", "docx"]).exit_code == 2


def test_watch_reports_an_unwritable_output(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path / "book")
    (root / "output").write_text("a file where the folder should be")
    running = Watcher(root, "--format", "epub")
    try:
        running.wait_for("cannot write")
        running.wait_for("watching")  # and it keeps watching
    finally:
        running.stop()


def test_watch_ignores_its_own_output_inside_the_manuscript(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path / "book")
    running = Watcher(root, "--format", "epub", "--debounce", "0.2", "-o", str(root / "manuscript" / "out"))
    try:
        running.wait_for("watching manuscript/ and styles/")
        time.sleep(3)  # a watcher that saw its own output would be rebuilding by now
        chapter = root / "manuscript" / "teil-1" / "01-anfang.md"
        replace_in(chapter, "Absatz", "Wachhund")
        running.wait_for("built 1 edition")
        time.sleep(3)
        while not running.lines.empty():
            running.seen.append(running.lines.get())
        builds = [line for line in running.seen if "] built " in line]
        assert len(builds) == 2, running.seen  # the first build and the one after the edit
        assert not [line for line in builds if "manuscript/out" in line]
        assert "Wachhund" in chapter_text(next((root / "manuscript" / "out").glob("*.epub")))
    finally:
        running.stop()


def test_the_output_folder_and_bookpress_files_are_not_sources(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    inside_styles = Ignored.of(root, root / "styles" / "out")
    assert inside_styles(root / "styles" / "out" / "x.epub")
    assert inside_styles(root / "styles" / "out" / "sub" / "y.css")
    assert not inside_styles(root / "styles" / "base.css")
    # Output is a watched folder itself: only the editions written into it are ours.
    into_manuscript = Ignored.of(root, root / "manuscript")
    assert into_manuscript(root / "manuscript" / "Reihe-I_978.epub")
    assert not into_manuscript(root / "manuscript" / "band" / "01-a.md")
    assert not into_manuscript(root / "manuscript" / "book.toml")
    assert Ignored.of(root, root / "output")(root / "manuscript" / ".bookpress" / "cache" / "a")
