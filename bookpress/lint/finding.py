"""A finding of the linter and how it is printed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .codes import CODES


@dataclass(frozen=True)
class Finding:
    """One thing ``check`` reports, at a place the author's editor can jump to."""

    file: Path
    line: int
    column: int
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    def shown_path(self, root: Path) -> str:
        """The file relative to ``root`` (the working folder) when it lies inside it."""
        try:
            return self.file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(self.file)

    def format(self, root: Path, *, code: str | None = None) -> str:
        """``file:line:column: code: message``; ``code`` may be the code dressed in colour."""
        return f"{self.shown_path(root)}:{self.line}:{self.column}: {code or self.code}: {self.message}"

    def as_dict(self, root: Path) -> dict[str, object]:
        return {
            "file": self.shown_path(root),
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": CODES[self.code].name,
            "severity": self.severity,
            "message": self.message,
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.file), self.line, self.column, self.code)
