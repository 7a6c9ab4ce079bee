"""Tests for `bookpress stats`: counts, the page estimate, and the three output forms."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner
from pypdf import PdfReader

from bookpress.build import BuildOptions, build
from bookpress.cli import main
from bookpress.model import PrintSettings
from bookpress.stats import NORMSEITE, page_capacity
from conftest import REPO, replace_in


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_json_counts_chapters_and_volumes(project) -> None:
    root = project("minimal")
    result = run("-C", str(root), "stats", "--format", "json")
    assert result.exit_code == 0, result.output
    volume = json.loads(result.stdout)["volumes"][0]
    assert volume["code"] == "I"
    chapters = volume["chapters"]
    assert [c["code"] for c in chapters] == ["I/01", "I/02"]
    assert volume["words"] == sum(c["words"] for c in chapters)
    for count in [volume, *chapters]:
        assert count["normseiten"] == round(count["characters"] / NORMSEITE, 1)
        assert count["print_pages"] >= 1 and count["reading_minutes"] >= 1
    assert volume["print_pages"] % 2 == 0


def test_words_come_from_the_text_not_the_markup(project) -> None:
    root = project("minimal")
    chapter = root / "manuscript" / "teil-1" / "01-anfang.md"
    text = chapter.read_text(encoding="utf-8")
    front = text[: text.index("---", 3) + 4]
    chapter.write_text(
        front + "\nEins *zwei* [drei](https://example.org) vier-fünf geht's.\n", encoding="utf-8"
    )
    data = json.loads(run("-C", str(root), "stats", "-f", "json").stdout)
    first = data["volumes"][0]["chapters"][0]
    assert first["words"] == 5 + 5  # title and subtitle, then the body


def test_table_and_csv(project) -> None:
    root = project("minimal")
    table = run("-C", str(root), "stats")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["chapter", "title", "words", "characters"]
    assert any(line.startswith("Band I ") for line in lines)
    rows = list(csv.DictReader(io.StringIO(run("-C", str(root), "stats", "-f", "csv").stdout)))
    assert [r["level"] for r in rows] == ["chapter", "chapter", "volume"]


def test_sample_series_volume_selection() -> None:
    data = json.loads(run("-C", str(REPO), "stats", "-V", "III", "-f", "json").stdout)
    assert [v["code"] for v in data["volumes"]] == ["III"]
    assert len(data["volumes"][0]["chapters"]) == 3


def test_a_larger_trim_holds_more_text() -> None:
    small, large = PrintSettings(), PrintSettings(width_mm=170, height_mm=240)
    assert page_capacity(large)[0] > page_capacity(small)[0]
    assert page_capacity(large)[1] > page_capacity(small)[1]


def test_failures(project, tmp_path) -> None:
    assert run("-C", str(tmp_path), "stats").exit_code == 1  # no project there
    assert run("-C", str(REPO), "stats", "-V", "IX").exit_code == 1
    assert run("-C", str(REPO), "stats", "-f", "xml").exit_code == 2
    root = project("minimal")
    replace_in(root / "manuscript" / "book.toml", 'title = "Erster Band"', "title = 3")
    result = run("-C", str(root), "stats")
    assert result.exit_code == 1 and "book.toml" in result.stderr


def test_print_pages_from_the_last_layout(project) -> None:
    """After a print build, the pages are those of the PDF; an edited chapter is estimated
    again, and with it the volume, while the other chapters keep their laid-out pages."""
    root = project("pdf-mini")
    [written] = build(root, BuildOptions(output=root / "output", profiles=("print",), jobs=1))
    reader = PdfReader(written.path)
    starts = sorted(
        reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)
    )
    volume = json.loads(run("-C", str(root), "stats", "-f", "json").stdout)["volumes"][0]
    assert volume["pages_from"] == "laid out"
    assert volume["print_pages"] == len(reader.pages)
    for chapter, start, end in zip(volume["chapters"], starts[-3:], starts[-2:], strict=False):
        assert chapter["pages_from"] == "laid out"
        assert chapter["print_pages"] in (end - start, end - start - 1)  # a blank page before the next
    chapter = root / "manuscript" / "band-1" / "02-mitte.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nEin neuer Absatz.\n", encoding="utf-8")
    volume = json.loads(run("-C", str(root), "stats", "-f", "json").stdout)["volumes"][0]
    assert [c["pages_from"] for c in volume["chapters"]] == ["laid out", "estimated"]
    assert volume["pages_from"] == "estimated"
    table = run("-C", str(root), "stats").stdout
    assert "laid out" in table and "estimated" in table
