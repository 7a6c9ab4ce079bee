"""Concurrent builds into one output folder take turns on a lock, and a killed holder frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bookpress.output import LOCK_NAME, locked
from conftest import REPO, with_printer_and_address

WAIT = 120


def start_build(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(REPO / "compile.py"), "-C", str(root), "build", "-f", "epub"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"},
    )


def read_line(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    return process.stderr.readline()


def test_a_second_build_waits_names_the_holder_and_spares_its_temporaries(project) -> None:
    root = with_printer_and_address(project("minimal"))  # no warning ahead of the wait
    output = root / "output"
    output.mkdir()
    with locked(output):  # this test process is the first build
        ours = output / ".bookpress-running.tmp"  # a temporary of the build holding the lock
        ours.write_bytes(b"half a book")
        second = start_build(root)
        line = read_line(second)
        assert line.startswith(f"waiting: another build is writing to {output} (pid {os.getpid()}, since ")
        time.sleep(1.0)
        assert second.poll() is None  # still waiting
        assert ours.read_bytes() == b"half a book"  # not removed as a leftover
        assert not list(output.glob("*.epub"))
        ours.unlink()
    out, err = second.communicate(timeout=WAIT)
    assert second.returncode == 0, err
    assert "1 edition built" in out
    assert sorted(p.name for p in output.iterdir()) == ["Testreihe-I_9783161484100.epub"]  # lock removed


def test_a_killed_holder_blocks_no_one(project) -> None:
    root = with_printer_and_address(project("minimal"))  # no warning ahead of the wait
    output = root / "output"
    output.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from bookpress.output import locked\n"
            "with locked(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(600)",
            str(output),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    (output / ".bookpress-killed.tmp").write_bytes(b"left by the killed build")
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=WAIT)
    assert (output / LOCK_NAME).exists()  # kill -9 leaves the file, but the kernel freed the lock
    second = start_build(root)
    _, err = second.communicate(timeout=WAIT)
    assert second.returncode == 0, err
    assert "waiting" not in err
    assert sorted(p.name for p in output.iterdir()) == ["Testreihe-I_9783161484100.epub"]
