"""Safe, repeatable output: byte-identical rebuilds and atomic replacement."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from bookpress import build as build_module
from bookpress.build import BuildOptions, build, write_atomically
from bookpress.errors import BookError
from conftest import REPO


def epub_build(root: Path, output: Path) -> Path:
    """Render the EPUB, even when the output folder already holds it (no build cache)."""
    [written] = build(root, BuildOptions(output=output, formats=("epub",), cache=False))
    return written.path


def test_rebuilds_are_byte_identical(project, tmp_path: Path) -> None:
    root = project("minimal")
    first = epub_build(root, tmp_path / "a").read_bytes()
    time.sleep(1.1)  # a clock-based timestamp would now differ
    second = epub_build(root, tmp_path / "b").read_bytes()
    assert first == second


def test_source_date_epoch_sets_the_timestamps(
    project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("minimal")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    path = epub_build(root, tmp_path / "out")
    with zipfile.ZipFile(path) as epub:
        assert {i.date_time for i in epub.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert b"2023-11-14T22:13:20Z" in epub.read("EPUB/content.opf")


def test_bad_source_date_epoch(project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "gestern")
    with pytest.raises(BookError, match="SOURCE_DATE_EPOCH"):
        epub_build(project("minimal"), tmp_path / "out")


def test_failed_build_keeps_the_previous_file(project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("minimal")
    path = epub_build(root, root / "output")
    before = path.read_bytes()
    (root / "manuscript/teil-1/01-anfang.md").write_text(
        "---\ntitle: Kaputt\n---\n\n<div>\n", encoding="utf-8"
    )
    with pytest.raises(BookError):
        epub_build(root, root / "output")
    assert path.read_bytes() == before
    assert sorted(p.name for p in (root / "output").iterdir()) == [path.name]


def test_renderer_crash_keeps_the_previous_file(project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("minimal")
    path = epub_build(root, root / "output")
    before = path.read_bytes()

    def explode(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_module.Path, "write_bytes", explode)
    with pytest.raises(OSError):
        epub_build(root, root / "output")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in (root / "output").iterdir()) == [path.name]


def test_write_atomically_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "book.epub"
    write_atomically(target, b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["book.epub"]


def test_editions_get_ordinary_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "book.epub", b"data")
    finally:
        os.umask(old)
    assert (tmp_path / "book.epub").stat().st_mode & 0o777 == 0o644


def test_leftovers_of_a_killed_build_are_removed(project) -> None:
    root = project("minimal")
    (root / "output").mkdir()
    stale = root / "output" / ".bookpress-abc123.tmp"
    stale.write_bytes(b"half a book")
    epub_build(root, root / "output")
    assert not stale.exists()


def test_terminated_build_leaves_no_partial_file(project) -> None:
    root = project("ordered")
    output = root / "output"
    process = subprocess.Popen(
        [sys.executable, str(REPO / "compile.py"), "build", "-f", "epub"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    leftovers = [p.name for p in output.iterdir()] if output.exists() else []
    assert not [name for name in leftovers if name.endswith(".tmp")]
    for name in leftovers:
        with zipfile.ZipFile(output / name) as epub:  # whatever is there is complete
            assert epub.testzip() is None
