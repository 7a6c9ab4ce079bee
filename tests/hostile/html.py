"""Sanitiser bypasses in raw HTML and Markdown attributes: refused with the chapter and line.

The offending markup always stands on the body's third line (file line 7), after
a paragraph, so the line in the message is checked. The PDF is built where
WeasyPrint would act on what slipped through (links, attachments, images).
"""

from __future__ import annotations

from .case import BODY, CHAPTER, Case, chapter, ok, refused

LINE = BODY + 2
JS = "javascript:alert(1)"


def _body(markup: str) -> str:
    return f"Ein Absatz davor.\n\n{markup}\n\nEin Absatz danach.\n"


def _refused(name: str, markup: str, *, pdf: bool = False, code: str | None = None, line: int = LINE) -> Case:
    return Case(
        name,
        "html",
        refused(code, "01-anfang.md", line),
        files={CHAPTER: chapter(_body(markup)), "manuscript/teil-1/bild.png": _PNG},
        pdf=pdf,
    )


def _ok(name: str, markup: str, *, pdf: bool = False) -> Case:
    return Case(
        name,
        "html",
        ok(),
        files={CHAPTER: chapter(_body(markup)), "manuscript/teil-1/bild.png": _PNG},
        pdf=pdf,
    )


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1600), "gray").save(buffer, "PNG")
    return buffer.getvalue()


_PNG = _png()

