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


def test_unreadable_trim_shows_how_to_write_one(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[print]\ntrim = "Oktav"\n', encoding="utf-8")
    [message] = problems_of(toml)
    assert message.startswith(f"{toml}:")
    assert "print.trim: cannot read this trim size" in message and '"12x19" (cm)' in message


# Values checked as what they are: each refusal names the file, the line and the key.
# (old text of the minimal fixture's book.toml, new text, expected "line: key: message" start)
REFUSED = [
    ('language = "de"', 'language = "en"', "3: series.language: is not a language the typography supports"),
    ('language = "de"', 'language = "de\\"><script>x</script>"', "3: series.language: is not a language"),
    ("number = 1", "number = 0", "13: volumes[1].number: must be between 1 and 999"),
    ("number = 1", "number = 1000000000", "13: volumes[1].number: must be between 1 and 999"),
    ("number = 1", "number = 100000000000000000000000", "13: volumes[1].number: must be between 1 and 999"),
    (
        "date = 2025-01-15",
        "date = 9999-12-31",
        "16: volumes[1].date: must lie between 1900-01-01 and 2107-12-31",
    ),
    ("date = 2025-01-15", "date = 1899-12-31", "16: volumes[1].date: must lie between"),
    (
        'ebook = "978-3-16-148410-0"',
        'ebook = "\u0669\u0667\u0668\u0663\u0661\u0666\u0661\u0664\u0668\u0664\u0661\u0660\u0660"',
        "18: volumes[1].isbn.ebook: '",
    ),
    (
        'ebook = "978-3-16-148410-0"',
        'ebook = "978316148410097831614841009783161484100"',
        "18: volumes[1].isbn.ebook: is 39",
    ),
    ('title = "Testreihe"', f'title = "{"T" * 201}"', "2: series.title: is 201 characters long; at most 200"),
    ('title = "Testreihe"', 'title = "   "', "2: series.title: must not be empty"),
    (
        'title = "Testreihe"',
        'title = "Test\\u0085reihe"',
        "2: series.title: contains a control character (U+0085",
    ),
    (
        'title = "Testreihe"',
        'title = "Test\\treihe"',
        "2: series.title: contains a control character (U+0009",
    ),
    ('name = "Erika Muster"', 'name = "Erika\\u2028Muster"', "9: series.authors[1].name: contains a control"),
    (
        'title = "Erster Band"',
        'title = "Erster\\u000bBand"',
        "14: volumes[1].title: contains a control character",
    ),
    (
        'title = "Testreihe"',
        'title = "T"\nsubjects = [' + '"s", ' * 51 + "]",
        "3: series.subjects: has 51 entries",
    ),
    (
        'title = "Testreihe"',
        'title = "T"\nsubjects = ["a", "b\\u0000"]',
        "3: series.subjects: entry 2 contains a control",
    ),
    (
        'title = "Testreihe"',
        'title = "T"\nsubjects = ["a", " "]',
        "3: series.subjects: entry 2 must not be empty",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), REFUSED)
def test_refused_values_name_line_and_key(project, old: str, new: str, expected: str) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    replace_in(toml, old, new)
    messages = problems_of(toml)
    assert any(m.startswith(f"{toml}:{expected}") for m in messages), messages


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("bleed_mm = nan", ["print.bleed_mm: must be a finite number between 0 and 20 (mm), not nan"]),
        ("bleed_mm = inf", ["print.bleed_mm: must be a finite number between 0 and 20 (mm), not inf"]),
        ("inner_margin_mm = -inf", ["print.inner_margin_mm: must be a finite number"]),
        ("bleed_mm = 25", ["print.bleed_mm: must be between 0 and 20 (mm)"]),
        (f"top_margin_mm = {'9' * 400}", ["print.top_margin_mm: must be between 0 and 100 (mm)"]),
        (
            'trim = "custom"\nwidth_mm = 1e9\nheight_mm = -5',
            [
                "print.width_mm: must be between 50 and 1000 (mm)",
                "print.height_mm: must be between 50 and 1000",
            ],
        ),
        ('trim = "custom"\nwidth_mm = nan\nheight_mm = 200', ["print.width_mm: must be a finite number"]),
        ('trim = "custom"\nwidth_mm = 100', ["print.trim: a custom trim needs width_mm and height_mm"]),
        ('trim = "a5"\nwidth_mm = 100', ['print.width_mm: is used only with trim = "custom"']),
        (
            "inner_margin_mm = 60\nouter_margin_mm = 50",
            ["print.inner_margin_mm: inner_margin_mm and outer_margin_mm leave 10 mm of the page's 120 mm"],
        ),
        (
            "top_margin_mm = 90\nbottom_margin_mm = 90",
            ["print.top_margin_mm: top_margin_mm and bottom_margin_mm"],
        ),
    ],
)
def test_print_geometry_must_be_finite_and_plausible(project, table: str, expected: list[str]) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n[print]\n{table}\n", encoding="utf-8")
    messages = problems_of(toml)
    assert len(messages) == len(expected), messages
    for message, fragment in zip(messages, expected, strict=True):
        assert message.startswith(f"{toml}:2") and fragment in message, message


def test_plausible_extremes_are_accepted(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    replace_in(toml, 'language = "de"', 'language = "DE-ch"')
    replace_in(toml, "number = 1", "number = 999")
    replace_in(toml, "date = 2025-01-15", "date = 2107-12-31")
    replace_in(toml, 'title = "Erster Band"', f'title = "{"B" * 200}"')
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[print]\ntrim = "custom"\nwidth_mm = 50\nheight_mm = 1000\n'
        "bleed_mm = 20\ninner_margin_mm = 15\nouter_margin_mm = 15\n",
        encoding="utf-8",
    )
    config = load_config(toml)
    assert config.series.language == "de-CH"
    assert config.volumes[0].number == 999 and config.volumes[0].date.year == 2107
    assert (config.print.width_mm, config.print.height_mm, config.print.bleed_mm) == (50.0, 1000.0, 20.0)


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("x = " + "[" * 3000 + "]" * 3000, "arrays or tables nested too deeply"),
        ("x = " + "9" * 5000, "a number has far too many digits"),
    ],
)
def test_unusable_toml_is_a_clear_error(project, tail: str, expected: str) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n{tail}\n", encoding="utf-8")
    [message] = problems_of(toml)
    assert message == f"{toml}: not a usable book.toml: {expected}"


def test_too_many_volumes_is_one_message(project) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    text = toml.read_text(encoding="utf-8")
    volume = text[text.index("[[volumes]]") :]
    toml.write_text(text + ("\n" + volume) * 1000, encoding="utf-8")
    messages = problems_of(toml)
    assert messages == [f"{toml}:12: volumes: has 1001 entries; at most 999 are allowed"]


@pytest.mark.parametrize(
    "isbn",
    [
        "\u0669\u0667\u0668\u0663\u0661\u0666\u0661\u0664\u0668\u0664\u0661\u0660\u0660",  # Arabic-Indic
        "\uff19\uff17\uff18\uff13\uff11\uff16\uff11\uff14\uff18\uff14\uff11\uff10\uff10",  # full-width
        "978\t3\t16\t148410\t0",
        "9" * 1000,
    ],
)
def test_isbn_takes_ascii_digits_only(isbn: str) -> None:
    assert normalise_isbn(isbn) is None
