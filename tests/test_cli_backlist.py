"""bookpress backlist through Click: a good project builds, a broken one is reported, exit 1."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bookpress.cli import main
from conftest import copy_project


def test_backlist_builds_the_good_project_and_reports_the_broken_one(tmp_path: Path) -> None:
    good = copy_project("minimal", tmp_path / "gut")
    broken = copy_project("minimal", tmp_path / "kaputt")
    (broken / "manuscript" / "teil-1" / "01-anfang.md").write_text(
        "---\ntitle: Kaputt\n---\n\n<div>\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["backlist", str(good), str(broken), "-j", "1", "-f", "epub"])
    assert result.exit_code == 1, result.output
    epub = good / "output" / "Testreihe-I_9783161484100.epub"
    assert epub.stat().st_size > 10_000
    assert result.stdout.splitlines()[0].startswith(f"wrote {epub}  (")
    assert "1 of 2 projects built: 1 edition (" in result.stdout
    assert "01-anfang.md:5:1: E001: raw HTML is not well-formed" in result.stderr
    assert f"{broken}: 1 error" in result.stderr and "nothing was written." in result.stderr
    assert result.stderr.splitlines()[-1] == f"1 failed: {broken}"
    assert "Traceback" not in result.stderr
    assert not (broken / "output").exists()


def test_backlist_of_good_projects_exits_0_and_says_what_is_up_to_date(tmp_path: Path) -> None:
    roots = [copy_project("minimal", tmp_path / "a"), copy_project("ordered", tmp_path / "b")]
    result = CliRunner().invoke(main, ["--quiet", "backlist", *map(str, roots), "-j", "1", "-p", "ebook"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # --quiet: only problems (the warnings of the checks) are printed
    assert "W022" in result.stderr
    assert [len(list((root / "output").glob("*.epub"))) for root in roots] == [1, 1]
    again = CliRunner().invoke(main, ["backlist", *map(str, roots), "-j", "1", "-p", "ebook"])
    assert again.exit_code == 0, again.output
    assert [line.split(": ")[0] for line in again.stdout.splitlines()[:2]] == ["up to date"] * 2
    assert "2 of 2 projects built: 2 editions (" in again.stdout and "2 of them up to date" in again.stdout


def test_backlist_needs_a_project() -> None:
    result = CliRunner().invoke(main, ["backlist"])
    assert result.exit_code == 2 and "Missing argument 'PROJECT...'" in result.stderr
