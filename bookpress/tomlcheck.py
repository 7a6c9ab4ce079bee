"""Strict checking of parsed TOML against a small schema, with lines for messages.

tomllib keeps no positions, so :class:`Locator` finds the line of a key by
scanning the text; every problem names the file, the key and, where found, the
line.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Collector
from .values import text_problem


@dataclass(frozen=True)
class Spec:
    """What one key may hold."""

    kind: str  # "str" | "int" | "float" | "bool" | "date" | "strs" | "table" | "tables"
    required: bool = False
    fields: dict[str, Spec] | None = None  # for tables
    chars: int = 0  # most characters of a string, or of each string of a list (0: no strings)
    items: int = 0  # most entries of a list ("strs", "tables")
    multiline: bool = False  # line feeds and tabs allowed (they are folded into spaces later)


class Locator:
    """Finds the line of a key path such as ("volumes", 2, "isbn", "ebook") in TOML text.

    tomllib keeps no positions, so we scan headers and ``key =`` lines; a miss
    just means the message names the key without a line.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # Header lines by header, in order: a file with a thousand volumes and a problem
        # in each must not be rescanned from the top for every message.
        self.headers: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines):
            if line.lstrip().startswith("["):
                self.headers.setdefault(line.strip().replace(" ", ""), []).append(number)

    def find(self, path: tuple[Any, ...]) -> int | None:
        start, end, prefix = 0, len(self.lines), ""
        for part in path[:-1]:
            if isinstance(part, int):
                found = self._nth_header(f"[[{prefix}]]", part, start, end)
                if found is None:
                    return None
                start = found
                end = self._next_header(f"[[{prefix}]]", start + 1, end)
            else:
                prefix = f"{prefix}.{part}" if prefix else part
                header = self._nth_header(f"[{prefix}]", 0, start, end)
                if header is not None:
                    start = header
        last = path[-1] if path else None
        if isinstance(last, int) or last is None:
            return start + 1 if path else None
        pattern = re.compile(rf"^\s*(\"?){re.escape(str(last))}\1\s*=")
        for number in range(start, end):
            if pattern.match(self.lines[number]):
                return number + 1
        header = re.compile(rf"^\s*\[+\s*(.*\.)?{re.escape(str(last))}\s*\]+")
        for number in range(start, end):
            if header.match(self.lines[number]):
                return number + 1
        return None

    def _nth_header(self, header: str, n: int, start: int, end: int) -> int | None:
        lines = self.headers.get(header, [])
        index = bisect_left(lines, start) + n
        return lines[index] if index < len(lines) and lines[index] < end else None

    def _next_header(self, header: str, start: int, end: int) -> int:
        found = self._nth_header(header, 0, start, end)
        return end if found is None else found


class Reporter:
    """Adds a problem about a key path of one TOML file, with the key's line."""

    def __init__(self, path: Path, locator: Locator, problems: Collector) -> None:
        self.path, self.locator, self.problems = path, locator, problems

    def __call__(self, where: tuple[Any, ...], message: str) -> None:
        self.problems.add(message, file=self.path, line=self.locator.find(where), key=key_name(where))


def key_name(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


KIND_NAMES = {
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "date": "a date like 2026-03-01",
    "strs": "a list of strings",
    "table": "a table",
    "tables": "a list of tables ([[…]])",
}


def _kind_ok(value: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind == "strs":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "table":
        return isinstance(value, dict)
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def check_table(
    data: dict[str, Any],
    spec: dict[str, Spec],
    path: tuple[Any, ...],
    file: Path,
    locator: Locator,
    problems: Collector,
) -> None:
    for key in sorted(set(data) - set(spec)):
        expected = ", ".join(sorted(spec))
        problems.add(
            f"unknown key; expected one of: {expected}",
            file=file,
            line=locator.find((*path, key)),
            key=key_name((*path, key)),
        )
    for key, rule in spec.items():
        where = (*path, key)
        if key not in data:
            if rule.required:
                problems.add(
                    f"missing required {KIND_NAMES[rule.kind]}",
                    file=file,
                    line=locator.find(path) if path else None,
                    key=key_name(where),
                )
            continue
        value = data[key]
        if not _kind_ok(value, rule.kind):
            problems.add(
                f"must be {KIND_NAMES[rule.kind]}, not {type(value).__name__}",
                file=file,
                line=locator.find(where),
                key=key_name(where),
            )
            continue
        for problem in _value_problems(value, rule):
            problems.add(problem, file=file, line=locator.find(where), key=key_name(where))
        if rule.kind == "table" and rule.fields is not None:
            check_table(value, rule.fields, where, file, locator, problems)
        elif rule.kind == "tables" and rule.fields is not None:
            if not value:
                problems.add("must not be empty", file=file, line=locator.find(where), key=key_name(where))
            # Past the limit the entries are not checked: one message, not thousands.
            for index, item in enumerate(value[: rule.items or None]):
                check_table(item, rule.fields, (*where, index), file, locator, problems)


def _value_problems(value: Any, rule: Spec) -> list[str]:
    """Length and character problems of a value of the right kind."""
    out = []
    if rule.required and isinstance(value, str) and not value.strip():
        out.append("must not be empty")
    if isinstance(value, list) and rule.items and len(value) > rule.items:
        out.append(f"has {len(value)} entries; at most {rule.items} are allowed")
    texts = [value] if isinstance(value, str) else value if rule.kind == "strs" else []
    for index, text in enumerate(texts):
        problem = text_problem(text, limit=rule.chars, multiline=rule.multiline)
        if problem is None and rule.kind == "strs" and not text.strip():
            problem = "must not be empty"
        if problem:
            where = f"entry {index + 1} " if rule.kind == "strs" else ""
            out.append(where + problem)
            break  # one message per key is enough to find it
    return out
