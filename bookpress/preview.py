"""``bookpress preview``: the HTML edition of a volume in the browser, reloaded on every save.

A small HTTP server bound to 127.0.0.1 only. The page is built from the same
fragments as the EPUB and PDF (``renderers/html.py``), styled by the book's own
``fonts.css`` and ``base.css`` plus a screen layout, with the contents as a
sidebar. The page polls ``/__version`` (a fingerprint of the sources) and
reloads itself when it changes; the server rebuilds the page on the next
request. While the book cannot be built, the page lists the problems instead.

What the server answers, and to whom:

* Only requests whose ``Host`` is ``127.0.0.1:PORT``, ``localhost:PORT`` or
  ``[::1]:PORT`` are served; any other host gets 421 Misdirected Request, a
  missing one 400. A web page that points its own domain name at 127.0.0.1
  (DNS rebinding) thus cannot read the manuscript through the browser.
* A path that is not valid percent-encoded UTF-8, holds control characters
  (``%00``) or is longer than any file we serve gets 400; a path that names
  nothing we serve gets 404. A bug while answering gets 500 and one log line,
  never a traceback.
* An idle connection is closed after ``IDLE_TIMEOUT`` seconds, and at most
  ``MAX_CONNECTIONS`` requests are handled at once; further connections wait
  for a free slot, up to ``SLOT_WAIT`` seconds, and are then closed.
"""

from __future__ import annotations

import errno
import hashlib
import mimetypes
import os
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

from . import css, internal, svg
from .build import select_volumes
from .cache import Cache
from .errors import BookError
from .gate import MAX_IMAGE_BYTES, Gate, Where, decode_utf8
from .loader import load_book, manuscript_dir
from .model import Book, Volume, roman, volume_title
from .renderers import html

ASSETS = Path(__file__).parent / "defaults"
DEFAULT_PORT = 8000
WATCHED = ("manuscript", "styles")
STATIC = {"styles": None, "manuscript": (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")}
BOOK_CSS = ("fonts.css", "base.css")
IDLE_TIMEOUT = 10.0  # seconds a connection may stay silent
MAX_CONNECTIONS = 16  # requests handled at once
SLOT_WAIT = 5.0  # seconds a new connection waits for a free slot before it is closed
MAX_PATH = 1024  # bytes of a decoded path; no file we serve has a longer one
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fingerprint(root: Path) -> str:
    """Changes whenever a file under manuscript/ or styles/ is added, removed or saved."""
    digest = hashlib.sha1()
    for folder in WATCHED:
        for directory, subdirs, files in sorted(os.walk(root / folder)):
            subdirs.sort()
            for name in sorted(files):
                path = Path(directory) / name
                try:
                    stat = path.stat()
                except OSError:
                    continue
                digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()[:16]


@dataclass
class Preview:
    """What the server shows: one volume of the project at ``root``, rebuilt when needed."""

    root: Path
    volume: str | None  # "III" or "3"; None: the last volume
    _version: str = ""
    _page: bytes = b""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, volume: str | None) -> tuple[bytes, str]:
        """The HTML page for ``volume`` (or the default one) and the version it shows."""
        version = fingerprint(self.root)
        key = f"{version}:{volume}"
        with self._lock:
            if key != self._version:
                self._page = self._render(version, volume or self.volume).encode("utf-8")
                self._version = key
            return self._page, version

    def _render(self, version: str, volume: str | None) -> str:
        try:
            book = load_book(self.root, cache=Cache(self.root))  # unchanged chapters from the cache
            chosen = select_volumes(book, (volume,))[0] if volume else book.volumes[-1]
        except BookError as error:
            return problems_page(error, version)
        return volume_page(book, chosen, version)


def volume_page(book: Book, volume: Volume, version: str) -> str:
    """The whole volume as one HTML page with the contents as navigation."""
    href = {chapter.doc.anchor: f"#{chapter.doc.anchor}" for chapter in volume.chapters}
    href[book.author_page.anchor] = f"#{book.author_page.anchor}"
    current = ' aria-current="page"'
    volumes = "".join(
        f'<li><a href="/?band={v.number}"{current if v is volume else ""}>{roman(v.number)}</a></li>'
        for v in book.volumes
    )
    body = "\n".join(
        [
            html.title_page(book, volume),
            *(html.chapter(book, volume, chapter) for chapter in volume.chapters),
            html.author_page(book),
        ]
    )
    nav = (
        f'<div class="preview-nav">\n<nav class="volumes-nav" aria-label="Bände">'
        f'<ul class="volumes">{volumes}</ul></nav>\n{html.contents(book, volume, href)}\n</div>'
    )
    return _shell(
        book.series.language,
        volume_title(book.series, volume),
        version,
        f'{nav}\n<main class="preview-book">\n{body}\n</main>',
    )


def problems_page(error: BookError, version: str) -> str:
    """What the browser shows while the book cannot be built."""
    items = "\n".join(f"<li>{escape(problem.format())}</li>" for problem in error.problems)
    body = (
        f'<main class="preview-book"><h1>The book cannot be built right now</h1>\n'
        f'<ul class="preview-problems">\n{items}\n</ul>\n'
        "<p>Fix and save: this page reloads by itself.</p></main>"
    )
    return _shell("en", "bookpress: problems", version, body)


def _shell(lang: str, title: str, version: str, body: str) -> str:
    """The preview page around ``body``; every value escaped for its attribute or text."""
    links = "".join(f'<link rel="stylesheet" href="/styles/{html.attr(name)}"/>\n' for name in BOOK_CSS)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.attr(lang)}" data-version="{html.attr(version)}">\n<head>\n'
        f'<meta charset="utf-8"/>\n<meta name="viewport" content="width=device-width"/>\n'
        f"<title>{escape(title)}</title>\n{links}"
        '<link rel="stylesheet" href="/__bookpress/preview.css"/>\n'
        '<script src="/__bookpress/preview.js" defer="defer"></script>\n'
        f'</head>\n<body class="preview">\n{body}\n</body>\n</html>\n'
    )


