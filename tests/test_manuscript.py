"""Finding, ordering and reading chapter files; problems reported with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookpress.errors import BookError
from bookpress.loader import load_book
from bookpress.model import chapter_code, full_code
from conftest import REPO, replace_in


def problems_of(root: Path) -> list[str]:
    with pytest.raises(BookError) as caught:
        load_book(root)
    return [p.format(root=root) for p in caught.value.problems]


def test_sample_series_has_three_volumes_in_order() -> None:
    book = load_book(REPO)
    assert [v.number for v in book.volumes] == [1, 2, 3]
    for volume in book.volumes:
        assert len(volume.chapters) >= 3
        assert [c.position for c in volume.chapters] == list(range(1, len(volume.chapters) + 1))
    third = book.volume(3)
    assert chapter_code(third, third.chapters[1]) == "III/02"
    assert full_code(book.series, third, third.chapters[0]) == "#VUCA III/01"
    assert book.author_page.title == "Über die Autorin"


def test_numeric_prefix_orders_chapters(project) -> None:
    root = project("minimal")
    book = load_book(root)
    assert [c.doc.title for c in book.volume(1).chapters] == ["Der Anfang", "Das Ende"]


def test_explicit_list_wins_over_file_names(project) -> None:
    book = load_book(project("ordered"))
    assert [c.doc.title for c in book.volume(2).chapters] == ["Kapitel zwei", "Kapitel eins", "Kapitel drei"]


def test_new_chapter_takes_its_place(project) -> None:
    root = project("minimal")
    (root / "manuscript/teil-1/03-neu.md").write_text(
        "---\ntitle: Neu\n---\n\nNeuer Text.\n", encoding="utf-8"
    )
    (root / "manuscript/teil-1/notizen.md").write_text("no prefix: not a chapter\n", encoding="utf-8")
    volume = load_book(root).volume(1)
    assert [c.doc.title for c in volume.chapters] == ["Der Anfang", "Das Ende", "Neu"]
    assert chapter_code(volume, volume.chapters[2]) == "I/03"


def test_duplicate_position(project) -> None:
    root = project("minimal")
    (root / "manuscript/teil-1/02-doppelt.md").write_text("---\ntitle: X\n---\n\nText\n", encoding="utf-8")
    [message] = problems_of(root)
    assert message == (
        "manuscript/teil-1/02-ende.md: position 02 is taken twice: 02-doppelt.md "
        "and 02-ende.md; renumber one or list the chapters in book.toml"
    )


def test_listed_file_missing(project) -> None:
    root = project("ordered")
    replace_in(root / "manuscript/book.toml", '"drei.md"]', '"drei.md", "vier.md"]')
    [message] = problems_of(root)
    assert message == (
        "manuscript/book.toml:18: volumes[1].chapters: chapter file 'kapitel/vier.md' does not exist"
    )


def test_problems_in_several_files_come_together(project) -> None:
    root = project("minimal")
    (root / "manuscript/teil-1/01-anfang.md").write_bytes(
        "---\ntitle: Anfang\n---\n\nZeile\nGr\xfc\xdfe\n".encode("latin-1")
    )
    (root / "manuscript/teil-1/02-ende.md").write_text("", encoding="utf-8")
    (root / "manuscript/autorin.md").write_text("---\ntitel: Ich\n---\n\nText\n", encoding="utf-8")
    messages = problems_of(root)
    assert messages == [
        "manuscript/teil-1/01-anfang.md:6: is not UTF-8 (byte 0xfc); save it as UTF-8",
        "manuscript/teil-1/02-ende.md:1: is empty",
        "manuscript/autorin.md:2: unknown front matter key 'titel'; expected one of: title, "
        "subtitle, summary",
        "manuscript/autorin.md:1: front matter needs a 'title'",
    ]


def test_front_matter_required(project) -> None:
    root = project("minimal")
    (root / "manuscript/teil-1/02-ende.md").write_text("Nur Text.\n", encoding="utf-8")
    [message] = problems_of(root)
    assert message.startswith("manuscript/teil-1/02-ende.md:1: must start with front matter")


def test_front_matter_without_text(project) -> None:
    root = project("minimal")
    (root / "manuscript/teil-1/02-ende.md").write_text("---\ntitle: Leer\n---\n\n  \n", encoding="utf-8")
    [message] = problems_of(root)
    assert message == "manuscript/teil-1/02-ende.md:4: has front matter but no text"
