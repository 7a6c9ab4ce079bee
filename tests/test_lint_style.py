"""The typesetter's rules of `bookpress check` (W045 to W049): where they point, and where not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookpress.lint.source import read_text
from bookpress.lint.style import style


def found(tmp_path: Path, body: str) -> list[tuple[int, int, str]]:
    path = tmp_path / "k.md"
    path.write_text("---\ntitle: T\n---\n\n" + body, encoding="utf-8")
    text = read_text(path)
    assert text is not None
    return [(f.line, f.column, f.code) for f in style(text)]


# (id, body, findings as (line, column, code); the body starts on line 5)
CASES = [
    ("hyphen-before-word", "Der Ost -West-Konflikt.\n", [(5, 9, "W045")]),
    ("hyphen-after-word", "Ost- West.\n", [(5, 4, "W045")]),
    ("hyphen-at-line-end", "Ost-\nWest.\n", [(5, 4, "W045")]),
    ("shortened-compounds", "Ein- und Ausgang, Haupt- oder -nebensatz, Vor-, Haupt- und Nachteile.\n", []),
    ("spaced-hyphen-at-end", "So endet es -\n", [(5, 13, "W046")]),
    ("spaced-hyphen-made-a-dash", "Ein Satz - mit Einschub - weiter.\n", []),
    ("hyphen-alone-in-a-cell", "| a | b |\n|---|---|\n| - | 5 |\n", []),
    ("two-commas", "Er sagte ,,nein''.\n", [(5, 10, "W047"), (5, 16, "W047")]),
    ("acute-accent", "Wie geht´s?\n", [(5, 9, "W047")]),
    ("times", "Ein Raum von 3 x 4 m, ein Brett 2x3.\n", [(5, 16, "W048"), (5, 34, "W048")]),
    ("hexadecimal", "Der Wert 0x1F.\n", []),
    ("space-before-comma", "Falsch , sagte sie .\n", [(5, 7, "W049"), (5, 19, "W049")]),
    ("ratio-and-ellipsis", "Im Verhältnis 3 : 1 und dann . . .\n", []),
    ("code-is-not-prose", "Nutze `a , b -c 3 x 4` hier.\n", []),
    ("foreign-words", "Sie fragte [Quoi ?]{lang=fr} und ging.\n", []),
    ("link-target", "Siehe [hier](https://example.org/a,,b) und mehr.\n", []),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_style(tmp_path: Path, body: str, expected: list[tuple[int, int, str]]) -> None:
    assert found(tmp_path, body) == expected
