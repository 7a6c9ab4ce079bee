"""Raw Markdown sources as the linter reads them: lines, front matter, headings, prose blocks.

The linter works on the author's text, not on the XHTML, so that every finding
points at a line and column she can jump to. Code (fenced blocks and code
spans), HTML comments and tags, link targets and Markdown markers are masked;
what is left of each paragraph, list item, heading or table cell is a
:class:`Block` that knows where each of its characters came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import BookError
from ..gate import MAX_SOURCE_BYTES, Gate, Where, decode_utf8, read_regular
from ..limits import fenced_lines

Position = tuple[int, int]  # (line, column), both 1-based

DELETED = "\0"  # a masked character that stands for nothing (a tag, a comment)
CODE = "x"  # a masked character that stands for a word (code, URL), as in typography.py
_KEPT = re.compile(f"[^{DELETED}]+")

# Every pattern here runs in time linear in the line (or body): no two quantifiers can
# match the same characters, runs that cannot be followed by what they end on are
# possessive (*+, ++), and a scan for a closing character stops at the next opening one.
# Comments and code spans are found by plain scanning instead (see _mask_comments and
# _mask_code_spans): their lazy patterns rescanned the rest of the text from every opener.
_SILENCE = re.compile(r"<!--\s*+bookpress:\s*+ignore\s([A-Z0-9,\s]*+)-->")
_BACKTICKS = re.compile(r"`+")
# The closing sequence and trailing blanks may only start where a run of blanks starts:
# tried inside the run, they rescanned it from every position.
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]++(.*?))?(?:(?<![ \t])[ \t]+#+)?(?<![ \t])[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_SEPARATOR = re.compile(r"^\s*+\|?\s*+:?-++:?\s*+(?:\|\s*+:?-++:?\s*+)*+\|?\s*+$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])[ \t]+")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]]+\]:[ \t]*")
# Inline markup: each alternative is kept as a word ("x"), or dropped. Each begins with a
# character of _MARKUP_START (see _inline).
_INLINE = re.compile(
    r"(?P<word><(?:https?|mailto):[^<>\s]*>|\[\^[^\[\]\s]+\]"
    # Words in another language (bookpress.mdguards): not German, so not read as German.
    r"|\[[^\[\]]*\]\{[ \t]*lang[ \t]*=[^{}]*\})"
    r"|(?P<drop>!\[[^\[\]]*\]\([^()]*\)"  # an image has no text
    r"|</?[A-Za-z][^<>]*>"  # raw HTML tags
    r"|\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"  # a link's target
    r"|\{[:#.][^{}]*\}|\{[ \t]*lang[ \t]*=[^{}]*\}"  # attribute lists, a language
    r"|[\[\]]|\*+|(?<!\w)_+|(?<!_)_++(?!\w))"
)
_MARKUP_START = re.compile(r"[<\[!\]{*_]")


@dataclass(frozen=True)
class Block:
    """The visible text of one paragraph, list item, heading or table cell.

    ``text`` is made of runs, each from consecutive columns of one line (or one
    character standing for a word or a line break): ``starts`` holds the offset in
    ``text`` where each run begins, ``places`` where it begins in the file.
    """

    text: str
    starts: tuple[int, ...]
    places: tuple[Position, ...]

    def position(self, offset: int) -> Position:
        """Where the character ``text[offset]`` stands in the file."""
        run = bisect_right(self.starts, offset) - 1
        line, column = self.places[run]
        return line, column + offset - self.starts[run]


@dataclass(frozen=True)
class Heading:
    """A heading in the body, as written."""

    level: int
    text: str  # markup removed
    line: int


@dataclass(frozen=True)
class Text:
    """One Markdown file, split and masked for the rules."""

    path: Path
    lines: tuple[str, ...]  # the file as written
    body_line: int  # 1-based line of the first body line
    title: str
    meta_lines: dict[str, int]  # front-matter key -> line
    masked: dict[int, str]  # line -> body line with comments and code masked (not code blocks)
    blocks: tuple[Block, ...]
    headings: tuple[Heading, ...]
    silenced: frozenset[str]  # codes silenced by <!-- bookpress: ignore … -->

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""


def read_text(path: Path, *, gate: Gate | None = None) -> Text | None:
    """Read a Markdown file for linting; None if it is unreadable or has no front matter
    (the loader reports those). With a ``gate`` the file must also lie in its project."""
    try:
        if gate is not None:
            data = gate.read_found(path, named_by=Where(path), limit=MAX_SOURCE_BYTES)
        else:  # still never a FIFO, a device or an oversized file
            data = read_regular(path, limit=MAX_SOURCE_BYTES, named_by=Where(path))
        raw = decode_utf8(data, file=path)
    except BookError:
        return None
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return None
    meta_lines, title = _front_matter(lines[1:end])
    body_line = end + 2
    body = "\n".join(lines[end + 1 :])
    silenced = frozenset(
        code for match in _SILENCE.finditer(body) for code in re.split(r"[\s,]+", match.group(1)) if code
    )
    masked = _mask(body, body_line)
    blocks, headings = _Blocks(masked).build()
    return Text(
        path=path,
        lines=tuple(lines),
        body_line=body_line,
        title=title,
        meta_lines=meta_lines,
        masked=masked,
        blocks=tuple(blocks),
        headings=tuple(headings),
        silenced=silenced,
    )


def _front_matter(lines: list[str]) -> tuple[dict[str, int], str]:
    meta_lines: dict[str, int] = {}
    title = ""
    for number, line in enumerate(lines, 2):
        key, sep, value = line.partition(":")
        if sep and key.strip() and not line.lstrip().startswith("#"):
            meta_lines.setdefault(key.strip(), number)
            if key.strip() == "title":
                title = value.strip().strip("\"'")
    return meta_lines, title


def _mask(body: str, first: int) -> dict[int, str]:
    """Body lines by number, comments as DELETED, code spans as CODE; code blocks left out."""
    return {
        first + index: _mask_code_spans(line)
        for index, line, code in fenced_lines(_mask_comments(body))
        if not code
    }


def _mask_comments(body: str) -> str:
    """HTML comments replaced by DELETED, line breaks kept; an unclosed one is left as it is."""
    out, position = [], 0
    while (start := body.find("<!--", position)) != -1:
        end = body.find("-->", start + 4)
        if end == -1:
            break  # no later opener can be closed either
        end += 3
        out += [body[position:start], re.sub(r"[^\n]", DELETED, body[start:end])]
        position = end
    out.append(body[position:])
    return "".join(out)


def _mask_code_spans(line: str) -> str:
    """Code spans replaced by CODE: a run of backticks up to the next run of the same length.

    One pass over the runs (CommonMark's rule); a run without a partner stays literal.
    """
    if "`" not in line:  # most lines
        return line
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    later: dict[int, list[int]] = {}  # run length -> indices of runs, last first
    for index in reversed(range(len(runs))):
        later.setdefault(runs[index][1] - runs[index][0], []).append(index)
    out, position, index = [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        partners = later[end - start]
        while partners and partners[-1] <= index:
            partners.pop()
        if not partners:
            index += 1
            continue
        close = partners.pop()
        out += [line[position:start], CODE * (runs[close][1] - start)]
        position, index = runs[close][1], close + 1
    out.append(line[position:])
    return "".join(out)


def visible(line: str) -> bool:
    """Whether a masked line holds anything but blanks and masked comments."""
    return bool(line.replace(DELETED, "").strip())


class _Blocks:
    """Splits masked body lines into prose blocks the way Markdown would, near enough."""

    def __init__(self, masked: dict[int, str]) -> None:
        self.masked = masked
        self.blocks: list[Block] = []
        self.headings: list[Heading] = []
        self.text: list[str] = []  # the runs of the current block
        self.starts: list[int] = []
        self.places: list[Position] = []
        self.length = 0  # of the current block's text
        self.block_lines = 0
        self.previous_quote = False

    def build(self) -> tuple[list[Block], list[Heading]]:
        previous = None
        for number, line in self.masked.items():
            if previous is not None and number != previous + 1:
                self.flush()  # a code block lay between
            previous = number
            self.line(number, line)
        self.flush()
        return self.blocks, self.headings

    def line(self, number: int, line: str) -> None:
        quote = _QUOTE.match(line)
        if quote:
            if not self.previous_quote:
                self.flush()
            self.previous_quote = True
            line = " " * quote.end() + line[quote.end() :]
        else:
            self.previous_quote = False
        if not visible(line):
            self.flush()
            return
        if self._heading(number, line) or self._table(number, line):
            return
        if _RULE.match(line):
            self.flush()
            return
        start = _LIST_ITEM.match(line) or _NOTE_DEFINITION.match(line)
        if start:
            self.flush()
            self.add(number, line, start.end())
            return
        if self.text:
            self._run("\n", number - 1, len(self.masked.get(number - 1, "")) + 1)
        self.add(number, line, 0)

    def _heading(self, number: int, line: str) -> bool:
        atx = _ATX.match(line)
        if atx:
            self.flush()
            content = atx.group(2) or ""
            self.add(number, line, line.index(content) if content else len(line))
            self.headings.append(Heading(len(atx.group(1)), self._plain(), number))
            self.flush()
            return True
        setext = _SETEXT.match(line)
        if setext and self.block_lines == 1:
            self.headings.append(Heading(1 if setext.group(1)[0] == "=" else 2, self._plain(), number - 1))
            self.flush()
            return True
        return False

    def _table(self, number: int, line: str) -> bool:
        if not line.lstrip().startswith("|"):
            return False
        self.flush()
        if _TABLE_SEPARATOR.match(line):
            return True
        for cell in re.finditer(r"(?<=\|)[^|]+", line):
            self.add(number, line[: cell.end()], cell.start())
            self.flush()
        return True

    def _plain(self) -> str:
        return " ".join("".join(self.text).split())

    def add(self, number: int, line: str, start: int) -> None:
        """Append line[start:] to the current block, markup masked."""
        self.block_lines += 1
        index = start
        for match in _inline(line, start):
            self._keep(number, line, index, match.start())
            if match.group("word"):
                self._run(CODE, number, match.start() + 1)
            index = match.end()
        self._keep(number, line, index, len(line))

    def _keep(self, number: int, line: str, start: int, end: int) -> None:
        """Append line[start:end] but its DELETED characters."""
        for run in _KEPT.finditer(line, start, end):
            self._run(run[0], number, run.start() + 1)

    def _run(self, text: str, line: int, column: int) -> None:
        """Append ``text``, which stands at ``column`` of ``line`` and the columns after it."""
        self.text.append(text)
        self.starts.append(self.length)
        self.places.append((line, column))
        self.length += len(text)

    def flush(self) -> None:
        text = "".join(self.text)
        if text.strip():
            self.blocks.append(Block(text, tuple(self.starts), tuple(self.places)))
        self.text, self.starts, self.places, self.length, self.block_lines = [], [], [], 0, 0


def _inline(line: str, start: int) -> Iterator[re.Match[str]]:
    """The matches of ``_INLINE.finditer(line, start)``, tried only where one can begin.

    The lookbehinds of its alternatives made the engine try each of them at every
    character; most characters of prose are none of ``_MARKUP_START``'s.
    """
    position = start
    while (candidate := _MARKUP_START.search(line, position)) is not None:
        match = _INLINE.match(line, candidate.start())
        if match is None:
            position = candidate.start() + 1
        else:
            yield match
            position = match.end()
