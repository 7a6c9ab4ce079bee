"""Deep nesting and huge inputs: bounded time and memory, a clear message past the limits.

A 100 KB unbroken string in running text is fine and fast; as a title it is over
the length limit. Nesting 400 or 2,000 deep is refused with the chapter named;
ordinary depths pass.
"""

from __future__ import annotations

from pathlib import Path

from .case import CHAPTER, Case, Toml, chapter, either, ok, refused

UNBROKEN_100K = "x" * 100_000
UNBROKEN_1M = "x" * 1_000_000


def _list(depth: int) -> str:
    return "\n".join("    " * level + "- Punkt" for level in range(depth))


def _quote(depth: int) -> str:
    return ">" * depth + " Zitat"


def _divs(depth: int) -> str:
    return "<div>" * depth + "x" + "</div>" * depth


def _deep(name: str, body: str) -> Case:
    return Case(name, "nesting", refused(None, "01-anfang.md"), files={CHAPTER: chapter(body)})


def _many_chapters(count: int) -> dict[str, str | bytes]:
    return {
        f"manuscript/teil-1/{n:03d}-kapitel.md": chapter(f"Text {n}.", title=f"Kapitel {n}")
        for n in range(3, count + 1)
    }


def _isbn(volume: int, edition: int) -> str:
    """A valid ISBN-13 of its own for each volume and edition."""
    digits = f"9783161484{volume}{edition}"
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _many_volumes(project: Path, outside: Path) -> None:
    toml = project / "manuscript/book.toml"
    text = toml.read_text(encoding="utf-8")
    for number in range(2, 5):
        folder = project / f"manuscript/teil-{number}"
        folder.mkdir()
        (folder / "01-anfang.md").write_text(chapter(f"Band {number}."), encoding="utf-8")
        text += (
            f'\n[[volumes]]\nnumber = {number}\ntitle = "Band {number}"\ndir = "teil-{number}"\n'
            f"date = 2025-0{number}-01\n[volumes.isbn]\n"
            f'ebook = "{_isbn(number, 0)}"\nprint = "{_isbn(number, 1)}"\n'
        )
    toml.write_text(text, encoding="utf-8")


WORDS = " ".join(["Ein ganz gewöhnlicher Satz mit „Anführungszeichen“ und - Strichen."] * 8)
BIG_TEXT = "\n\n".join([WORDS] * 1_000)  # about 600 KB of paragraphs

CASES = [
    _deep("list-400", _list(400)),
    _deep("list-2000", _list(2000)),
    _deep("blockquote-400", _quote(400)),
    _deep("blockquote-2000", _quote(2000)),
    _deep("raw-divs-400", _divs(400)),
    _deep("raw-divs-2000", _divs(2000)),
    _deep("ordered-list-400", "\n".join("   " * level + "1. Punkt" for level in range(400))),
    Case("list-8", "nesting", ok(), files={CHAPTER: chapter(_list(8))}),
    Case("blockquote-8", "nesting", ok(), files={CHAPTER: chapter(_quote(8))}),
    Case("unbroken-100k-in-text", "huge", ok(), files={CHAPTER: chapter(f"Davor {UNBROKEN_100K} danach.")}),
    Case("unbroken-100k-in-heading", "huge", ok(), files={CHAPTER: chapter(f"## {UNBROKEN_100K}\n\nText.")}),
    # Python-Markdown may leave a 100 KB link as text, which is then refused: either is fine.
    Case(
        "unbroken-100k-url",
        "huge",
        either("01-anfang.md"),
        files={CHAPTER: chapter(f"[Link](https://example.org/{UNBROKEN_100K})")},
    ),
    Case(
        "unbroken-100k-in-front-title",
        "huge",
        refused("E001", "01-anfang.md", 2),
        files={CHAPTER: chapter(title=UNBROKEN_100K)},
    ),
    Case(
        "unbroken-1m-in-front-title",
        "huge",
        refused("E001", "01-anfang.md", 2),
        files={CHAPTER: chapter(title=UNBROKEN_1M)},
    ),
    Case(
        "unbroken-1m-in-series-title",
        "huge",
        refused("E001", "book.toml", 2),
        toml=Toml({"series.title": UNBROKEN_1M}),
    ),
    Case(
        "unbroken-100k-in-volume-title",
        "huge",
        refused("E001", "book.toml", Toml().line("volume.title")),
        toml=Toml({"volume.title": UNBROKEN_100K}),
    ),
    Case("many-chapters", "huge", ok(), files=_many_chapters(150), timeout=60),
    Case("many-volumes", "huge", ok(), setup=_many_volumes, timeout=60),
    Case("big-chapter", "huge", ok(), files={CHAPTER: chapter(BIG_TEXT)}, timeout=60),
    Case(
        "chapter-over-size-limit",
        "huge",
        refused(None, "01-anfang.md"),
        files={CHAPTER: chapter("Wort " * 5_000_000)},
        timeout=60,
    ),
    Case(
        "many-footnotes",
        "huge",
        ok(),
        files={
            CHAPTER: chapter(
                " ".join(f"Satz[^{n}]." for n in range(500))
                + "\n\n"
                + "\n".join(f"[^{n}]: Note {n}." for n in range(500))
            )
        },
    ),
    Case(
        "long-hyphenation-list",
        "huge",
        ok(),
        files={"manuscript/hyphenation.txt": "\n".join(f"Wort{n}-teil" for n in range(5_000))},
    ),
]
