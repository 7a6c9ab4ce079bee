"""Values from the author: checked as what they are, escaped where they land, in bounded time."""

from __future__ import annotations

import datetime as dt
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import tinyhtml5
from lxml import etree

from bookpress import values
from bookpress.build import BuildOptions, build, timestamp
from bookpress.cover import CoverText, cover_layout
from bookpress.errors import BookError, Collector
from bookpress.gate import Gate
from bookpress.lint.source import read_text
from bookpress.loader import load_book
from bookpress.manuscript import read_source
from bookpress.model import volume_number
from bookpress.preview import volume_page
from bookpress.renderers import html, pdf_html
from bookpress.typography import smarten, smarten_segments
from conftest import REPO, copy_project, replace_in, with_printer_and_address

XHTML = "{http://www.w3.org/1999/xhtml}"
HOSTILE = "de\"><script>alert('lang')</script><x a='"


def finishes(work: Callable[[], object], *, seconds: float = 10) -> bool:
    """Whether ``work`` returns within ``seconds`` (a quadratic pass on 100 KB takes minutes)."""
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(seconds)


# ------------------------------------------------------------------ language table


@pytest.mark.parametrize(
    ("written", "tag"),
    [
        ("de", "de"),
        ("DE", "de"),
        ("de-at", "de-AT"),
        ("de_CH", "de-CH"),
        ("De-Li", "de-LI"),
        ("de-LU", "de-LU"),
    ],
)
def test_supported_language_tags_are_normalised(written: str, tag: str) -> None:
    assert values.language_tag(written) == tag


@pytest.mark.parametrize("written", ["en", "de-US", "deu", "de-DE-1996", "", HOSTILE, "de" + " " * 100])
def test_unsupported_language_tags_are_refused(written: str) -> None:
    assert values.language_tag(written) is None


def test_supported_languages_come_from_one_table() -> None:
    assert values.supported_languages() == "de, de-DE, de-AT, de-CH, de-LI, de-LU"


# ------------------------------------------------------------------ text values


@pytest.mark.parametrize(
    "char", ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\ufffe", "\ud800"]
)
def test_control_and_other_refused_characters(char: str) -> None:
    problem = values.text_problem(f"Titel{char}Ende", limit=100)
    assert problem is not None and "control character" in problem
    assert f"U+{ord(char):04X}" in problem


def test_tabs_and_line_feeds_only_where_lines_are_allowed() -> None:
    assert values.text_problem("a\tb", limit=10) is not None
    assert values.text_problem("a\tb\nc", limit=10, multiline=True) is None


def test_length_is_counted_without_surrounding_blanks() -> None:
    assert values.text_problem("  " + "x" * 10 + "  ", limit=10) is None
    assert values.text_problem("x" * 11, limit=10) == "is 11 characters long; at most 10 are allowed"


@pytest.mark.parametrize(
    ("written", "number"), [("3", 3), ("III", 3), ("iv", 4), ("\u0663", None), ("9" * 5000, None), ("", None)]
)
def test_volume_numbers_typed_by_the_author(written: str, number: int | None) -> None:
    assert volume_number(written) == number


# ------------------------------------------------------------------ SOURCE_DATE_EPOCH


def test_last_epoch_is_the_end_of_2107() -> None:
    assert dt.datetime.fromtimestamp(values.LAST_EPOCH, dt.UTC) == dt.datetime(
        2107, 12, 31, 23, 59, 59, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    "epoch",
    [str(values.LAST_EPOCH + 1), "9" * 30, "\u0661\u0662\u0663", "-1", "1e9", "12 34"],
)
def test_source_date_epoch_out_of_range_or_not_digits(monkeypatch, epoch: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(BookError, match="SOURCE_DATE_EPOCH must"):
        timestamp(None)  # type: ignore[arg-type]  # the volume is not looked at


def test_latest_dates_build_an_epub_the_zip_can_hold(project, monkeypatch, tmp_path: Path) -> None:
    root = project("minimal")
    replace_in(root / "manuscript" / "book.toml", "date = 2025-01-15", "date = 2107-12-31")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(values.LAST_EPOCH))
    [written] = build(root, BuildOptions(output=tmp_path / "out", formats=("epub",)))
    with zipfile.ZipFile(written.path) as epub:
        assert {info.date_time[0] for info in epub.infolist()} == {2107}
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
    assert opf.findtext(".//{http://purl.org/dc/elements/1.1/}date") == "2107-12-31"


