"""One font program per face in a joined PDF.

Each part of a print edition (see :mod:`.pdf_join`) is written by WeasyPrint
on its own, with its own subset of every face it uses, so a book of thirty
chapters carries ninety copies of its three faces. WeasyPrint cuts those
subsets with HarfBuzz keeping the original glyph ids (``RETAIN_GIDS``), and
each font's ``/CIDToGIDMap`` is ``/Identity``: a glyph's id in the text is its
id in the font file. So one subset of the font file holding every glyph that
any part uses can stand in for all of them, while each font keeps its own
``/W`` (widths) and ``/ToUnicode`` (text extraction), which stay right.

:func:`share_font_programs` does that on the joined PDF:

1. It finds every embedded program of a ``/Type0`` font with an
   ``/Identity-H`` encoding and an identity ``/CIDToGIDMap``, as a CFF
   OpenType (``/FontFile3``) or TrueType (``/FontFile2``) font, and the glyph
   ids its fonts draw (their ``/W`` arrays). Anything else (Type 3 bitmap
   fonts, other encodings, a ``/CIDSet`` that would have to grow) is left as
   it is.
2. It matches each program to one of the book's font files by PostScript
   name (name ID 6, else the CFF font name). A name that no file has, or
   that two different files have, matches nothing.
3. For each face it cuts one subset of the font file with HarfBuzz: the
   union of the glyph ids, original ids kept, ``.notdef`` kept with its
   outline, subroutines flattened, hinting and layout tables dropped (as
   WeasyPrint does).
4. It checks, glyph by glyph, that every glyph each program draws looks the
   same in the new subset: the same charstring or glyph bytes where that
   proves it (no subroutines, no accent composition, no components),
   otherwise the same outline drawn by fontTools, and the same units per em
   or font matrix and no hints in either. One program that differs leaves
   its whole face alone.
5. It stores the subset once and points every matched font descriptor at it.

HarfBuzz's subsetter (through uharfbuzz, its maintained Python binding)
cuts the subsets: it is the one WeasyPrint cuts each part's subsets with, it
keeps the font file's ``head`` timestamp, its output is deterministic, and it
takes about 10 ms for a face of Linux Libertine where fontTools' subsetter
takes 2 s. fontTools reads the outlines where bytes alone cannot prove two
glyphs the same.
"""

from __future__ import annotations

import io
import logging
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pikepdf
import uharfbuzz
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

LOG = logging.getLogger("bookpress")

# Tables a PDF viewer does not read for an embedded CIDFont; dropped before
# subsetting (the layout tables take longest to subset) and not written.
UNUSED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GDEF", "GPOS", "GSUB", "JSTF", "LTSH", "MATH")
UNUSED_TABLES += ("PCLT", "SVG ", "FFTM")
PROGRAM_KEYS = ("/FontFile", "/FontFile2", "/FontFile3")  # of a font descriptor
# Hints: the font-wide values of a CFF private DICT (blue zones, stems; escaped
# operators as 1200 + the second byte) and the programs of a TrueType font.
CFF_HINTS = frozenset((6, 7, 8, 9, 10, 11, 1209, 1210, 1211, 1212, 1213, 1214, 1217, 1218))
TRUETYPE_HINTS = frozenset(("fpgm", "prep", "cvt "))


@dataclass
class Program:
    """One embedded font program, the descriptors that point at it and the glyphs drawn with it."""

    stream: pikepdf.Stream
    key: str  # "/FontFile3" (CFF OpenType) or "/FontFile2" (TrueType)
    descriptors: list[pikepdf.Dictionary] = field(default_factory=list)
    glyphs: set[int] = field(default_factory=set)


