"""Tests for `bookpress preview`: the server, and the page in a real headless Chromium.

The browser test needs Debian's chromium and chromium-driver (scripts/system-packages.txt)
and the selenium package; it is not skipped when they are missing, so CI cannot pass
without having run it.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookpress.cli import main
from bookpress.preview import fingerprint
from conftest import REPO, copy_project, replace_in

WAIT = 30


class Server:
    """`python compile.py preview --port 0` in a subprocess."""

    def __init__(self, root: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "compile.py"), "-C", str(root), "preview", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(
            target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True
        ).start()
        line = lines.get(timeout=WAIT)
        assert "serving the preview at http://127.0.0.1:" in line, line
        self.url = line.split(" at ")[1].split()[0]

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=WAIT) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=WAIT)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Server]]:
    root = copy_project("minimal", tmp_path / "book")
    server = Server(root)
    yield root, server
    server.stop()


def test_server_pages_assets_and_limits(served: tuple[Path, Server]) -> None:
    root, server = served
    status, page = server.get("/")
    assert status == 200
    text = page.decode("utf-8")
    assert 'lang="de"' in text and 'href="/styles/base.css"' in text
    assert "Der Anfang" in text
    assert server.get("/__version")[1].decode() == fingerprint(root)
    assert server.get("/__bookpress/preview.js")[0] == 200
    assert server.get("/styles/fonts.css")[0] == 200
    assert server.get("/manuscript/book.toml")[0] == 404  # only images from the manuscript
    assert server.get("/styles/../manuscript/book.toml")[0] == 404
    assert server.get("/etc/passwd")[0] == 404


def test_problems_show_in_the_page_until_fixed(served: tuple[Path, Server]) -> None:
    root, server = served
    chapter = root / "manuscript" / "teil-1" / "01-anfang.md"
    good = chapter.read_text(encoding="utf-8")
    chapter.write_text("kaputt", encoding="utf-8")
    assert "must start with front matter" in server.get("/")[1].decode()
    chapter.write_text(good, encoding="utf-8")
    assert "Der Anfang" in server.get("/")[1].decode()


def test_the_server_listens_on_localhost_only(served: tuple[Path, Server]) -> None:
    assert server_host(served[1].url) == "127.0.0.1"


def server_host(url: str) -> str:
    return url.split("//")[1].split(":")[0]


def test_preview_failures(tmp_path: Path) -> None:
    missing = CliRunner().invoke(main, ["-C", str(tmp_path), "preview", "--port", "0"])
    assert missing.exit_code == 1 and "book.toml not found" in missing.stderr
    assert CliRunner().invoke(main, ["preview", "--port", "70000"]).exit_code == 2
    root = copy_project("minimal", tmp_path / "book")
    first = Server(root)
    try:
        port = first.url.rsplit(":", 1)[1].strip("/")
        taken = CliRunner().invoke(main, ["-C", str(root), "preview", "--port", port])
        assert taken.exit_code == 1 and f"cannot serve on port {port}" in taken.stderr
    finally:
        first.stop()


# --- in a real browser


def chromium() -> object:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def test_the_page_in_chromium_lists_chapters_and_reloads_after_an_edit(
    served: tuple[Path, Server], tmp_path: Path
) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    root, server = served
    browser = chromium()
    try:
        browser.get(server.url)
        titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".preview-nav .contents .title")]
        assert titles == ["Der Anfang", "Das Ende", "Über die Autorin"]
        font = browser.execute_script(
            "return getComputedStyle(document.querySelector('.chapter p')).fontFamily"
        )
        assert "Libertine" in font  # styled like the book
        assert browser.execute_script("return document.fonts.check('1em Libertine')")
        first = browser.find_element(By.CSS_SELECTOR, ".preview-nav .contents a")
        first.click()
        assert browser.current_url.endswith("#v1-c01")

        time.sleep(0.1)  # a different mtime for the fingerprint on coarse file systems
        replace_in(root / "manuscript" / "teil-1" / "01-anfang.md", "Absatz", "Leuchtturm")
        # The page may reload between finding <main> and reading it: try again then.
        WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda b: "Leuchtturm" in b.find_element(By.CSS_SELECTOR, "main").text
        )  # the page reloaded itself
    finally:
        browser.quit()


def test_static_files_pass_the_gate(served: tuple[Path, Server], tmp_path: Path) -> None:
    root, server = served
    secret = tmp_path / "geheim.css"
    secret.write_text("/* geheim */", encoding="utf-8")
    (root / "styles" / "link.css").symlink_to(secret)
    os.mkfifo(root / "styles" / "rohr.css")
    (root / "manuscript" / "null.png").symlink_to("/dev/zero")
    assert server.get("/styles/link.css")[0] == 404  # a link to a file outside
    assert server.get("/styles/rohr.css")[0] == 404  # a FIFO: refused before opening, no hang
    assert server.get("/manuscript/null.png")[0] == 404
    assert server.get("/styles//etc/passwd")[0] == 404
    assert server.get("/styles/base.css")[0] == 200
    (root / "styles" / "remote.css").write_text('@import "https://example.org/x.css";', encoding="utf-8")
    assert server.get("/styles/remote.css")[0] == 404  # the browser would fetch it
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    (root / "manuscript" / "skript.svg").write_text(svg, encoding="utf-8")
    assert server.get("/manuscript/skript.svg")[0] == 404  # the browser would run it
    (root / "manuscript" / "gut.svg").write_text(
        svg.replace("<script>alert(1)</script>", ""), encoding="utf-8"
    )
    assert server.get("/manuscript/gut.svg")[0] == 200
