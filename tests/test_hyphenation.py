"""The project hyphenation list and the safer German Pyphen dictionary."""

from __future__ import annotations

from pathlib import Path

import pyphen
import pytest

from bookpress.errors import BookError, Collector
from bookpress.gate import Gate
from bookpress.hyphenation import (
    SOFT_HYPHEN,
    Exceptions,
    load_dictionary,
    parse_entry,
    read_list,
    use_safer_german,
    vowel_safe,
)
from bookpress.manuscript import Source
from bookpress.markup import Converter


def test_entry_gives_word_and_break_points() -> None:
    assert parse_entry("Fort-schritt") == ("Fortschritt", (4,))
    assert parse_entry("Brü-cken-kno-ten") == ("Brückenknoten", (3, 7, 10))
    assert parse_entry("VUCA") == ("VUCA", ())


@pytest.mark.parametrize("entry", ["Fort--schritt", "-Fort", "zwei Worte"])
def test_malformed_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError):
        parse_entry(entry)


def test_list_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "hyphenation.txt"
    path.write_text("# comment\nFort-schritt\n\nDeutsch--land  # typo\n", encoding="utf-8")
    with pytest.raises(BookError) as caught:
        read_list(path, gate=Gate(tmp_path))
    assert [(p.file, p.line) for p in caught.value.problems] == [(path, 4)]


def test_listed_words_found_whole_and_in_any_case() -> None:
    exceptions = Exceptions(["Fort-schritt", "VUCA"])
    pieces = list(exceptions.split("Der fortschritt in der VUCA-Welt, kein Fortschrittsglaube."))
    assert [(p.text, p.kind) for p in pieces] == [
        ("Der ", "text"),
        (f"fort{SOFT_HYPHEN}schritt", "breaks"),
        (" in der ", "text"),
        ("VUCA", "never"),
        ("-Welt, kein Fortschrittsglaube.", "text"),
    ]


@pytest.mark.parametrize(
    ("entry", "text"),
    [("ı-x", "Ix ıx"), ("ſ-x", "Sx ſx"), ("İx", "ix İx"), ("\u212a-elvin", "Kelvin"), ("Stra-ße", "STRASSE")],
)
def test_letters_whose_case_folds_unevenly_are_split_without_fail(entry: str, text: str) -> None:
    """Case is ignored as ``re`` ignores it: a match that lowers to no listed key keeps its points."""
    pieces = list(Exceptions([entry]).split(text))
    assert "".join(p.text for p in pieces).replace(SOFT_HYPHEN, "") == text
    for piece in pieces:
        if piece.kind == "breaks":
            assert piece.text.index(SOFT_HYPHEN) == entry.index("-")


def test_markup_wraps_listed_words_but_not_headings_or_code(tmp_path: Path) -> None:
    body = "## Fortschritt\n\nDer Fortschritt und `Fortschritt` und *Fortschritt*.\n"
    source = Source(path=tmp_path / "a.md", meta={"title": "T"}, meta_lines={}, body=body, body_line=1)
    doc = Converter(tmp_path, hyphenation=("Fort-schritt",)).convert(source, anchor="a", problems=Collector())
    marked = f'<span class="hyphens-manual">Fort{SOFT_HYPHEN}schritt</span>'
    assert doc.html.count(marked) == 2  # the paragraph and the emphasis
    assert "<code>Fortschritt</code>" in doc.html
    assert ">Fortschritt</h2>" in doc.html


def test_vowel_safe_drops_breaks_around_vowelless_pieces() -> None:
    assert vowel_safe("Klarheit", [3, 4]) == []
    assert vowel_safe("Fortschritt", [4, 5]) == []
    assert vowel_safe("Weiterbildung", [3, 6, 9]) == [3, 6, 9]


def test_safer_german_dictionary_is_what_pyphen_serves() -> None:
    use_safer_german("de")
    german = pyphen.Pyphen(lang="de")
    assert german.inserted("Klarheit") == "Klarheit"
    assert german.inserted("Weiterbildung") == "Wei-ter-bil-dung"


@pytest.mark.parametrize(("language", "file"), [("de-CH", "hyph_de_CH.dic"), ("en-GB", "hyph_en_GB.dic")])
def test_a_dictionary_loaded_ahead_is_the_one_pyphen_serves(language: str, file: str) -> None:
    path = pyphen.LANGUAGES[pyphen.language_fallback(language.replace("-", "_"))]
    pyphen.hdcache.pop(path, None)
    load_dictionary(language)
    assert Path(str(path)).name == file
    loaded = pyphen.hdcache[path]
    assert pyphen.Pyphen(lang=language.replace("-", "_")).hd is loaded
    # German gets the dictionary without vowelless pieces, other languages Pyphen's own.
    assert (type(loaded).__name__ == "VowelSafeDict") == language.startswith("de")


def test_a_parsed_dictionary_is_kept_in_the_cache_and_hyphenates_the_same(tmp_path: Path) -> None:
    from bookpress import hyphenation
    from bookpress.cache import Cache

    cache = Cache(tmp_path)
    path = pyphen.LANGUAGES["de_DE"]
    kind = hyphenation._vowel_safe_dict(pyphen.HyphDict)
    read = hyphenation._read(kind, path, cache)
    assert cache.size()[0] == 1
    parsed: list[object] = []

    class Counted(kind):  # type: ignore[misc, valid-type]
        def __init__(self, path: object) -> None:
            parsed.append(path)
            super().__init__(path)

    again = hyphenation._read(Counted, path, cache)
    assert parsed == []  # from the cache, not the file
    assert again.patterns == read.patterns and again.maxlen == read.maxlen
    for word in ("Weiterbildung", "Klarheit", "Organisationsentwicklung", "Fortschritt"):
        assert again.positions(word) == read.positions(word)
    (entry,) = (path for path in cache.path.rglob("*") if path.is_file() and len(path.name) == 64)
    entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")  # damaged: read from the file again
    hyphenation._read(Counted, pyphen.LANGUAGES["de_DE"], cache)
    assert len(parsed) == 1