def share_font_programs(pdf: pikepdf.Pdf, fonts: Mapping[str, bytes]) -> None:
    """Give each face of ``fonts`` (path → bytes of the book's font files) one program in ``pdf``."""
    programs = embedded_programs(pdf)
    if len(programs) < 2:
        return
    sources = _sources(fonts)
    faces: dict[str, list[tuple[Program, Outlines]]] = {}
    for program in programs:
        outlines = _outlines(program.stream.read_bytes())
        if outlines is not None and outlines.name in sources and outlines.kind == program.key:
            faces.setdefault(outlines.name, []).append((program, outlines))
    for name in sorted(faces):
        members = faces[name]
        if len(members) > 1:
            _share(pdf, name, sources[name], members)


def embedded_programs(pdf: pikepdf.Pdf) -> list[Program]:
    """The programs of the composite fonts in ``pdf`` that can be shared, in object order."""
    found: dict[tuple[int, int], Program] = {}
    refused: set[tuple[int, int]] = set()
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != "/Type0":
            continue
        if obj.get("/Type") != "/Font":
            continue
        program = _program(obj)
        if program is None:
            _refuse_streams(obj, refused)
            continue
        stream, key, descriptor, glyphs = program
        entry = found.setdefault(stream.objgen, Program(stream, key))
        if entry.key != key:
            refused.add(stream.objgen)
        if all(descriptor.objgen != known.objgen for known in entry.descriptors):
            entry.descriptors.append(descriptor)
        entry.glyphs |= glyphs
    return [found[objgen] for objgen in sorted(found) if objgen not in refused]


def _program(font: pikepdf.Dictionary) -> tuple[pikepdf.Stream, str, pikepdf.Dictionary, set[int]] | None:
    """(program, its key, descriptor, glyph ids drawn) of a composite font we can share; or None."""
    if font.get("/Encoding") != "/Identity-H":
        return None  # WeasyPrint's own CMap maps glyphs missing from the font to .notdef
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
        return None
    cid_font = descendants[0]
    if not isinstance(cid_font, pikepdf.Dictionary):
        return None
    key = {"/CIDFontType0": "/FontFile3", "/CIDFontType2": "/FontFile2"}.get(str(cid_font.get("/Subtype")))
    descriptor = cid_font.get("/FontDescriptor")
    if key is None or cid_font.get("/CIDToGIDMap", "/Identity") != "/Identity":
        return None
    if not isinstance(descriptor, pikepdf.Dictionary) or not descriptor.is_indirect:
        return None
    if "/CIDSet" in descriptor or sum(name in descriptor for name in PROGRAM_KEYS) != 1:
        return None  # a /CIDSet lists the glyphs of its own subset
    stream = descriptor.get(key)
    if not isinstance(stream, pikepdf.Stream) or not stream.is_indirect:
        return None
    if key == "/FontFile3" and stream.get("/Subtype") != "/OpenType":
        return None  # a bare CFF program, not an OpenType font fontTools reads
    glyphs = widths_glyphs(cid_font.get("/W"))
    return None if glyphs is None else (stream, key, descriptor, glyphs)


def _refuse_streams(font: pikepdf.Dictionary, refused: set[tuple[int, int]]) -> None:
    """Mark the programs of a font we cannot share, so no other font's use of them is changed."""
    for cid_font in font.get("/DescendantFonts", pikepdf.Array()):
        descriptor = cid_font.get("/FontDescriptor") if isinstance(cid_font, pikepdf.Dictionary) else None
        if not isinstance(descriptor, pikepdf.Dictionary):
            continue
        for key in PROGRAM_KEYS:
            stream = descriptor.get(key)
            if isinstance(stream, pikepdf.Stream) and stream.is_indirect:
                refused.add(stream.objgen)


def widths_glyphs(widths: object) -> set[int] | None:
    """The glyph ids a ``/W`` array lists (``c [w …]`` and ``first last w``); None if malformed."""
    if widths is None:
        return set()
    if not isinstance(widths, pikepdf.Array):
        return None
    items = list(widths)
    glyphs: set[int] = set()
    at = 0
    try:
        while at < len(items):
            first = int(items[at])
            if isinstance(items[at + 1], pikepdf.Array):
                glyphs.update(range(first, first + len(items[at + 1])))
                at += 2
            else:
                glyphs.update(range(first, int(items[at + 1]) + 1))
                at += 3
    except (IndexError, TypeError, ValueError):
        return None
    if glyphs and (min(glyphs) < 0 or max(glyphs) > 0xFFFF):
        return None
    return glyphs