CASES = [
    # namespaces WeasyPrint ignores
    _refused("foreign-namespace-javascript-link", f'<p><a xmlns="urn:x" href="{JS}">klick</a></p>', pdf=True),
    _refused(
        "foreign-namespace-attachment",
        '<p><link xmlns="urn:x" rel="attachment" href="manuscript/book.toml"/></p>',
        pdf=True,
    ),
    _refused(
        "foreign-namespace-attachment-relative",
        '<p><link xmlns="urn:x" rel="attachment" href="../book.toml"/></p>',
        pdf=True,
    ),
    _refused(
        "foreign-namespace-anchor-attachment",
        '<p><a xmlns="urn:x" rel="attachment" href="../book.toml">Anhang</a></p>',
        pdf=True,
    ),
    _refused(
        "xhtml-anchor-attachment", '<p><a rel="attachment" href="../book.toml">Anhang</a></p>', pdf=True
    ),
    _refused(
        "foreign-namespace-image-outside",
        '<p><img xmlns="urn:x" src="../../../outside/secret.png" alt="x"/></p>',
        pdf=True,
    ),
    _refused("foreign-namespace-script", '<div xmlns="urn:x"><script>alert(1)</script></div>'),
    _refused("foreign-namespace-event", '<p xmlns="urn:x" onclick="alert(1)">x</p>'),
    _refused(
        "prefixed-xlink-href",
        f'<p><a xmlns:xl="http://www.w3.org/1999/xlink" xl:href="{JS}">x</a></p>',
        pdf=True,
    ),
    # URL attributes and schemes
    _refused(
        "area-javascript",
        f'<map name="m"><area href="{JS}" alt="x" shape="rect" coords="0,0,1,1"/></map>',
        pdf=True,
    ),
    _refused(
        "img-srcset-remote",
        '<p><img src="bild.png" alt="Grau" srcset="http://evil.example/a.png 2x"/></p>',
        pdf=True,
    ),
    _refused("anchor-ping", '<p><a href="https://example.org/" ping="http://evil.example/track">x</a></p>'),
    _refused("img-remote-src", '<p><img src="https://evil.example/a.png" alt="x"/></p>'),
    _refused("img-longdesc-file", '<p><img src="bild.png" alt="Grau" longdesc="file:///etc/passwd"/></p>'),
    _refused("blockquote-cite-javascript", f'<blockquote cite="{JS}"><p>x</p></blockquote>'),
    _refused("q-cite-file", '<p><q cite="file:///etc/passwd">x</q></p>'),
    _refused("scheme-mixed-case", '<p><a href="JaVaScRiPt:alert(1)">x</a></p>'),
    _refused("scheme-entity-tab", '<p><a href="jav&#x09;ascript:alert(1)">x</a></p>'),
    _refused("scheme-entity-letter", '<p><a href="&#106;avascript:alert(1)">x</a></p>'),
    _refused("scheme-named-entity", '<p><a href="javascript&colon;alert(1)">x</a></p>'),
    _refused("scheme-leading-space", '<p><a href=" javascript:alert(1)">x</a></p>'),
    _refused("scheme-newline", '<p><a href="java&#10;script:alert(1)">x</a></p>'),
    _refused("scheme-vbscript", '<p><a href="vbscript:msgbox(1)">x</a></p>'),
    _refused(
        "scheme-data", '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a></p>'
    ),
    _refused("markdown-link-javascript", f"[klick]({JS})", pdf=True, code="E010"),
    _refused("markdown-link-javascript-angle", "[klick](<javascript:alert(1)>)", code="E010"),
    _refused("markdown-image-javascript", f"![Grau]({JS})"),
    _refused("markdown-autolink-javascript", "<javascript:alert(1)>"),
    # event handlers and styles
    _refused("img-onerror", '<p><img src="bild.png" alt="Grau" onerror="alert(1)"/></p>'),
    _refused("onclick-upper-case", '<p><span ONCLICK="alert(1)">x</span></p>'),
    _refused(
        "style-attribute", '<p><span style="background:url(http://evil.example/a.png)">x</span></p>', pdf=True
    ),
    # an attribute list stands on its own line under the paragraph: the message points at it
    _refused("attr-list-onclick", 'Ein Absatz mit Attribut.\n{: onclick="alert(1)" }', line=LINE + 1),
    _refused("attr-list-style", 'Ein Absatz mit Stil.\n{: style="color: red" }', line=LINE + 1),
    _refused("attr-list-href", 'Ein [Link](https://example.org/){: href="javascript:alert(1)" } hier.'),
    # elements that must never reach an edition
    _refused("iframe", '<iframe src="https://example.org/"></iframe>'),
    _refused("object", '<object data="../../../outside/secret.svg" type="image/svg+xml"></object>'),
    _refused("embed", '<embed src="bild.png"/>'),
    _refused("svg-script", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    _refused("math", '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>'),
    _refused("base", '<base href="https://evil.example/"/>'),
    _refused("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/"/>'),
    _refused("form", '<form action="https://evil.example/"><p>x</p></form>'),
    _refused("video", '<video src="https://evil.example/a.mp4"></video>'),
    _refused("style-element", "<style>p { background: url(http://evil.example/a.png) }</style>"),
    _refused("doctype-entity", '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<p>&xxe;</p>'),
    _refused("processing-instruction", '<?xml-stylesheet href="http://evil.example/a.css"?>\n<p>x</p>'),
    _refused("template", "<template><p>x</p></template>"),
    # what authors may write
    _ok(
        "allowed-inline-markup",
        '<p><span class="klein" lang="en">Hello</span>, <abbr title="Volatility">V</abbr>, '
        "x<sup>2</sup>, <em>betont</em>.</p>",
        pdf=True,
    ),
    _ok(
        "allowed-web-and-mail-links",
        '<p><a href="https://example.org/">Web</a> und <a href="mailto:erika@example.org">Post</a>.</p>',
        pdf=True,
    ),
    _ok(
        "allowed-figure",
        '<figure><img src="bild.png" alt="Ein graues Rechteck"/><figcaption>Grau.</figcaption></figure>',
        pdf=True,
    ),
    _ok("allowed-table", "| a | b |\n|---|--:|\n| 1 | 2 |"),
    _ok("allowed-attr-list-class", "Ein Absatz mit Klasse.\n{: .hinweis #eigene-id }"),
]
