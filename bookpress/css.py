"""Checks on the references a stylesheet makes, for the EPUB as for the PDF.

A stylesheet may only use files of the project: every ``@import`` and
``url()`` must be a relative reference that stays inside the project folder.
Web addresses, ``data:`` and ``file:`` URLs and absolute paths are refused
with the stylesheet's file and line (a remote ``@import`` would otherwise give
an EPUB that EPUBCheck rejects, and a PDF that depends on the network). The
CSS is read with tinycss2, the tokenizer WeasyPrint itself uses, so what is
checked here is what the renderers will see.

Messages never quote the reference itself: it is text from a refused file.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import tinycss2
from tinycss2 import ast

from .errors import BookErrors, Problem

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URL_FUNCTIONS = ("url", "src")  # src() is the CSS Values 4 spelling of url()
# Functions whose quoted strings are image addresses too: image-set("a.png" 1x, "b.png" 2x).
_IMAGE_FUNCTIONS = ("image-set", "-webkit-image-set", "image", "cross-fade")


class Reference(NamedTuple):
    """A file a stylesheet uses."""

    url: str  # as written (never shown in a message)
    line: int  # line in the stylesheet
    target: str  # project-relative POSIX path it names (query and fragment removed)


def references(text: str, *, file: Path, relative: str | None = None) -> list[Reference]:
    """The files ``text`` (the stylesheet at project path ``relative``, by default a file
    named like ``file`` at the top of the project) refers to.

    Raises BookErrors naming ``file`` and the line of every reference that is
    not a relative path to a file inside the project, and of every piece of
    CSS that cannot be parsed.
    """
    found, problems = _references(text, file, relative or file.name)
    if problems:
        raise BookErrors(list(problems))
    return list(found)


@functools.lru_cache(maxsize=64)
def _references(text: str, file: Path, relative: str) -> tuple[tuple[Reference, ...], tuple[Problem, ...]]:
    """(references, problems) of a stylesheet: parsed once per text in a process (``watch``
    and ``preview`` check the same stylesheets at every save)."""
    found: list[Reference] = []
    problems: list[Problem] = []
    for url, line in _urls(tinycss2.parse_stylesheet(text), problems, file=file):
        if url.startswith("#"):
            continue  # a fragment of the document using the sheet (an SVG filter): no file
        reason = _refusal(url) or _climbs(relative, url)
        if reason:
            problems.append(Problem(reason, file, line))
        else:
            found.append(Reference(url, line, _target(relative, url)))
    return tuple(found), tuple(problems)


def fragment_problems(text: str, *, file: Path, line: int, inline: bool) -> list[Problem]:
    """Problems of CSS inside an SVG (``<style>`` or a ``style`` attribute starting at ``line``):
    there only references to the same document (``url(#id)``) are allowed, and no ``@import``."""
    problems: list[Problem] = []
    nodes = tinycss2.parse_blocks_contents(text) if inline else tinycss2.parse_stylesheet(text)
    for url, offset in _urls(nodes, problems, file=file, line=line - 1):
        if not url.startswith("#"):
            problems.append(
                Problem("CSS in an SVG image may only refer to the same image (url(#id))", file, offset)
            )
    return problems


def _urls(
    nodes: Iterable[ast.Node], problems: list[Problem], *, file: Path, line: int = 0
) -> Iterator[tuple[str, int]]:
    """Every URL named in ``nodes``, with its line (offset by ``line``); parse errors are collected."""
    for node in nodes:
        where = line + (node.source_line or 1)
        if isinstance(node, ast.ParseError):
            problems.append(Problem(f"the CSS cannot be read here ({node.kind})", file, where))
        elif isinstance(node, ast.URLToken):
            yield node.value, where
        elif isinstance(node, ast.FunctionBlock):
            strings = [t for t in node.arguments if isinstance(t, ast.StringToken)]
            if node.lower_name in _URL_FUNCTIONS:
                yield (strings[0].value if strings else ""), where
            elif node.lower_name in _IMAGE_FUNCTIONS:
                for string in strings:
                    yield string.value, where
            elif node.lower_name == "local":
                problems.append(
                    Problem(
                        "local() takes a font from the computer that builds, which differs from "
                        "machine to machine; name a font file in styles/fonts with url()",
                        file,
                        where,
                    )
                )
            yield from _urls(node.arguments, problems, file=file, line=line)
        elif isinstance(node, ast.AtRule):
            if node.lower_at_keyword == "import":
                first = next((t for t in node.prelude if not _blank(t)), None)
                if isinstance(first, ast.StringToken):
                    yield first.value, where
            if node.lower_at_keyword != "namespace":  # a namespace URL names no file
                yield from _urls(node.prelude, problems, file=file, line=line)
            yield from _urls(node.content or (), problems, file=file, line=line)
        elif isinstance(node, ast.QualifiedRule):
            yield from _urls(node.prelude, problems, file=file, line=line)
            yield from _urls(node.content, problems, file=file, line=line)
        elif isinstance(node, ast.Declaration):
            yield from _urls(node.value, problems, file=file, line=line)
        elif isinstance(node, (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)):
            yield from _urls(node.content, problems, file=file, line=line)


def _blank(token: ast.Node) -> bool:
    return isinstance(token, (ast.WhitespaceToken, ast.Comment))


def _refusal(url: str) -> str | None:
    """Why ``url`` may not be used by a stylesheet, or None."""
    if not url.strip():
        return "url() or @import names no file"
    if _SCHEME.match(url):
        return (
            "url() or @import uses a URL scheme (a web address, data: or file:); "
            "a stylesheet may only use files inside the project, by a relative path"
        )
    if url.startswith(("/", "\\")):
        return "url() or @import uses an absolute path; write it relative to the stylesheet"
    if "\x00" in unquote(url) or "\\" in url:
        return "url() or @import names a path with a backslash or NUL; use '/' between folders"
    return None


def _climbs(relative: str, url: str) -> str | None:
    target = _target(relative, url)
    if target == ".." or target.startswith("../") or target in ("", "."):
        return "url() or @import climbs out of the project folder with '..'"
    return None


def _target(relative: str, url: str) -> str:
    """The project-relative path ``url`` names from the stylesheet at ``relative``."""
    path = unquote(re.split(r"[?#]", url, maxsplit=1)[0])
    return posixpath.normpath(posixpath.join(posixpath.dirname(relative), path))