def _outlines(data: bytes) -> Outlines | None:
    try:
        return Outlines(data)
    except (ValueError, IndexError, struct.error):
        return None


@dataclass(frozen=True)
class Source:
    path: str
    data: bytes  # the sfnt (a WOFF or WOFF2 file is unpacked)


def _sources(fonts: Mapping[str, bytes]) -> dict[str, Source]:
    """The book's font files by PostScript name; a name two different files have is left out."""
    found: dict[str, Source] = {}
    clashing: dict[str, list[str]] = {}
    for path in sorted(fonts):
        data = _unpacked(fonts[path]) if fonts[path][:4] in (b"wOFF", b"wOF2") else fonts[path]
        outlines = _outlines(data) if data is not None else None
        name = outlines.name if outlines is not None else None
        if name is None:
            continue
        if name in found and found[name].data != data:
            clashing.setdefault(name, [found[name].path]).append(path)
        found.setdefault(name, Source(path, data))
    for name, paths in sorted(clashing.items()):
        LOG.debug("%s have the PostScript name %s: its programs are not shared", ", ".join(paths), name)
        del found[name]
    return found


def _unpacked(data: bytes) -> bytes | None:
    """The sfnt font in a WOFF or WOFF2 file."""
    try:
        font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
        font.flavor = None
        buffer = io.BytesIO()
        font.save(buffer, reorderTables=False)
    except Exception:  # fontTools raises many kinds on a damaged file: it is just not shared
        return None
    return buffer.getvalue()


def _share(
    pdf: pikepdf.Pdf,
    name: str,
    source: Source,
    members: list[tuple[Program, Outlines]],
) -> None:
    glyphs = sorted(set().union(*(program.glyphs for program, _ in members)))
    data = cut_subset(source.data, glyphs)
    merged = _outlines(data) if data is not None else None
    if merged is None:
        LOG.debug("the font %s (%s) could not be subset: its programs are not shared", name, source.path)
        return
    for program, outlines in members:
        if not same_glyphs(outlines, merged, program.glyphs):
            LOG.debug("a program of %s differs from %s: its programs are not shared", name, source.path)
            return
    key = members[0][0].key
    stream = pdf.make_indirect(pikepdf.Stream(pdf, data))
    if key == "/FontFile3":
        stream.Subtype = pikepdf.Name.OpenType
    else:
        stream.Length1 = len(data)
    for program, _ in members:
        for descriptor in program.descriptors:
            descriptor[key] = stream


def cut_subset(data: bytes, glyphs: list[int]) -> bytes | None:
    """The subset of the font ``data`` for these glyph ids, with WeasyPrint's options; None on failure."""
    subset = uharfbuzz.SubsetInput()
    subset.glyph_set.update(glyphs)
    flags = uharfbuzz.SubsetFlags
    # The ids in the PDF's text and /W are the font file's; .notdef keeps its
    # outline, as HarfBuzz keeps it for WeasyPrint's CFF subsets.
    subset.flags = flags.RETAIN_GIDS | flags.NOTDEF_OUTLINE | flags.DESUBROUTINIZE | flags.NO_HINTING
    subset.sets(uharfbuzz.SubsetInputSets.DROP_TABLE_TAG).update(
        int.from_bytes(tag.encode("ascii"), "big") for tag in UNUSED_TABLES
    )
    try:
        made = uharfbuzz.subset(uharfbuzz.Face(uharfbuzz.Blob(data)), subset)
    except Exception:  # HarfBuzz refuses a font it cannot read: the face keeps its programs
        LOG.debug("HarfBuzz could not subset a font", exc_info=True)
        return None
    return made.blob.data if made is not None and made.blob.data else None


