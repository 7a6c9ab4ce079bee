"""Lean fonts in the EPUB: only the faces its text uses, each cut to the characters it sets.

The stylesheets name whole font files (Linux Libertine's four faces weigh
1.6 MB); a volume sets a hundred-odd characters in three of them. After
ebooklib wrote the package, :func:`lean` reads its documents (the navigation
document too), learns from :mod:`.epub_cascade` which characters each
``@font-face`` face sets, and

* cuts each used font file down to those characters, the characters a
  reading system adds (a space, the hyphens of automatic hyphenation) and the
  glyphs that the layout features reach from them;
* leaves out the files of faces nothing uses, their ``@font-face`` rules and
  their manifest items (a file in the package that nothing uses is what
  EPUBCheck warns about).

A face is chosen as CSS Fonts 4 (section 5.2, font matching) chooses it: the
first family of ``font-family`` with faces, then the style (italic falls back
to oblique, then normal), then the nearest weight; a character that face does
not have goes to the next family.

HarfBuzz's subsetter cuts the fonts (through uharfbuzz, the binding the print
edition's :mod:`.pdf_fonts` uses too): it keeps the layout tables for the
glyphs kept (kerning, ligatures, and the features the stylesheets ask for,
such as ``smcp`` for ``font-variant: small-caps``), keeps the ``head`` table's
dates as the file has them, and gives the same bytes for the same input, in
about 5 ms a face (fontTools' subsetter takes half a second, and would stamp
the time of the build into ``head``). WOFF and WOFF 2 files are unwrapped and
wrapped again with fontTools. Both the characters of each document and the
cut fonts are kept in this process and in the project's build cache, keyed by
what shapes them: an edit re-reads one chapter, and cuts fonts anew only when
a character comes or goes.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import tinycss2
from lxml import etree
from tinycss2 import ast

from .. import uptodate
from ..cache import Cache
from . import epub_cascade, epub_properties
from .epub_cascade import Run, Sheets
from .epub_properties import FontFace

OPF_NS = "http://www.idpf.org/2007/opf"
XHTML_TYPE = "application/xhtml+xml"
# What a reading system may draw in any face besides the text: spaces, and the hyphen that
# automatic hyphenation adds (U+2010, or U+002D where a font lacks it).
ADDED = " -\u2010"
T = TypeVar("T")
WHITESPACE = frozenset(" \u00a0\u2009\u202f\u200b\u00ad")
MEMO_ENTRIES = 1024  # documents' runs and cut fonts kept in this process


@dataclass
class Use:
    """What a font file has to keep: characters and OpenType features."""

    chars: set[str] = field(default_factory=set)
    features: set[str] = field(default_factory=set)


def lean(entries: dict[str, bytes], opf: str, *, cache: Cache | None = None) -> dict[str, bytes]:
    """The package ``entries`` (zip names to bytes, the package document at ``opf``) with each
    used font cut down, the unused ones left out and the stylesheets and manifest to match."""
    manifest = _manifest(entries[opf], opf)
    css = {path: entries[path].decode("utf-8") for path, kind in manifest.items() if kind == "text/css"}
    styles = _digest(*(part for path, text in sorted(css.items()) for part in (path, text)))
    sheets = _sheets(css, styles)
    fonts = sorted({path for face in sheets.faces for path in face.sources if path in entries})
    if not fonts:
        return entries
    digests = {path: hashlib.sha256(entries[path]).hexdigest() for path in fonts}
    coverages = {path: _coverage(entries[path], digests[path], cache=cache) for path in fonts}
    faces = [face for face in sheets.faces if coverages.keys() & set(face.sources)]
    uses = _uses(_runs(entries, manifest, sheets, styles, cache=cache), faces, coverages)
    files = _by_file(uses)
    result = dict(entries)
    for path in fonts:
        if path in files:
            use = files[path]
            result[path] = subset(entries[path], use.chars, use.features, digest=digests[path], cache=cache)
        else:
            del result[path]
    for sheet, text in _without(css, [face for face in sheets.faces if face not in uses]).items():
        result[sheet] = text.encode("utf-8")
    if set(fonts) - files.keys():
        result[opf] = _drop_items(entries[opf], opf, set(fonts) - files.keys())
    return result


def _sheets(css: dict[str, str], styles: str) -> Sheets:
    """The parsed stylesheets, once per process for the same ones (``styles`` is their digest)."""
    sheets = _remembered(f"sheets\0{styles}")
    if not isinstance(sheets, Sheets):
        sheets = Sheets(css)
        _remember(f"sheets\0{styles}", sheets)
    return sheets


def _by_file(uses: dict[FontFace, Use]) -> dict[str, Use]:
    """What each font file of a used face keeps: the union over the faces that load it, and
    what a reading system adds."""
    files: dict[str, Use] = {}
    for face, use in uses.items():
        for path in face.sources:
            kept = files.setdefault(path, Use(set(ADDED)))
            kept.chars |= use.chars
            kept.features |= use.features
    return files


def _manifest(opf: bytes, path: str) -> dict[str, str]:
    """Package path -> media type of every manifest item."""
    root = etree.fromstring(opf, epub_cascade.XML_PARSER)
    return {
        _resolve(path, item.get("href", "")): item.get("media-type", "")
        for item in root.iter(f"{{{OPF_NS}}}item")
    }


def _drop_items(opf: bytes, path: str, dropped: set[str]) -> bytes:
    root = etree.fromstring(opf, epub_cascade.XML_PARSER)
    for item in list(root.iter(f"{{{OPF_NS}}}item")):
        if _resolve(path, item.get("href", "")) in dropped:
            item.getparent().remove(item)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _resolve(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), href))


# --- which characters each face sets


def _digest(*parts: str | bytes) -> str:
    """SHA-256 over ``parts``, each preceded by its length."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _runs(
    entries: dict[str, bytes], manifest: dict[str, str], sheets: Sheets, styles: str, *, cache: Cache | None
) -> dict[Run, set[str]]:
    """The characters of every content document, by the run that sets them."""
    runs: dict[Run, set[str]] = {}
    for path in sorted(manifest):
        if manifest[path] == XHTML_TYPE and path in entries:
            for run, chars in _document_runs(entries[path], path, sheets, styles, cache).items():
                runs.setdefault(run, set()).update(chars)
    return runs


