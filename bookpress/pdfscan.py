"""What a PDF page paints, read from its content streams with pikepdf.

:func:`scan_page` follows a page's operators (and those of the forms it
draws) and tells, for preflight: each colour space that paints something and
whether it paints text, the CMYK colours of fills, strokes and text, and each
raster image with its pixels and the size it is placed at. Colours inside
pictures are not looked into (only their colour space), and neither are
shadings' colours (only their space).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Name

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_DEPTH = 12  # forms inside forms; deeper (or a cycle) is not followed
FILL_OPS = {"f", "F", "f*", "B", "B*", "b", "b*"}
STROKE_OPS = {"S", "s", "B", "B*", "b", "b*"}
TEXT_OPS = {"Tj", "TJ", "'", '"'}
DEVICE = {"g": "DeviceGray", "rg": "DeviceRGB", "k": "DeviceCMYK"}
RGB_FAMILIES = {"DeviceRGB", "CalRGB", "ICCBased-3"}
CMYK_FAMILIES = {"DeviceCMYK", "ICCBased-4"}
INLINE_SPACES = {"G": "DeviceGray", "RGB": "DeviceRGB", "CMYK": "DeviceCMYK"}  # abbreviations


@dataclass(frozen=True)
class Placed:
    """A raster image as drawn on a page."""

    name: str
    family: str  # colour space family, e.g. "DeviceRGB", "ICCBased-4", "Indexed/DeviceRGB"
    pixels: tuple[int, int]
    size_pt: tuple[float, float]  # placed width and height
    soft_mask: bool
    xobject: pikepdf.Object | None = field(default=None, compare=False, repr=False)  # its image stream

    @property
    def ppi(self) -> float:
        """The least of the horizontal and vertical effective resolution."""
        width, height = self.size_pt
        across = self.pixels[0] / (width / 72) if width else math.inf
        down = self.pixels[1] / (height / 72) if height else math.inf
        return min(across, down)


@dataclass
class PageScan:
    """What one page paints."""

    families: set[str] = field(default_factory=set)  # colour space families that paint vectors or text
    text_families: set[str] = field(default_factory=set)
    cmyk: set[tuple[float, ...]] = field(default_factory=set)  # CMYK colours that paint
    text_cmyk: set[tuple[float, ...]] = field(default_factory=set)
    images: list[Placed] = field(default_factory=list)


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: tuple[str, tuple[float, ...]] = ("DeviceGray", (0.0,))
    stroke: tuple[str, tuple[float, ...]] = ("DeviceGray", (0.0,))

    def copy(self) -> _State:
        return _State(self.ctm, self.fill, self.stroke)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m × n`` as PDF composes transformations (``m`` applied first)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def family(space: object, resources: pikepdf.Object | None) -> str:
    """The family of a colour space given by name or array, e.g. "DeviceCMYK", "ICCBased-3"."""
    if isinstance(space, Name):
        name = str(space)[1:]
        if name in ("DeviceGray", "DeviceRGB", "DeviceCMYK", "Pattern"):
            return name
        spaces = resources.get("/ColorSpace") if resources is not None else None
        if isinstance(spaces, pikepdf.Dictionary) and str(space) in spaces:
            return family(spaces[str(space)], None)
        return name
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        kind = str(space[0])[1:]
        if kind == "ICCBased":
            return f"ICCBased-{int(space[1].get('/N', 0))}"
        if kind == "Indexed":
            return f"Indexed/{family(space[1], resources)}"
        if kind in ("Separation", "DeviceN"):
            return kind
        return kind
    return "unknown"


def scan_page(page: pikepdf.Page) -> PageScan:
    """What ``page`` paints (see the module's docstring)."""
    scan = PageScan()
    _walk(pikepdf.parse_content_stream(page), page.obj.get("/Resources"), _State(), scan, 0)
    return scan


def _walk(
    instructions: list[object], resources: pikepdf.Object | None, state: _State, scan: PageScan, depth: int
) -> None:
    stack: list[_State] = []
    for operands, operator in _operators(instructions):
        op = str(operator)
        if op == "q":
            stack.append(state.copy())
        elif op == "Q":
            state = stack.pop() if stack else state
        elif op == "cm" and len(operands) == 6:
            state.ctm = multiply(tuple(float(v) for v in operands), state.ctm)  # type: ignore[arg-type]
        elif op in ("cs", "CS") and operands:
            kind = family(operands[0], resources)
            if op == "cs":
                state.fill = (kind, ())
            else:
                state.stroke = (kind, ())
        elif op in ("sc", "scn", "SC", "SCN"):
            values = tuple(
                float(v) for v in operands if isinstance(v, int | float | pikepdf.Object) and _number(v)
            )
            if op in ("sc", "scn"):
                state.fill = (state.fill[0], values)
            else:
                state.stroke = (state.stroke[0], values)
        elif op.lower() in DEVICE:
            values = tuple(float(v) for v in operands)
            kind = DEVICE[op.lower()]
            if op.islower():
                state.fill = (kind, values)
            else:
                state.stroke = (kind, values)
        elif op in FILL_OPS or op in STROKE_OPS:
            if op in FILL_OPS:
                _paint(state.fill, scan, text=False)
            if op in STROKE_OPS:
                _paint(state.stroke, scan, text=False)
        elif op in TEXT_OPS:
            _paint(state.fill, scan, text=True)
        elif op == "sh" and operands:
            shading = _resource(resources, "/Shading", operands[0])
            if shading is not None:
                scan.families.add(family(shading.get("/ColorSpace"), resources))
        elif op == "Do" and operands:
            _draw(operands[0], resources, state, scan, depth)
        elif op == "INLINE IMAGE" and operands:
            _inline(operands[0], resources, state, scan)


def _operators(instructions: list[object]) -> Iterator[tuple[list[object], object]]:
    for item in instructions:
        if isinstance(item, pikepdf.ContentStreamInlineImage):
            yield [item.iimage], "INLINE IMAGE"
        else:
            operands, operator = item  # type: ignore[misc]
            yield list(operands), operator


def _number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _paint(colour: tuple[str, tuple[float, ...]], scan: PageScan, *, text: bool) -> None:
    kind, values = colour
    scan.families.add(kind)
    if text:
        scan.text_families.add(kind)
    if kind in CMYK_FAMILIES and len(values) == 4:
        scan.cmyk.add(values)
        if text:
            scan.text_cmyk.add(values)


def _resource(resources: pikepdf.Object | None, kind: str, name: object) -> pikepdf.Object | None:
    if resources is None or kind not in resources:
        return None
    table = resources[kind]
    return table.get(str(name)) if isinstance(table, pikepdf.Dictionary) else None


def _draw(name: object, resources: pikepdf.Object | None, state: _State, scan: PageScan, depth: int) -> None:
    xobject = _resource(resources, "/XObject", name)
    if not isinstance(xobject, pikepdf.Stream):
        return
    subtype = xobject.get("/Subtype")
    if subtype == Name.Image:
        if xobject.get("/ImageMask", False):
            _paint(state.fill, scan, text=False)  # a stencil paints in the fill colour
            return
        scan.images.append(
            Placed(
                str(name).lstrip("/"),
                family(xobject.get("/ColorSpace"), resources),
                (int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))),
                _placed(state.ctm),
                "/SMask" in xobject or "/SMaskInData" in xobject,
                xobject,
            )
        )
    elif subtype == Name.Form and depth < MAX_DEPTH:
        inner = state.copy()
        matrix = xobject.get("/Matrix")
        if matrix is not None and len(matrix) == 6:
            inner.ctm = multiply(tuple(float(v) for v in matrix), inner.ctm)  # type: ignore[arg-type]
        own = xobject.get("/Resources", resources)
        _walk(pikepdf.parse_content_stream(xobject), own, inner, scan, depth + 1)