# ---------------------------------------------------------------------------
# Comparing glyphs. An embedded program is read straight from its bytes: with
# fontTools, loading a CFF table (its charset and every charstring offset)
# costs more than all the comparing, for each of a book's many programs.


class Outlines:
    """The glyph programs of an OpenType font with a ``CFF `` or ``glyf`` table, by glyph id.

    Raises ValueError for anything else (CFF2, a CFF table of several fonts, damage).
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        tables = _table_directory(data)
        self.name = _name(tables["name"]) if "name" in tables else None  # PostScript name
        if "CFF " in tables and "glyf" not in tables:
            self.kind = "/FontFile3"
            self._read_cff(tables["CFF "])
        elif "glyf" in tables and {"head", "loca", "maxp"} <= tables.keys():
            self.kind = "/FontFile2"
            self._read_glyf(tables)
        else:
            raise ValueError("neither a CFF nor a TrueType font")
        self._raw: dict[int, bytes] = {}
        self._simple: dict[int, bool] = {}
        self._glyph_set: tuple[list[str], Any] | None = None

    def _read_cff(self, table: memoryview) -> None:
        if len(table) < 4 or table[0] != 1:
            raise ValueError("not a CFF table of version 1")
        names = _Index(table, table[2])
        tops = _Index(table, names.end)
        strings = _Index(table, tops.end)
        global_subrs = _Index(table, strings.end)
        if names.count != 1 or tops.count != 1:
            raise ValueError("a CFF table of several fonts")
        self.name = self.name or bytes(names[0]).decode("latin-1")
        top = _dict(tops[0])
        if top.get(1206, [2]) != [2] or 17 not in top or 18 not in top:
            raise ValueError("no Type 2 charstrings or private dictionary")
        size, offset = (int(number) for number in top[18])
        private = _dict(table[offset : offset + size])
        self.scale = tuple(top.get(1207, [0.001, 0, 0, 0.001, 0, 0]))
        # Subroutines, or a CID-keyed font's own dictionaries, make equal bytes draw differently.
        self.plain = global_subrs.count == 0 and 19 not in private and 1230 not in top
        self.hinted = not CFF_HINTS.isdisjoint(private)
        self._glyphs = _Index(table, int(top[17][0]))
        self.count = self._glyphs.count

    def _read_glyf(self, tables: dict[str, memoryview]) -> None:
        head, maxp, loca = tables["head"], tables["maxp"], tables["loca"]
        self.scale = (int.from_bytes(head[18:20], "big"),)  # units per em
        self.count = int.from_bytes(maxp[4:6], "big")
        long = int.from_bytes(head[50:52], "big", signed=True) == 1
        step = 4 if long else 2
        if len(loca) < (self.count + 1) * step:
            raise ValueError("a short loca table")
        self._loca, self._step, self._glyf = loca, step, tables["glyf"]
        self.plain = True
        self.hinted = not TRUETYPE_HINTS.isdisjoint(tables)

    def raw(self, glyph: int) -> bytes:
        """The charstring or glyph data of ``glyph`` (below :attr:`count`)."""
        if glyph not in self._raw:
            self._raw[glyph] = bytes(
                self._glyphs[glyph] if self.kind == "/FontFile3" else self._glyf_data(glyph)
            )
        return self._raw[glyph]

    def _glyf_data(self, glyph: int) -> memoryview:
        at = glyph * self._step
        start, end = (int.from_bytes(self._loca[i : i + self._step], "big") for i in (at, at + self._step))
        if self._step == 2:
            start, end = start * 2, end * 2
        if not start <= end <= len(self._glyf):
            raise ValueError("glyph data outside the glyf table")
        return self._glyf[start:end]

    def simple(self, glyph: int) -> bool:
        """Whether the glyph draws on its own: no accented composition (CFF ``seac``), no components."""
        if glyph not in self._simple:
            code = self.raw(glyph)
            if self.kind == "/FontFile3":
                self._simple[glyph] = composes(code) is False
            else:
                self._simple[glyph] = len(code) < 2 or int.from_bytes(code[:2], "big", signed=True) >= 0
        return self._simple[glyph]

    def outline(self, glyph: int) -> list:
        """The glyph's outline as fontTools draws it (pen calls, components drawn in place)."""
        if self._glyph_set is None:
            font = TTFont(io.BytesIO(self.data), lazy=True)
            self._glyph_set = (font.getGlyphOrder(), font.getGlyphSet())
        order, glyph_set = self._glyph_set
        pen = DecomposingRecordingPen(glyph_set)
        glyph_set[order[glyph]].draw(pen)
        return pen.value