_memo: OrderedDict[str, object] = OrderedDict()
_memo_lock = threading.Lock()


def _remembered(key: str) -> object | None:
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
        return found


def _remember(key: str, value: object) -> None:
    with _memo_lock:
        _memo[key] = value
        while len(_memo) > MEMO_ENTRIES:
            _memo.popitem(last=False)


def _looked_up(
    parts: tuple[str, ...],
    cache: Cache | None,
    compute: Callable[[], T],
    dumps: Callable[[T], bytes],
    loads: Callable[[bytes], T],
) -> T:
    """What ``parts`` name: from this process's memory, else the build cache, else computed
    (and kept in both)."""
    memo = "\0".join(parts)
    found = _remembered(memo)
    if found is not None:
        return found  # type: ignore[return-value]
    key = cache.key(*parts) if cache else ""
    stored = cache.get(key) if cache else None
    if stored is not None:
        value = loads(stored)
    else:
        value = compute()
        if cache:
            cache.put(key, dumps(value))
    _remember(memo, value)
    return value


def _document_runs(
    document: bytes, path: str, sheets: Sheets, styles: str, cache: Cache | None
) -> dict[Run, set[str]]:
    parts = ("epub text runs", styles, path, hashlib.sha256(document).hexdigest())
    texts = partial(epub_cascade.document_texts, document, path, sheets)
    return _looked_up(parts, cache, texts, _dumps, _loads)


def _dumps(runs: dict[Run, set[str]]) -> bytes:
    rows = [
        [list(r.families), r.style, r.weight, sorted(r.features), "".join(sorted(c))] for r, c in runs.items()
    ]
    return json.dumps(sorted(rows), ensure_ascii=False).encode("utf-8")


def _loads(data: bytes) -> dict[Run, set[str]]:
    return {
        Run(tuple(families), style, weight, frozenset(features)): set(chars)
        for families, style, weight, features, chars in json.loads(data)
    }


def _uses(
    runs: dict[Run, set[str]], faces: list[FontFace], coverages: dict[str, frozenset[int]]
) -> dict[FontFace, Use]:
    """The characters and features each face sets; a face that sets nothing but white space
    is not used."""
    families: dict[str, list[FontFace]] = {}
    for face in faces:
        families.setdefault(face.family, []).append(face)
    uses: dict[FontFace, Use] = {}
    for run in runs:  # in any order: what each face keeps only adds up
        left = runs[run] - WHITESPACE
        for family in run.families:
            if not left or (family in epub_properties.GENERIC_FAMILIES and family not in families):
                break
            if family not in families:
                continue  # a font of the reading system, which it may not have
            face = match(families[family], run.style, run.weight)
            coverage = coverages[next(path for path in face.sources if path in coverages)]
            covered = {char for char in left if ord(char) in coverage}
            if covered:
                use = uses.setdefault(face, Use())
                use.chars |= covered | (runs[run] & WHITESPACE)
                use.features |= run.features
            left -= covered
    return uses


def match(faces: list[FontFace], style: str, weight: int) -> FontFace:
    """The face of one family that CSS picks for ``style`` and ``weight`` (CSS Fonts 4, 5.2,
    step 4); of faces that tie, the last declared."""
    order = {"italic": ("italic", "oblique", "normal"), "oblique": ("oblique", "italic", "normal")}
    for wanted in order.get(style, ("normal", "oblique", "italic")):
        styled = [face for face in faces if face.style == wanted]
        if styled:
            break
    return min(reversed(styled), key=lambda face: _weight_rank(face.weights, weight))


