"""Author slips the build must not ship silently: errors stop it, warnings are printed
(and with --strict stop it), each at the chapter and line that has it."""

from __future__ import annotations

from .case import AUTHOR_PAGE, BODY, CHAPTER, CHAPTER2, Case, Toml, chapter, ok, refused, warned

PLACEHOLDER = "978-0-00-000000-2"
F = "01-anfang.md"


def _body(text: str) -> dict[str, str | bytes]:
    return {CHAPTER: chapter(f"Ein Absatz davor.\n\n{text}\n")}


LINE = BODY + 2  # where _body puts ``text``


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1600), "gray").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()

CASES = [
    Case(
        "footnote-call-without-note",
        "slips",
        refused("E011", F, LINE),
        files=_body("Ein Satz mit Fußnote.[^x]"),
    ),
    Case(
        "footnote-call-without-note-author-page",
        "slips",
        refused("E011", "autorin.md", BODY),
        files={AUTHOR_PAGE: chapter("Text mit Fußnote.[^fehlt]", title="Über die Autorin")},
    ),
    # Emphasis, links and images Markdown left as text are errors: the book would show the marks.
    Case(
        "unclosed-strong",
        "slips",
        refused("E044", F, LINE),
        files=_body("Das ist **wichtig, aber nie geschlossen."),
    ),
    Case(
        "unclosed-emphasis",
        "slips",
        refused("E044", F, LINE),
        files=_body("Das ist *betont, aber nie geschlossen."),
    ),
    Case(
        "unclosed-underscore-strong",
        "slips",
        refused("E044", F, LINE),
        files=_body("Das ist __wichtig, aber nie geschlossen."),
    ),
    Case("unclosed-link", "slips", refused("E013", F, LINE), files=_body("Siehe [a](b")),
    Case(
        "unclosed-link-text",
        "slips",
        refused("E013", F, LINE),
        files=_body("Siehe [die Quelle(https://example.org/)."),
    ),
    Case(
        "unclosed-image",
        "slips",
        refused("E023", F, LINE),
        files={**_body("![Grau](bild.png"), "manuscript/teil-1/bild.png": PNG},
    ),
    Case(
        "image-empty-alt",
        "slips",
        refused("E021", F, LINE),
        files={**_body("![](bild.png)"), "manuscript/teil-1/bild.png": PNG},
    ),
    Case(
        "image-html-without-alt",
        "slips",
        refused("E021", F, LINE),
        files={**_body('<p><img src="bild.png"/></p>'), "manuscript/teil-1/bild.png": PNG},
    ),
    Case(
        "image-with-alt",
        "slips",
        ok(),
        files={**_body("![Ein graues Rechteck](bild.png)"), "manuscript/teil-1/bild.png": PNG},
    ),
    Case(
        "placeholder-isbn-ebook",
        "slips",
        warned("W004", "book.toml", Toml({"isbn.ebook": PLACEHOLDER}).line("isbn.ebook")),
        toml=Toml({"isbn.ebook": PLACEHOLDER}),
    ),
    Case(
        "placeholder-isbn-print",
        "slips",
        warned("W004", "book.toml", Toml({"isbn.print": PLACEHOLDER}).line("isbn.print")),
        toml=Toml({"isbn.print": PLACEHOLDER}),
    ),
    Case(
        "placeholder-isbn-strict",
        "slips",
        refused("W004", "book.toml", Toml({"isbn.ebook": PLACEHOLDER}).line("isbn.ebook")),
        toml=Toml({"isbn.ebook": PLACEHOLDER}),
        build_args=("--strict",),
    ),
    Case(
        "chapter-number-disagrees-with-position",
        "slips",
        warned("W005"),
        toml=Toml({"volume.chapters": ["02-ende.md", "01-anfang.md"]}),
    ),
    Case(
        "chapter-number-gap",
        "slips",
        warned("W005"),
        remove=(CHAPTER2,),
        files={"manuscript/teil-1/03-ende.md": chapter("Und hier endet's.", title="Das Ende")},
        toml=Toml({"volume.chapters": ["01-anfang.md", "03-ende.md"]}),
    ),
    Case("unused-footnote", "slips", warned("W012", F, LINE), files=_body("[^x]: Eine Fußnote ohne Aufruf.")),
    Case("heading-skip", "slips", warned("W031", F, LINE), files=_body("#### Zu tief")),
    Case("double-space", "slips", warned("W041", F, LINE), files=_body("Zwei  Leerzeichen.")),
    Case(
        "link-to-missing-heading", "slips", refused("E010", F, LINE), files=_body("Siehe [oben](#nirgends).")
    ),
    Case("empty-chapter", "slips", refused("E030", F), files={CHAPTER: "---\ntitle: Leer\n---\n\n"}),
    Case("unknown-front-matter-key", "slips", refused("E002", F, 3), files={CHAPTER: chapter(autor="Erika")}),
    Case(
        "front-matter-not-closed",
        "slips",
        refused("E001", F, 1),
        files={CHAPTER: "---\ntitle: Offen\n\nText.\n"},
    ),
    Case(
        "front-matter-twice-the-title",
        "slips",
        refused("E001", F, 3),
        files={CHAPTER: chapter(title="Eins", **{"title ": "Zwei"})},
    ),
    Case("no-front-matter", "slips", refused("E001", F, 1), files={CHAPTER: "Nur Text.\n"}),
    Case(
        "two-chapters-one-position",
        "slips",
        refused("E001", "01-zweites.md"),
        files={"manuscript/teil-1/01-zweites.md": chapter("Noch einer.")},
    ),
    Case("literal-asterisk-in-maths", "slips", ok(), files=_body("Es gilt 3 \\* 4 = 12 und 2 × 2 = 4.")),
]