def same_glyphs(ours: Outlines, merged: Outlines, glyphs: set[int]) -> bool:
    """Whether each glyph id of ``glyphs`` draws the same in ``ours`` as in ``merged``.

    Equal bytes prove it where neither font has subroutines and the glyph draws
    on its own; any other glyph is drawn by fontTools in both and compared. A
    hinted font is not the same as an unhinted one, whatever its outlines:
    hints change how a glyph is drawn on screen.
    """
    if ours.kind != merged.kind or ours.scale != merged.scale or ours.hinted != merged.hinted:
        return False
    fast = ours.plain and merged.plain
    try:
        for glyph in sorted(glyphs):
            if glyph >= ours.count or glyph >= merged.count:
                return False
            if fast and ours.raw(glyph) == merged.raw(glyph) and merged.simple(glyph):
                continue
            if ours.outline(glyph) != merged.outline(glyph):
                return False
    except Exception:  # a glyph fontTools cannot draw: the program is not shared
        LOG.debug("a glyph could not be compared", exc_info=True)
        return False
    return True


def _table_directory(data: bytes) -> dict[str, memoryview]:
    """The tables of an sfnt font (TrueType or OpenType, not a collection) by tag."""
    view = memoryview(data)
    if len(data) < 12 or data[:4] not in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
        raise ValueError("not an sfnt font")
    count = int.from_bytes(data[4:6], "big")
    tables = {}
    for entry in range(12, 12 + 16 * count, 16):
        record = data[entry : entry + 16]
        if len(record) < 16:
            raise ValueError("a short table directory")
        offset, length = int.from_bytes(record[8:12], "big"), int.from_bytes(record[12:16], "big")
        if offset + length > len(data):
            raise ValueError("a table outside the font")
        tables[record[:4].decode("latin-1")] = view[offset : offset + length]
    return tables


class _Index:
    """A CFF INDEX at ``at`` in ``table``: ``count`` items, ``end`` where the next structure begins."""

    def __init__(self, table: memoryview, at: int) -> None:
        self.table = table
        self.count = int.from_bytes(table[at : at + 2], "big")
        if self.count == 0:
            self.end = at + 2
            return
        self.size = table[at + 2]
        if not 1 <= self.size <= 4:
            raise ValueError("a CFF INDEX with a bad offset size")
        self.offsets = at + 3
        self.base = self.offsets + (self.count + 1) * self.size - 1  # offsets count from 1
        self.end = self.base + self._offset(self.count)
        if self.end > len(table):
            raise ValueError("a CFF INDEX outside its table")
        self._all: Sequence[int] | None = None

    def _offset(self, item: int) -> int:
        at = self.offsets + item * self.size
        return int.from_bytes(self.table[at : at + self.size], "big")

    def _read_offsets(self) -> Sequence[int]:
        code = {1: "B", 2: "H", 4: "I"}.get(self.size)
        if code is None:  # three bytes each
            return [self._offset(item) for item in range(self.count + 1)]
        return struct.unpack_from(f">{self.count + 1}{code}", self.table, self.offsets)

    def __getitem__(self, item: int) -> memoryview:
        if not 0 <= item < self.count:
            raise IndexError(item)
        if self._all is None:  # read at once: a font's charstrings are looked up by the hundred
            self._all = self._read_offsets()
        start, end = self.base + self._all[item], self.base + self._all[item + 1]
        if not self.base < start <= end <= self.end:
            raise ValueError("a CFF INDEX item outside the INDEX")
        return self.table[start:end]