def _weight_rank(weights: tuple[int, int], desired: int) -> tuple[int, int]:
    """How far a face of ``weights`` stands from ``desired`` in the order CSS tries weights:
    between 400 and 500 first up to 500, then down, then above 500; below 400 first down;
    above 500 first up."""
    low, high = weights
    if low <= desired <= high:
        return (0, 0)
    nearest = high if high < desired else low
    distance = abs(nearest - desired)
    if 400 <= desired <= 500:
        if desired < nearest <= 500:
            return (1, distance)
        return (2, distance) if nearest < desired else (3, distance)
    if desired < 400:
        return (1, distance) if nearest < desired else (2, distance)
    return (1, distance) if nearest > desired else (2, distance)


def _coverage(data: bytes, digest: str, *, cache: Cache | None) -> frozenset[int]:
    """The code points the font file ``data`` (of SHA-256 ``digest``) maps to glyphs."""
    parts = ("epub font coverage", digest)

    def read() -> frozenset[int]:
        import uharfbuzz  # loads in a tenth of a second: only when a font is read

        return frozenset(uharfbuzz.Face(_sfnt(data)).unicodes)

    def dumps(points: frozenset[int]) -> bytes:
        return json.dumps(sorted(points)).encode()

    return _looked_up(parts, cache, read, dumps, lambda stored: frozenset(json.loads(stored)))


# --- cutting the fonts


def subset(
    data: bytes,
    chars: Iterable[str],
    features: Iterable[str],
    *,
    digest: str | None = None,
    cache: Cache | None = None,
) -> bytes:
    """The font file ``data`` keeping the glyphs of ``chars``, HarfBuzz's default layout
    features and ``features``, every name and the ``.notdef`` outline; in the same format.
    ``digest`` is the SHA-256 of ``data`` where the caller has it."""
    text = "".join(sorted(set(chars)))
    tags = ",".join(sorted(tag for tag in set(features) if len(tag) == 4 and tag.isascii()))
    digest = digest or hashlib.sha256(data).hexdigest()
    parts = ("epub font subset", uptodate.library_version("uharfbuzz"), digest, text, tags)
    cut = partial(_cut, data, text, tags.split(",") if tags else [])
    return _looked_up(parts, cache, cut, bytes, bytes)


def _cut(data: bytes, text: str, tags: list[str]) -> bytes:
    import uharfbuzz

    flavor = {b"wOFF": "woff", b"wOF2": "woff2"}.get(data[:4])
    face = uharfbuzz.Face(_sfnt(data))
    plan = uharfbuzz.SubsetInput()
    plan.sets(uharfbuzz.SubsetInputSets.UNICODE).update(ord(char) for char in text)
    plan.sets(uharfbuzz.SubsetInputSets.LAYOUT_FEATURE_TAG).update(
        int.from_bytes(tag.encode("ascii"), "big") for tag in tags
    )
    for kind in (uharfbuzz.SubsetInputSets.NAME_ID, uharfbuzz.SubsetInputSets.NAME_LANG_ID):
        names = plan.sets(kind)  # every name: the licence (IDs 13 and 14) travels with the font
        names.clear()
        names.invert()
    plan.flags = uharfbuzz.SubsetFlags.NOTDEF_OUTLINE
    cut = uharfbuzz.subset(face, plan)
    if cut is None:
        return data  # a font HarfBuzz cannot cut goes whole, as before
    made = cut.blob.data
    if flavor:
        from fontTools.ttLib import TTFont  # only for WOFF files

        font = TTFont(io.BytesIO(made), recalcBBoxes=False, recalcTimestamp=False)
        font.flavor = flavor
        out = io.BytesIO()
        font.save(out, reorderTables=False)
        made = out.getvalue()
    return made


def _sfnt(data: bytes) -> bytes:
    """An OpenType font as HarfBuzz reads it: WOFF and WOFF 2 unwrapped."""
    if data[:4] not in (b"wOFF", b"wOF2"):
        return data
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
    font.flavor = None
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


# --- stylesheets without the unused faces


def _without(css: dict[str, str], faces: list[FontFace]) -> dict[str, str]:
    """The stylesheets that declare any of ``faces``, without those ``@font-face`` rules."""
    drop: dict[str, set[int]] = {}
    for face in faces:
        drop.setdefault(face.sheet, set()).add(face.index)
    changed = {}
    for sheet, indexes in sorted(drop.items()):
        nodes = epub_cascade.parse(css[sheet])
        kept: list[ast.Node] = []
        skip_space = False
        for index, node in enumerate(nodes):
            if index in indexes:
                skip_space = True
                continue
            if skip_space and isinstance(node, ast.WhitespaceToken):
                continue  # the line break after a dropped rule
            skip_space = False
            kept.append(node)
        changed[sheet] = tinycss2.serialize(kept)
    return changed
