"""The preview server on real sockets: Host check, malformed paths, idle timeout, bounded threads."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_preview import Server

from bookpress.preview import IDLE_TIMEOUT, MAX_CONNECTIONS
from conftest import copy_project


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(copy_project("minimal", tmp_path / "book"))
    yield running
    running.stop()


def port_of(server: Server) -> int:
    return int(server.url.rstrip("/").rsplit(":", 1)[1])


def raw(server: Server, request: bytes, *, timeout: float = 10) -> bytes:
    """Send ``request`` as it is and return the whole answer."""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=timeout) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status(server: Server, path: str, host: str | None = None) -> int:
    host = f"127.0.0.1:{port_of(server)}" if host is None else host
    answer = raw(server, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    return int(answer.split(b" ", 2)[1])


def test_only_local_host_names_are_answered(server: Server) -> None:
    port = port_of(server)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert status(server, "/", host) == 200, host
    for host in (
        "evil.example",
        f"evil.example:{port}",
        "127.0.0.1",
        f"127.0.0.1:{port + 1}",
        f"localhost.:{port}",
    ):
        assert status(server, "/", host) == 421, host
    assert status(server, "/styles/base.css", f"rebind.example:{port}") == 421
    answer = raw(server, b"GET / HTTP/1.0\r\n\r\n")  # no Host at all
    assert answer.startswith(b"HTTP/1.0 400 ")


def test_malformed_paths_get_400_and_unknown_ones_404(server: Server) -> None:
    for path in (
        "/%00",
        "/styles/%00base.css",
        "/manuscript/a%00.png",
        "/%zz",
        "/styles/%e",
        "/%ff%fe",
        "/%0a",
    ):
        assert status(server, path) == 400, path
    assert status(server, "/styles/" + "a" * 5000 + ".css") == 400
    assert status(server, "/manuscript/" + "a" * 300 + ".png") == 404  # a name too long for the disk
    assert status(server, "/manuscript/fehlt.png") == 404
    assert status(server, "/?band=%ff") == 200  # a query the page explains, not a crash
    assert status(server, "/") == 200  # and it is still serving


def test_no_traceback_reaches_the_terminal(server: Server) -> None:
    for path in ("/%00", "/%ff", "/styles/%00"):
        status(server, path)
    server.stop()
    assert server.process.stdout is not None
    assert "Traceback" not in server.process.stdout.read()
    server.stop = lambda: None  # type: ignore[method-assign]


def test_an_idle_connection_is_closed(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=IDLE_TIMEOUT + 20) as idle:
        started = time.monotonic()
        assert idle.recv(1024) == b""  # closed by the server, not by us
        waited = time.monotonic() - started
    assert IDLE_TIMEOUT - 1 <= waited <= IDLE_TIMEOUT + 10


def test_connections_beyond_the_bound_wait_for_a_slot(server: Server) -> None:
    port = port_of(server)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.5)  # all of them accepted and in hand
        extra = socket.create_connection(("127.0.0.1", port), timeout=1.5)
        extra.sendall(
            f"GET /__version HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        with pytest.raises(TimeoutError):
            extra.recv(1024)  # no slot free: not answered yet
    finally:
        for connection in idle:
            connection.close()
    extra.settimeout(10)
    answer = extra.recv(1024)
    extra.close()
    assert answer.startswith(b"HTTP/1.0 200 ")