def _name(table: memoryview) -> str | None:
    """Name ID 6, the PostScript name, from a ``name`` table (Windows or Unicode record first)."""
    count, strings = struct.unpack_from(">HH", table, 2)
    found: dict[int, str] = {}
    for at in range(6, 6 + 12 * count, 12):
        platform, _, _, name_id, length, offset = struct.unpack_from(">6H", table, at)
        text = bytes(table[strings + offset : strings + offset + length])
        if name_id == 6 and platform in (0, 1, 3) and len(text) == length:
            found.setdefault(platform, text.decode("latin-1" if platform == 1 else "utf-16-be", "replace"))
    return found.get(3) or found.get(0) or found.get(1) or None


_NIBBLES = "0123456789.E?-"  # of a CFF real number; 0xc is "E-", 0xf ends it


def _dict(data: memoryview) -> dict[int, list[float]]:
    """A CFF DICT: operator (escaped ones as 1200 + the second byte) → its operands."""
    result: dict[int, list[float]] = {}
    operands: list[float] = []
    at, end = 0, len(data)
    while at < end:
        byte = data[at]
        if byte <= 21:
            operator = 1200 + data[at + 1] if byte == 12 else byte
            at += 2 if byte == 12 else 1
            result[operator], operands = operands, []
        elif byte in (28, 29):
            size = 2 if byte == 28 else 4
            operands.append(int.from_bytes(data[at + 1 : at + 1 + size], "big", signed=True))
            at += 1 + size
        elif byte == 30:
            text, at = _real(data, at + 1)
            operands.append(float(text))
        elif 32 <= byte <= 246:
            operands.append(byte - 139)
            at += 1
        elif 247 <= byte <= 254:
            value = (
                (byte - 247) * 256 + data[at + 1] + 108
                if byte <= 250
                else -(byte - 251) * 256 - data[at + 1] - 108
            )
            operands.append(value)
            at += 2
        else:
            raise ValueError("a malformed CFF DICT")
    return result


def _real(data: memoryview, at: int) -> tuple[str, int]:
    text = ""
    while at < len(data):
        byte = data[at]
        at += 1
        for nibble in (byte >> 4, byte & 15):
            if nibble == 15:
                return text, at
            if nibble == 13:
                raise ValueError("a malformed CFF real number")
            text += "E-" if nibble == 12 else _NIBBLES[nibble]
    raise ValueError("an unterminated CFF real number")


def composes(charstring: bytes) -> bool | None:
    """Whether a Type 2 charstring ends with ``endchar`` taking four arguments or more (the
    accented character composition ``seac``, which draws two other glyphs); None when it
    cannot tell (hint masks, whose length depends on the stems, or a malformed program)."""
    operands = 0
    for token in _tokens(charstring):
        if token is None:
            return None
        if token == "number":
            operands += 1
            continue
        if token == 14:  # endchar
            return operands >= 4
        operands = 0
    return None


def _tokens(code: bytes) -> Iterator[str | int | None]:
    """The tokens of a Type 2 charstring: "number", an operator code, or None where it stops."""
    at, end = 0, len(code)
    while at < end:
        byte = code[at]
        if byte == 28:
            at += 3
            yield "number"
        elif byte >= 32:
            at += 1 if byte <= 246 else 2 if byte <= 254 else 5
            yield "number"
        elif byte in (19, 20):  # hintmask, cntrmask
            yield None
            return
        elif byte == 12:
            at += 2
            yield 1200 + (code[at - 1] if at - 1 < end else 0)
        else:
            at += 1
            yield byte
        if at > end:
            yield None
            return