def _inline(
    image: pikepdf.PdfInlineImage, resources: pikepdf.Object | None, state: _State, scan: PageScan
) -> None:
    try:
        width, height, space = int(image.width), int(image.height), image.colorspace
    except (AttributeError, ValueError, TypeError, NotImplementedError):
        return
    name = str(space or "unknown").lstrip("/")
    kind = INLINE_SPACES.get(name) or family(Name("/" + name), resources)
    scan.images.append(Placed("inline", kind, (width, height), _placed(state.ctm), False))


def _placed(ctm: Matrix) -> tuple[float, float]:
    a, b, c, d, _, _ = ctm
    return math.hypot(a, b), math.hypot(c, d)


def has_transparency(pdf: pikepdf.Pdf) -> bool:
    """Whether anything in ``pdf`` is drawn see-through: an alpha below 1, a soft mask, a blend mode."""
    for obj in _dictionaries(pdf):
        if "/ca" in obj or "/CA" in obj or "/SMask" in obj or "/BM" in obj:
            if obj.get("/Subtype") == Name.Image:
                if "/SMask" in obj:
                    return True
                continue
            if float(obj.get("/ca", 1)) < 1 or float(obj.get("/CA", 1)) < 1:
                return True
            if obj.get("/SMask", Name("/None")) != Name("/None"):
                return True
            if obj.get("/BM", Name.Normal) not in (Name.Normal, Name.Compatible):
                return True
        if obj.get("/Subtype") == Name.Image and "/SMaskInData" in obj and int(obj.SMaskInData):
            return True
    return False


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every indirect dictionary and stream, and the graphics states written straight into
    resource dictionaries (which are not indirect objects of their own)."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj
            resources = obj.get("/Resources")
            states = resources.get("/ExtGState") if isinstance(resources, pikepdf.Dictionary) else None
            if isinstance(states, pikepdf.Dictionary):
                yield from (state for state in states.values() if isinstance(state, pikepdf.Dictionary))
