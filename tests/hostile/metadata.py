"""Injection in every metadata field: book.toml and front matter.

Markup, attribute break-outs, CDATA ends, entities and CSS break-outs must come
out as text, escaped for each context (XHTML, OPF, NCX, PDF HTML and CSS):
the build succeeds and EPUBCheck finds nothing. Control characters are
refused with the file and line; very long values are refused (bounded
lengths). Bidirectional overrides are valid text: a valid edition or a clear
refusal.
"""

from __future__ import annotations

from .case import AUTHOR_PAGE, CHAPTER, Case, Outcome, Toml, chapter, either, ok, refused

MARKUP = "</title><script>alert(1)</script>]]><!-- <![CDATA[ x"
ATTRIBUTE = "\"'><img src=x onerror=alert(1)> &amp; &nbsp; &bogus; &#0; &#x1;"
CSS = '"}*{display:none}@import "http://evil.example/x.css";\\'
LONG = ("Wort " * 40_000).strip()  # 200 KB of ordinary words: over any sane length limit

PAYLOADS: dict[str, tuple[str, str]] = {
    # name: (value, expected kind)
    "markup": (MARKUP, "ok"),
    "attribute": (ATTRIBUTE, "ok"),
    "css": (CSS, "ok"),
    "control-character": ("Titel\x01mit Steuerzeichen", "refused"),
    "vertical-tab": ("Titel\x0bmit Tabulator", "refused"),
    "nul": ("Titel\x00mit NUL", "refused"),
    "bidi-override": ("Titel \u202eevil\u202c", "either"),
    "very-long": (LONG, "refused"),
}
TOML_FIELDS = (
    "series.title",
    "series.subtitle",
    "series.publisher",
    "series.publisher_city",
    "series.rights",
    "series.description",
    "series.subjects",
    "author.name",
    "author.sort",
    "volume.title",
    "volume.subtitle",
    "series.publisher_address",
    "print.printer_line",
)
# Fields that reach the PDF's running heads, outline, metadata or its imprint only:
# their CSS case builds the PDF too.
PDF_FIELDS = {"series.title", "volume.title", "author.name", "front.title", "print.printer_line"}


def _expect(kind: str, file: str, line: int) -> Outcome:
    if kind == "ok":
        return ok()
    if kind == "either":
        return either(file)
    return refused("E001", file, line)


def _toml_case(key: str, payload: str) -> Case:
    value, kind = PAYLOADS[payload]
    toml = Toml({key: [value] if key == "series.subjects" else value})
    return Case(
        f"{key}-{payload}",
        "metadata",
        _expect(kind, "book.toml", toml.line(key)),
        toml=toml,
        pdf=payload == "css" and key in PDF_FIELDS,
    )


def _front_case(key: str, payload: str) -> Case:
    value, kind = PAYLOADS[payload]
    if key == "author-page.title":
        files = {AUTHOR_PAGE: chapter("Erika Muster schreibt Testbücher.", title=value)}
        file, line = "autorin.md", 2
    elif key == "front.title":
        files = {CHAPTER: chapter(title=value)}
        file, line = "01-anfang.md", 2
    else:
        files = {CHAPTER: chapter(**{key.split(".")[1]: value})}
        file, line = "01-anfang.md", 3
    return Case(
        f"{key}-{payload}",
        "metadata",
        _expect(kind, file, line),
        files=files,
        pdf=payload == "css" and key in PDF_FIELDS,
    )


def _language(name: str, value: str) -> Case:
    toml = Toml({"series.language": value})
    return Case(
        f"series.language-{name}",
        "metadata",
        refused("E001", "book.toml", toml.line("series.language")),
        toml=toml,
    )


def _not_utf8_front(key: str, line: int) -> Case:
    text = chapter(**({"title": "X"} if key == "title" else {key: "X"})).encode()
    marker = b"title: X" if key == "title" else f"{key}: X".encode()
    data = text.replace(marker, marker[:-1] + b"Caf\xe9 \xff\xfe")
    return Case(
        f"front.{key}-not-utf8", "metadata", refused("E001", "01-anfang.md", line), files={CHAPTER: data}
    )


CASES = [
    *(_toml_case(key, payload) for key in TOML_FIELDS for payload in PAYLOADS),
    *(
        _front_case(key, payload)
        for key in ("front.title", "front.subtitle", "front.summary", "author-page.title")
        for payload in PAYLOADS
    ),
    _language("unknown", "xx"),
    _language("markup", "de<script>"),
    _language("attribute", 'de"><script>alert(1)</script>'),
    _language("empty", ""),
    _language("control-character", "de\x0b"),
    _language("very-long", "de-" + "x" * 100_000),
    _not_utf8_front("title", 2),
    _not_utf8_front("subtitle", 3),
    _not_utf8_front("summary", 3),
    Case(
        "book-toml-not-utf8",
        "metadata",
        refused("E001", "book.toml"),
        files={"manuscript/book.toml": Toml().render()[0].encode().replace(b"Testreihe", b"Testr\xe9ihe")},
    ),
    Case(
        "chapter-text-not-utf8",
        "metadata",
        refused("E001", "01-anfang.md", 6),
        files={
            CHAPTER: chapter("Erste Zeile.\nZweite Zeile mit \xff.").encode().replace(b"\xc3\xbf", b"\xff")
        },
    ),
    # Front matter that is plain and valid, yet full of characters the contexts treat specially.
    Case(
        "front-matter-quotes-and-ampersands",
        "metadata",
        ok(),
        files={
            CHAPTER: chapter(title="Q&A: „Wer?“ & 'Was?' <b>", subtitle="a < b > c", summary="50 % & mehr")
        },
        pdf=True,
    ),
    Case(
        "series-values-quotes-and-ampersands",
        "metadata",
        ok(),
        toml=Toml(
            {
                "series.title": "Tom & Jerry <3",
                "series.publisher": 'A & B "Verlag"',
                "series.subjects": ["C++ & C#", "<Sachbuch>"],
            }
        ),
        pdf=True,
    ),
]