# ------------------------------------------------------------------ front matter


def chapter(tmp_path: Path, front: str) -> Path:
    path = tmp_path / "01-kapitel.md"
    path.write_text(f"---\n{front}\n---\n\nText.\n", encoding="utf-8")
    return path


def front_problems(path: Path) -> list[str]:
    problems = Collector()
    read_source(path, problems, gate=Gate(path.parent))
    return [problem.format() for problem in problems.problems]


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1b", "\u2029"])
def test_control_character_in_front_matter_names_file_and_line(tmp_path: Path, char: str) -> None:
    path = chapter(tmp_path, f"title: Anfang\nsubtitle: Hallo{char}Welt")
    [message] = front_problems(path)
    assert message.startswith(f"{path}:3: front matter line contains a control character (U+")


def test_refused_title_line_is_one_problem_not_two(tmp_path: Path) -> None:
    path = chapter(tmp_path, "title: Hallo\x07Welt")
    assert len(front_problems(path)) == 1


def test_tab_between_key_and_value_is_fine(tmp_path: Path) -> None:
    assert front_problems(chapter(tmp_path, "title:\tAnfang")) == []


@pytest.mark.parametrize(
    ("key", "limit"),
    [
        ("title", values.MAX_TITLE_CHARS),
        ("subtitle", values.MAX_SUBTITLE_CHARS),
        ("summary", values.MAX_SUMMARY_CHARS),
    ],
)
def test_front_matter_lengths_are_bounded(tmp_path: Path, key: str, limit: int) -> None:
    title = "" if key == "title" else "title: Anfang\n"
    line = 2 if key == "title" else 3
    fine = chapter(tmp_path, f"{title}{key}: {'x' * limit}")
    assert front_problems(fine) == []
    long = chapter(tmp_path, f"{title}{key}: {'x' * (limit + 1)}")
    assert front_problems(long) == [
        f"{long}:{line}: '{key}' is {limit + 1} characters long; at most {limit} are allowed"
    ]


def test_long_unknown_key_is_not_repeated(tmp_path: Path) -> None:
    path = chapter(tmp_path, f"title: Anfang\n{'k' * 5000}: 1")
    [message] = front_problems(path)
    assert "kkkkkkkk" not in message and "of 5000 characters" in message


def test_control_character_in_front_matter_stops_the_build_cleanly(project, tmp_path: Path) -> None:
    root = with_printer_and_address(project("minimal"))  # the one problem is the character
    source = root / "manuscript" / "teil-1" / "01-anfang.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: ", "title: \x1b[31m", 1), encoding="utf-8")
    with pytest.raises(BookError) as caught:
        build(root, BuildOptions(output=tmp_path / "out", formats=("epub",)))
    [problem] = caught.value.problems
    assert problem.file == source and problem.line == 2
    assert "U+001B" in problem.message


# ------------------------------------------------------------------ escaping


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory):
    """The minimal fixture book, its language replaced after loading (the loader refuses it)."""
    book = load_book(copy_project("minimal", tmp_path_factory.mktemp("lang") / "minimal"))
    return replace(book, series=replace(book.series, language=HOSTILE))


def parsed_html(text: str) -> etree._Element:
    return tinyhtml5.parse(text)