class BadRequest(ValueError):
    """A request we refuse to interpret (400)."""


def request_path(raw: str) -> str:
    """The decoded path of a request target; BadRequest when it is malformed."""
    path = urlsplit(raw).path
    if _BAD_ESCAPE.search(path):
        raise BadRequest("bad percent-encoding")
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the path is not UTF-8") from None
    if _CONTROL.search(decoded):
        raise BadRequest("control characters in the path")
    if len(decoded.encode("utf-8")) > MAX_PATH:
        raise BadRequest("the path is too long")
    return decoded


def host_allowed(host: str | None, port: int) -> bool:
    """True for ``127.0.0.1:PORT``, ``localhost:PORT`` and ``[::1]:PORT`` (case-insensitive)."""
    return host is not None and host.strip().lower() in {f"{name}:{port}" for name in LOCAL_HOSTS}


class _Handler(BaseHTTPRequestHandler):
    preview: Preview
    log: Callable[[str], None]
    on_error: Callable[[str], None]
    timeout = IDLE_TIMEOUT  # StreamRequestHandler sets it on the socket: idle clients are dropped

    def do_GET(self) -> None:
        host = self.headers.get("Host")
        if host is None:
            self.send_error(HTTPStatus.BAD_REQUEST, "a Host header is required")
            return
        if not host_allowed(host, self.server.server_address[1]):
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "this server answers only to localhost")
            return
        try:
            self._answer(request_path(self.path), urlsplit(self.path).query)
        except BadRequest as error:
            self.send_error(HTTPStatus.BAD_REQUEST, str(error))
        except (OSError, ValueError, BookError):
            self.send_error(HTTPStatus.NOT_FOUND)  # a name no file of ours can have
        except Exception as error:  # a bug: one line in the log, never a traceback
            self.on_error(internal.describe(error))
            self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error (see the terminal)")

    def _answer(self, path: str, query: str) -> None:
        if path == "/":
            volume = parse_qs(query).get("band", [None])[0]
            page, _ = self.preview.page(volume)
            self._send(page, "text/html; charset=utf-8")
        elif path == "/__version":
            self._send(fingerprint(self.preview.root).encode(), "text/plain; charset=utf-8")
        elif path.startswith("/__bookpress/"):
            self._file(ASSETS, path.removeprefix("/__bookpress/"), (".css", ".js"))
        else:
            folder, _, rest = path.lstrip("/").partition("/")
            if folder in STATIC:
                self._file(self.preview.root / folder, rest, STATIC[folder])
            else:
                self.send_error(HTTPStatus.NOT_FOUND)

    def _file(self, folder: Path, name: str, suffixes: tuple[str, ...] | None) -> None:
        """Serve a file inside ``folder`` of an allowed type, read through the gate: inside
        after resolving links, a regular file (never a FIFO or device), within the size limit;
        SVG images and stylesheets only if they pass the build's checks (the browser would
        otherwise run an SVG's script, or fetch a stylesheet's remote @import)."""
        gate = Gate(folder)
        try:
            target = gate.resolve(name, base=gate.root, named_by=Where(None))
            if suffixes is not None and target.suffix.lower() not in suffixes:
                raise BookError("not a type this folder serves")
            data = gate.read_bytes(name, base=gate.root, named_by=Where(None), limit=MAX_IMAGE_BYTES)
            if target.suffix.lower() == ".svg":
                svg.check(data, file=target, named_by=Where(None))
            elif target.suffix.lower() == ".css":
                relative = f"{folder.name}/{gate.relative(target)}"  # as seen from the project
                css.references(decode_utf8(data, file=target), file=target, relative=relative)
        except BookError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(data, kind)

    def _send(self, data: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        self.log(format % args)


def serve(
    root: Path,
    *,
    volume: str | None,
    port: int | None,
    on_ready: Callable[[str], None],
    log: Callable[[str], None] = lambda line: None,
    on_error: Callable[[str], None] = lambda line: None,
) -> None:
    """Serve the preview on 127.0.0.1 until interrupted. ``port`` None: 8000, or any free one.

    ``log`` hears each request, ``on_error`` the one line about a bug while answering one.
    """
    if not (manuscript_dir(root) / "book.toml").is_file():
        raise BookError(
            "book.toml not found; is this a bookpress project?", file=manuscript_dir(root) / "book.toml"
        )
    preview = Preview(root.resolve(), volume)  # build problems show in the page, not here
    handler = type(
        "Handler",
        (_Handler,),
        {"preview": preview, "log": staticmethod(log), "on_error": staticmethod(on_error)},
    )
    server = _bind(handler, port)
    with server:
        on_ready(f"http://127.0.0.1:{server.server_address[1]}/")
        server.serve_forever(poll_interval=0.2)


class _Server(ThreadingHTTPServer):
    """A threading HTTP server with at most ``MAX_CONNECTIONS`` requests in hand at once."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        if not self._slots.acquire(timeout=SLOT_WAIT):
            self.shutdown_request(request)  # too many at once: drop this one, keep serving
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: object, client_address: object) -> None:
        """socketserver prints a traceback here; a dropped connection is not worth one."""


def _bind(handler: type[BaseHTTPRequestHandler], port: int | None) -> ThreadingHTTPServer:
    try:
        return _Server(("127.0.0.1", DEFAULT_PORT if port is None else port), handler)
    except OSError as error:
        if port is None and error.errno == errno.EADDRINUSE:
            return _Server(("127.0.0.1", 0), handler)
        raise
