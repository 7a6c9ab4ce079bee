"""book.toml: strict validation, every problem of a run reported together."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookpress.config import load_config, normalise_isbn
from bookpress.errors import BookError
from conftest import REPO, replace_in


def problems_of(path: Path) -> list[str]:
    with pytest.raises(BookError) as caught:
        load_config(path)
    return [p.format() for p in caught.value.problems]


def test_sample_series_loads() -> None:
    config = load_config(REPO / "manuscript" / "book.toml")
    assert config.series.title == "#VUCA"
    assert config.series.language == "de"
    assert [v.number for v in config.volumes] == [1, 2, 3]
    assert config.series.authors[0].sort == "Laurencon, Angelica"
    assert config.volumes[2].isbn_ebook == "978-3-98765-105-2"
    assert config.print.trim == "12x19" and config.print.bleed_mm == 3.0


@pytest.mark.parametrize(
    ("isbn", "digits"),
    [
        ("978-3-16-148410-0", "9783161484100"),
        ("978 0 306 40615 7", "9780306406157"),
        ("978-3-16-148410-1", None),  # wrong check digit
        ("3-16-148410-X", None),  # ISBN-10
        ("979-12-345", None),
    ],
)
def test_isbn_check_digit(isbn: str, digits: str | None) -> None:
    assert normalise_isbn(isbn) == digits


def test_unknown_key_names_file_line_and_allowed_keys(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    replace_in(toml, 'language = "de"', 'language = "de"\nlangauge = "de"')
    [message] = problems_of(toml)
    assert message.startswith(f"{toml}:4: series.langauge: unknown key; expected one of: ")
    assert "language" in message and "publisher" in message


def test_all_problems_of_a_run_are_reported_together(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    replace_in(toml, 'title = "Testreihe"\n', "")
    replace_in(toml, "number = 1", 'number = "eins"')
    replace_in(toml, "[volumes.isbn]", "colour = 'blau'\n[volumes.isbn]")
    messages = problems_of(toml)
    assert len(messages) == 3
    assert any("series.title: missing required a string" in m for m in messages)
    assert any(":12: volumes[1].number: must be a whole number, not str" in m for m in messages)
    assert any("volumes[1].colour: unknown key" in m for m in messages)


def test_malformed_isbn_names_the_line(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    replace_in(toml, 'ebook = "978-3-16-148410-0"', 'ebook = "978-3-16-148410-9"')
    [message] = problems_of(toml)
    assert message == (
        f"{toml}:18: volumes[1].isbn.ebook: '978-3-16-148410-9' is not a valid "
        "ISBN-13 (check digit or length)"
    )


def test_control_character_is_refused(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    replace_in(toml, 'rights = "Alle Rechte vorbehalten."', 'rights = "Alle\\u0007 Rechte"')
    [message] = problems_of(toml)
    assert "series.rights: contains a control character" in message


def test_toml_syntax_error_has_a_line(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    replace_in(toml, 'publisher = "Testverlag"', 'publisher = "Testverlag')
    [message] = problems_of(toml)
    assert message.startswith(f"{toml}:4: not valid TOML")


def test_duplicate_volume_numbers(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    text = toml.read_text(encoding="utf-8")
    second = text[text.index("[[volumes]]") :].replace('title = "Erster Band"', 'title = "Noch einer"')
    toml.write_text(text + "\n" + second, encoding="utf-8")
    [message] = problems_of(toml)
    assert "volumes[2].number: volume number 1 is also used by volumes[1]" in message
    assert ":22:" in message


def test_missing_file_is_one_clear_problem(tmp_path: Path) -> None:
    [message] = problems_of(tmp_path / "book.toml")
    assert "book.toml not found" in message


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('trim = "a5"', (148.0, 210.0)),
        ('trim = "6x9in"', (152.4, 228.6)),
        ('trim = "custom"\nwidth_mm = 110\nheight_mm = 178', (110.0, 178.0)),
    ],
)
def test_trim_sizes(project, table: str, expected: tuple[float, float]) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n[print]\n{table}\n", encoding="utf-8")
    settings = load_config(toml).print
    assert (settings.width_mm, settings.height_mm) == expected


def test_unknown_trim_lists_presets(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[print]\ntrim = "B5"\n', encoding="utf-8")
    [message] = problems_of(toml)
    assert "print.trim: unknown trim size; expected one of: 12x19" in message
