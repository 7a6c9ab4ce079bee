"""The output folder: atomic writes, a volume's editions replaced together, and the build lock.

Every edition is written to a temporary file in the output folder, flushed to
disk, and renamed over the old file, so a reader (or a crash, kill -9, a full
disk) sees the old file or the new one, never half of one. A volume's editions
are replaced together: all temporaries are written first, and only when every
one of them is complete are they renamed into place.

Builds into one folder take turns: each holds an exclusive ``flock`` on
``.bookpress.lock`` in the output folder while it writes. The kernel releases
the lock when the process ends, however it ends, so a killed build never
blocks the next one. The file keeps the holder's pid and start time, so a
waiting build can say whom it waits for. The holder removes the file before
it lets go, so the output folder holds only editions; a waiter that then gets
the lock of a removed file notices (the path no longer names its file) and
tries again with a new one. Leftover temporaries of a killed
build are removed only while holding the lock: a running build's temporaries
are never anyone else's leftovers.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

TEMP_PREFIX = ".bookpress-"
LOCK_NAME = ".bookpress.lock"


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half."""
    write_together([(path, data)])


def write_together(files: list[tuple[Path, bytes]]) -> None:
    """Replace every path with its data, but only once all temporaries are complete.

    An error while writing the temporaries (a full disk) leaves every old file
    as it was. The renames that follow are single system calls on one file system.
    """
    with ExitStack() as stack:
        ready = []
        for path, data in files:
            temporary = stack.enter_context(_temporary(path.parent))
            _write_synced(temporary, data)
            ready.append((temporary, path))
        for temporary, path in ready:
            os.replace(temporary, path)


def _write_synced(temporary: Path, data: bytes) -> None:
    temporary.write_bytes(data)
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    # mkstemp makes the file private (0600); an edition is an ordinary file.
    temporary.chmod(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _temporary(folder: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)  # gone already when it was renamed into place


def remove_stale_temporaries(folder: Path) -> None:
    """Remove what an earlier build left when it was killed mid-write (call with the lock held)."""
    for stale in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        stale.unlink(missing_ok=True)


@contextmanager
def locked(folder: Path, *, on_wait: Callable[[str], None] = lambda holder: None) -> Iterator[None]:
    """Hold the output folder's lock; while another build holds it, say who and wait.

    ``on_wait`` hears the holder, e.g. "pid 4711, since 21:03:17".
    """
    path = folder / LOCK_NAME
    descriptor = _acquire(path, on_wait)
    try:
        _record_holder(descriptor)
        yield
    finally:
        path.unlink(missing_ok=True)  # while still holding it: see the module's docstring
        os.close(descriptor)  # releases the lock


def _acquire(path: Path, on_wait: Callable[[str], None]) -> int:
    """A descriptor of ``path`` locked by us, and ``path`` still names that file."""
    told = False
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not told:
                    on_wait(_holder(descriptor))
                    told = True
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            if _same_file(descriptor, path):
                return descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)  # the holder removed it as we waited: lock the new one


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def _record_holder(descriptor: int) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{os.getpid()} {time.time():.0f}\n".encode(), 0)


def _holder(descriptor: int) -> str:
    """Who holds the lock, as written by the holder (it may not have written it yet)."""
    fields = os.pread(descriptor, 64, 0).decode("ascii", "replace").split()
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        since = time.strftime("%H:%M:%S", time.localtime(int(fields[1])))
        return f"pid {fields[0]}, since {since}"
    return "another build"