def test_lang_is_escaped_in_epub_pages(hostile_book) -> None:
    page = html.document(title="T", body="<p>x</p>", lang=HOSTILE, stylesheets=["a.css"], epub_type="cover")
    root = etree.fromstring(page.encode("utf-8"))  # still well-formed XML
    assert root.get("lang") == HOSTILE
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == HOSTILE
    assert root.find(f".//{XHTML}script") is None
    assert root.find(f"{XHTML}body").get("{http://www.idpf.org/2007/ops}type") == "cover"


def test_lang_is_escaped_in_the_pdf_html(hostile_book) -> None:
    volume = hostile_book.volumes[0]
    source = pdf_html.document(hostile_book, volume, timestamp=dt.datetime(2025, 1, 1), profile="print")
    tree = parsed_html(source)
    assert tree.get("lang") == HOSTILE
    assert not [e for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("script")]


def test_lang_is_escaped_in_the_preview(hostile_book) -> None:
    tree = parsed_html(volume_page(hostile_book, hostile_book.volumes[0], "v1"))
    assert tree.get("lang") == HOSTILE
    scripts = [e for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("script")]
    assert [s.get("src") for s in scripts] == ["/__bookpress/preview.js"]


# ------------------------------------------------------------------ bounded time

HUGE = 100_000
HOSTILE_TEXTS = {
    "unbroken": "x" * HUGE,
    "address-like": "a@" * (HUGE // 2),
    "dots": "." * HUGE,
    "url-like": "www." + "," * HUGE,
    "quotes": "\"'-" * (HUGE // 3),
    "digits": "1 " * (HUGE // 2),
}


@pytest.mark.parametrize("name", HOSTILE_TEXTS)
def test_typography_is_fast_on_100_kb(name: str) -> None:
    assert finishes(lambda: smarten(HOSTILE_TEXTS[name]))


def test_typography_still_protects_addresses_and_urls() -> None:
    [text], _ = smarten_segments(['Schreib an "a.b@c.de" oder www.x.de/a--b... gern.'])
    assert "a.b@c.de" in text and "www.x.de/a--b" in text and "\u201ea.b@c.de\u201c" in text


@pytest.mark.parametrize(
    "line",
    ["x" * HUGE, "<!--" * (HUGE // 4), "`" + "``a" * (HUGE // 3), "](" * (HUGE // 2), "_a" * (HUGE // 2),
     "|" + " " * HUGE + "x", "[^" * (HUGE // 2), "<!-- bookpress: ignore " + " " * HUGE],
)  # fmt: skip
def test_lint_reading_is_fast_on_100_kb_lines(tmp_path: Path, line: str) -> None:
    path = tmp_path / "01-lang.md"
    path.write_text(f"---\ntitle: Lang\n---\n\n{line}\n", encoding="utf-8")
    assert finishes(lambda: read_text(path))


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("a `code` b", "a xxxxxx b"),
        ("a ``co`de`` b", "a xxxxxxxxx b"),
        ("a `open b", "a `open b"),
        ("``a` b``", "xxxxxxxx"),
    ],
)
def test_code_spans_are_masked_as_markdown_reads_them(tmp_path: Path, line: str, masked: str) -> None:
    path = tmp_path / "01-code.md"
    path.write_text(f"---\ntitle: Code\n---\n\n{line}\n", encoding="utf-8")
    text = read_text(path)
    assert text is not None and text.masked[5] == masked


def test_cover_layout_of_the_longest_accepted_texts_is_fast() -> None:
    text = CoverText(
        series="Reihe " * (values.MAX_TITLE_CHARS // 6),
        volume_label="Band DCCCLXXXVIII",
        title="Wort " * (values.MAX_TITLE_CHARS // 5),
        subtitle="ab " * (values.MAX_SUBTITLE_CHARS // 3),
        author=", ".join(["Erika Mustermann"] * values.MAX_AUTHORS),
    )
    started = time.perf_counter()
    assert finishes(lambda: cover_layout(text, fonts_dir=REPO / "styles" / "fonts" / "libertine"), seconds=20)
    assert time.perf_counter() - started < 20
