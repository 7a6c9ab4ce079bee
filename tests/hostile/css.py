"""Stylesheets in styles/: remote and escaping references refused with file and line, for
the EPUB as for the PDF; an ordinary change passes."""

from __future__ import annotations

from pathlib import Path

from .case import Case, ok, refused

REPO_STYLES = Path(__file__).resolve().parents[2] / "styles"
BASE = (REPO_STYLES / "base.css").read_text(encoding="utf-8")
LINE = BASE.count("\n") + 2  # the added rule stands after a blank line at the end


def _with(rule: str) -> dict[str, str | bytes]:
    return {"styles/base.css": BASE + "\n" + rule + "\n"}


def _refused(name: str, rule: str, *, pdf: bool = False) -> Case:
    return Case(name, "css", refused(None, "base.css", LINE), files=_with(rule), pdf=pdf)


def _top(rule: str) -> dict[str, str | bytes]:
    """``rule`` first: @import must precede every other rule to count."""
    return {"styles/base.css": rule + "\n" + BASE}


CASES = [
    Case(
        "import-remote-url",
        "css",
        refused(None, "base.css", 1),
        files=_top('@import url("http://evil.example/a.css");'),
        pdf=True,
    ),
    Case(
        "import-remote-string",
        "css",
        refused(None, "base.css", 1),
        files=_top('@import "https://evil.example/a.css";'),
    ),
    Case(
        "import-upper-case",
        "css",
        refused(None, "base.css", 1),
        files=_top("@IMPORT url(HTTP://evil.example/a.css);"),
    ),
    Case(
        "import-outside",
        "css",
        refused(None, "base.css", 1),
        files=_top('@import "../../outside/secret.css";'),
        pdf=True,
    ),
    Case(
        "import-absolute",
        "css",
        refused(None, "base.css", 1),
        files=_top(f'@import "{"@OUTSIDE@"}/secret.css";'),
    ),
    _refused("url-remote", "body { background: url(http://evil.example/a.png); }", pdf=True),
    _refused("url-remote-quoted", 'body { background-image: url("https://evil.example/a.png"); }'),
    _refused("url-protocol-relative", "body { background: url(//evil.example/a.png); }"),
    _refused("url-file-etc-passwd", "body { background: url(file:///etc/passwd); }", pdf=True),
    _refused("url-climbs-outside", "body { background: url(../../outside/secret.png); }", pdf=True),
    _refused("url-absolute", "body { background: url(/etc/passwd); }"),
    _refused("url-escaped-scheme", "body { background: url(\\68ttp://evil.example/a.png); }"),
    _refused(
        "font-face-outside",
        '@font-face { font-family: "X"; src: url("../../outside/secret.otf"); }',
    ),
    _refused(
        "font-face-remote", '@font-face { font-family: "X"; src: url("https://evil.example/x.woff2"); }'
    ),
    _refused("url-missing-file", "body { background: url(bilder/fehlt.png); }"),
    _refused("image-set-remote", 'body { background-image: image-set("https://evil.example/a.png" 1x); }'),
    Case(
        "epub-css-remote",
        "css",
        refused(None, "epub.css", 1),
        files={
            "styles/epub.css": '@import url("http://evil.example/a.css");\n'
            + (REPO_STYLES / "epub.css").read_text(encoding="utf-8")
        },
    ),
    Case(
        "not-utf8",
        "css",
        refused(None, "base.css"),
        files={"styles/base.css": BASE.encode() + b"\n/* Gr\xfc\xdfe */\n"},
    ),
    Case(
        "ordinary-change",
        "css",
        ok(),
        files=_with("p.hinweis { color: #333; font-style: italic; }"),
        pdf=True,
    ),
    Case(
        "comment-with-url-text",
        "css",
        ok(),
        files=_with("/* see url(http://example.org/) */\np { margin: 0; }"),
    ),
]
