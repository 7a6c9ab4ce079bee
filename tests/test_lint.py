"""Tests for `bookpress check`: one fixture chapter per finding code, silencing, output forms.

tests/books/lint has a chapter per code, named NN-<code>-….md, that triggers that code
and no other warning or error; 01-sauber.md triggers nothing at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookpress.cli import main
from bookpress.lint import CODES, Finding, lint_project
from bookpress.lint.source import read_text
from conftest import BOOKS, REPO, replace_in

LINT = BOOKS / "lint"
CHAPTERS = LINT / "manuscript" / "band"
# Codes whose fixture is not a chapter of its own.
ELSEWHERE = {
    "W003": CHAPTERS / "notizen.md",
    "W004": LINT / "manuscript" / "book.toml",
    "W005": LINT / "manuscript" / "book.toml",
    "W006": LINT / "manuscript" / "book.toml",
}


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return list(lint_project(LINT).findings)


def fixture_of(code: str) -> Path:
    if code in ELSEWHERE:
        return ELSEWHERE[code]
    matches = list(CHAPTERS.glob(f"*-{code.lower()}-*.md"))
    assert len(matches) == 1, f"no fixture chapter for {code}"
    return matches[0]


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_code_has_a_fixture_that_triggers_it(code: str, findings: list[Finding]) -> None:
    path = fixture_of(code)
    found = {f.code for f in findings if f.file.resolve() == path.resolve()}
    assert code in found
    if code.startswith("I"):
        assert found == {code}
    else:
        # book.toml is the fixture of every project-wide code.
        sharing = {c for c in CODES if fixture_of(c) == path} if path.name == "book.toml" else {code}
        assert {c for c in found if not c.startswith("I")} == sharing


def test_the_clean_chapter_has_no_findings(findings: list[Finding]) -> None:
    assert [f for f in findings if f.file.name in ("01-sauber.md", "autorin.md")] == []


def test_findings_are_sorted_and_located(findings: list[Finding]) -> None:
    assert findings == sorted(findings, key=Finding.sort_key)
    by_code = {f.code: f for f in findings}
    assert (by_code["E011"].line, by_code["E011"].column) == (5, 35)
    assert (by_code["E010"].line, by_code["E010"].column) == (5, 33)
    assert (by_code["W041"].line, by_code["W041"].column) == (5, 16)
    assert (by_code["W031"].line, by_code["W040"].line) == (11, 5)
    line = fixture_of("W040").read_text(encoding="utf-8").splitlines()[4]
    assert line[by_code["W040"].column - 1] == '"'


def test_the_sample_series_is_clean_under_strict() -> None:
    report = lint_project(REPO)
    assert not report.failed(strict=True), [f.format(REPO) for f in report.findings]
    assert report.counts["info"] > 0  # its straight quotes are converted, and reported as info


def test_code_blocks_spans_and_urls_are_not_prose(tmp_path: Path) -> None:
    path = tmp_path / "k.md"
    path.write_text(
        '---\ntitle: T\n---\n\n```\n"a"  b\n```\n\nSiehe `"x"` und '
        '[hier](https://example.org/"a") oder <!-- "z" -->.\n',
        encoding="utf-8",
    )
    text = read_text(path)
    assert text is not None
    assert [b.text for b in text.blocks] == ["Siehe xxxxx und hier oder ."]


def test_guessed_quotes_map_to_their_column(tmp_path: Path) -> None:
    path = tmp_path / "k.md"
    path.write_text('---\ntitle: T\n---\n\n- Er sagte **"ja"**,\n  dann "nein".\n', encoding="utf-8")
    from bookpress.lint.rules import typographic_guesses

    text = read_text(path)
    assert text is not None
    places = [(f.line, f.column) for f in typographic_guesses(text)]
    assert places == [(5, 14), (5, 17), (6, 8), (6, 13)]


def test_project_ignore_silences_a_code(project) -> None:
    root = project("lint")
    path = root / "manuscript" / "book.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[check]\nignore = ["W041", "E030"]\n', encoding="utf-8"
    )
    report = lint_project(root)
    assert not {"W041", "E030"} & {f.code for f in report.findings}
    assert report.silenced == 2


def test_a_comment_silences_a_code_in_its_file(project) -> None:
    root = project("lint")
    chapter = next((root / "manuscript" / "band").glob("14-*.md"))
    replace_in(chapter, "Zwischen", "<!-- bookpress: ignore W041 -->\n\nZwischen")
    report = lint_project(root)
    assert "W041" not in {f.code for f in report.findings}
    assert report.silenced == 1


def test_unlisted_chapter_when_volume_lists_its_chapters(project) -> None:
    root = project("lint")
    replace_in(root / "manuscript" / "book.toml", 'dir = "band"', 'dir = "band"\nchapters = ["01-sauber.md"]')
    findings = [f for f in lint_project(root).findings if f.code == "W003"]
    # Every numbered chapter but the listed one, and the notes.
    assert len(findings) == len(list(CHAPTERS.glob("[0-9]*.md"))) - 1 + 1
    assert "lists the chapters of volumes[1]" in findings[0].message


def test_a_broken_book_toml_is_reported_as_findings(project) -> None:
    root = project("lint")
    replace_in(root / "manuscript" / "book.toml", 'language = "de"', 'language = "de"\ncolour = 1')
    report = lint_project(root)
    assert [(f.code, f.file.name, f.line) for f in report.findings] == [("E001", "book.toml", 5)]
    assert "series.colour: unknown key" in report.findings[0].message


def test_a_missing_project_is_a_finding(tmp_path: Path) -> None:
    report = lint_project(tmp_path)
    assert [f.code for f in report.findings] == ["E001"]
    assert report.failed()


# --- the command


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_check_prints_findings_and_exits_1() -> None:
    result = run("-C", str(LINT), "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert all(re.match(r"^[^:]+:\d+:\d+: [EWI]\d{3}: ", line) for line in lines)
    assert not any(": I04" in line for line in lines)  # information only with --verbose
    assert "11 errors, 17 warnings" in result.stderr


def test_check_verbose_shows_information() -> None:
    result = run("-C", str(LINT), "--verbose", "check")
    assert ": I042: " in result.stdout and ": I043: " in result.stdout


def test_check_json() -> None:
    result = run("-C", str(LINT), "check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["counts"] == {"error": 11, "warning": 17, "info": 7}
    assert len(data["findings"]) == 28  # information only with --verbose, as in text
    first = data["findings"][0]
    assert set(first) == {"file", "line", "column", "code", "name", "severity", "message"}


def test_strict_makes_warnings_count(project) -> None:
    root = project("lint")
    for path in (root / "manuscript" / "band").glob("*-e*.md"):
        path.unlink()
    assert run("-C", str(root), "check").exit_code == 0
    result = run("-C", str(root), "check", "--strict")
    assert result.exit_code == 1
    assert "17 warnings" in result.stderr  # two of them W006: the fixture names no printer


def test_check_on_the_sample_series_succeeds() -> None:
    result = run("-C", str(REPO), "check", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 3 volumes, 9 chapters, no problems found")


def test_check_rejects_a_bad_format() -> None:
    assert run("-C", str(LINT), "check", "--format", "xml").exit_code == 2


def test_check_lists_codes() -> None:
    result = run("check", "--codes")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(CODES)


def test_no_color_and_pipes_get_no_escape_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = CliRunner().invoke(main, ["-C", str(LINT), "check"], color=True)
    assert "\x1b[" not in result.output
    monkeypatch.delenv("NO_COLOR")
    coloured = CliRunner().invoke(main, ["-C", str(LINT), "check"], color=True)
    assert "\x1b[" in coloured.output
    piped = CliRunner().invoke(main, ["-C", str(LINT), "check"])
    assert "\x1b[" not in piped.output


def test_footnote_calls_in_emphasis_lists_and_tables(tmp_path: Path) -> None:
    from bookpress.lint.rules import footnotes

    path = tmp_path / "k.md"
    path.write_text(
        "---\ntitle: T\n---\n\n*kursiv[^a]*\n\n- Punkt[^b]\n\n| A | B |\n|---|---|\n| x[^c] | y |\n\n"
        "Da[^d] und dort[^e].\n\n- [^d]: In einer Liste definiert.\n\n> [^e]: Im Zitat definiert.\n",
        encoding="utf-8",
    )
    text = read_text(path)
    assert text is not None
    found = [(f.code, f.line, f.column) for f in footnotes(text)]
    assert found == [("E011", 5, 8), ("E011", 7, 8), ("E011", 11, 4)]


@pytest.mark.parametrize("code", ["E011", "E013", "E023", "E044"])
def test_the_build_refuses_what_check_reports_at_the_same_line(code: str, findings: list[Finding]) -> None:
    from bookpress.errors import BookError
    from bookpress.loader import load_book

    with pytest.raises(BookError) as refusal:
        load_book(LINT)
    path = fixture_of(code)
    problems = refusal.value.problems
    lines = {p.line for p in problems if p.file is not None and p.file.resolve() == path.resolve()}
    assert lines == {f.line for f in findings if f.code == code}


def test_footnote_definitions_are_found_in_linear_time_under_deep_indentation(tmp_path: Path) -> None:
    import time

    from bookpress.lint.rules import footnotes

    path = tmp_path / "k.md"
    path.write_text("---\ntitle: T\n---\n\n" + "".join(" " * (4 * i) + "- x\n" for i in range(600)))
    text = read_text(path)
    assert text is not None
    started = time.process_time()
    assert list(footnotes(text)) == []
    assert time.process_time() - started < 0.5
