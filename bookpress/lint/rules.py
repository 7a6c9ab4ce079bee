"""Rules over one chapter's raw text: notes, structure, spacing and typography."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .. import typography
from . import style
from .finding import Finding
from .source import Block, Text, visible

Rule = Callable[[Text], Iterator[Finding]]

# Bounded names: an unbounded one rescans to the end of the line from every "[^".
_NOTE_CALL = re.compile(r"\[\^([^\]\s\[]{1,200})\](?!:)")
# A definition may follow list markers and ">" (Python-Markdown reads those too); the
# build reports any call still left as text, so erring towards "defined" loses nothing.
# Possessive quantifiers: backtracking over deep indentation would be quadratic.
_CONTAINER = r"(?:[ \t]*+(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))"
_NOTE_DEFINITION = re.compile(rf"^{_CONTAINER}*+[ \t]*+\[\^([^\]\s]{{1,200}})\]:")
_DOUBLE_SPACE = re.compile(r"(?<=[^\s\0]) {2,}(?=[^\s\0])")
_OPENING = {typography.DQ_OPEN: typography.DQ_CLOSE, typography.SQ_OPEN: typography.SQ_CLOSE}
_CLOSING = {close: open_ for open_, close in _OPENING.items()}
_TYPOGRAPHIC_QUOTE = re.compile(f"[{''.join(_OPENING)}{''.join(_CLOSING)}]")


def footnotes(text: Text) -> Iterator[Finding]:
    """E011 calls without a definition, W012 definitions without a call."""
    definitions: dict[str, int] = {}
    for number, line in text.masked.items():
        definition = _NOTE_DEFINITION.match(line)
        if definition:
            definitions.setdefault(definition.group(1), number)
    called: set[str] = set()
    for number, line in text.masked.items():
        definition = _NOTE_DEFINITION.match(line)
        for call in _NOTE_CALL.finditer(line, definition.end() if definition else 0):
            name = call.group(1)
            called.add(name)
            if name not in definitions:
                yield Finding(
                    text.path,
                    number,
                    call.start() + 1,
                    "E011",
                    f"footnote [^{name}] is called here but never defined; add a line '[^{name}]: …'",
                )
    for name, number in definitions.items():
        if name not in called:
            yield Finding(
                text.path,
                number,
                1,
                "W012",
                f"footnote [^{name}] is defined but never called; it will not be printed",
            )


def empty(text: Text) -> Iterator[Finding]:
    """E030 a chapter without text (comments do not count)."""
    if not any(visible(line) for line in text.masked.values()):
        yield Finding(text.path, text.body_line, 1, "E030", "the chapter has front matter but no text")


def headings(text: Text) -> Iterator[Finding]:
    """W031 heading levels that skip; the chapter title counts as level 1."""
    previous = 1
    for heading in text.headings:
        if heading.level > previous + 1:
            yield Finding(
                text.path,
                heading.line,
                1,
                "W031",
                f"heading level skips from H{previous} to H{heading.level}; "
                f"use {'#' * (previous + 1)} (H{previous + 1})",
            )
        previous = heading.level


def title_repeated(text: Text) -> Iterator[Finding]:
    """W032 the front-matter title written again as an H1 (the book prints it already)."""
    title = _comparable(text.title)
    for heading in text.headings:
        if heading.level == 1 and title and _comparable(heading.text) == title:
            yield Finding(
                text.path,
                heading.line,
                1,
                "W032",
                "the chapter title is printed from the front matter; remove this repeated '# …' heading",
            )


def _comparable(value: str) -> str:
    return " ".join(re.sub(r"[\"'„“‚‘’`*_]", "", value).split()).casefold()


def double_spaces(text: Text) -> Iterator[Finding]:
    """W041 two or more spaces between words (tables are left alone: they align with spaces)."""
    for number, line in text.masked.items():
        if "  " not in line or line.lstrip().startswith("|"):  # most lines: no pattern scan
            continue
        for match in _DOUBLE_SPACE.finditer(line):
            yield Finding(
                text.path,
                number,
                match.start() + 1,
                "W041",
                f"{len(match.group(0))} spaces between words; use one",
            )


def typographic_guesses(text: Text) -> Iterator[Finding]:
    """W040 quotes that cannot be paired; I042/I043 every other guess of the typography pass."""
    for block in text.blocks:
        yield from _block_guesses(text, block)


def _block_guesses(text: Text, block: Block) -> Iterator[Finding]:
    _, guesses = typography.smarten_segments([block.text])
    if not guesses:  # most paragraphs: nothing to report, nothing to pair
        return
    chosen = {guess.offset: guess for guess in guesses}
    unpaired = _unpaired(block.text, chosen)
    for guess in guesses:
        line, column = block.position(guess.offset)
        if guess.offset in unpaired:
            yield Finding(
                text.path,
                line,
                column,
                "W040",
                f"straight quote {guess.original} has no partner in this paragraph; "
                f"it became {guess.replacement} — type „…“ or ‚…‘ (or ’) yourself here",
            )
        elif guess.kind == "dash":
            yield Finding(
                text.path, line, column, "I043", f"'{guess.original}' became a dash ({guess.replacement})"
            )
        else:
            yield Finding(
                text.path,
                line,
                column,
                "I042",
                f"straight {guess.kind} {guess.original} became {guess.replacement}",
            )


def _unpaired(source: str, chosen: dict[int, typography.Guess]) -> set[int]:
    """Offsets of guessed quotes left open at the end of the block, or closing nothing,
    or standing alone between spaces."""
    stacks: dict[str, list[int]] = {typography.DQ_OPEN: [], typography.SQ_OPEN: []}
    lost: set[int] = set()
    # Only typographic quotes and the guesses matter: the rest of the text is not visited.
    typed = (match.start() for match in _TYPOGRAPHIC_QUOTE.finditer(source))
    for offset in sorted({*typed, *chosen}):
        ch = chosen[offset].replacement if offset in chosen else source[offset]
        if ch in _OPENING:
            stacks[ch].append(offset)
        elif ch in _CLOSING:
            stack = stacks[_CLOSING[ch]]
            if stack:
                stack.pop()
            else:
                lost.add(offset)
        if offset in chosen and _alone(source, offset):
            lost.add(offset)
    lost.update(offset for stack in stacks.values() for offset in stack)
    return {offset for offset in lost if offset in chosen and chosen[offset].kind == "quote"}


def _alone(source: str, offset: int) -> bool:
    before = source[offset - 1] if offset else " "
    after = source[offset + 1] if offset + 1 < len(source) else " "
    return before.isspace() and after.isspace() and source[offset] in "\"'"


RULES: tuple[Rule, ...] = (
    footnotes,
    empty,
    headings,
    title_repeated,
    double_spaces,
    typographic_guesses,
    style.style,
)
