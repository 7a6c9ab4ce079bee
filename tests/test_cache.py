"""The build cache: verified on read, atomic under concurrent builds, bounded, confined to the
project, and invisible to the checks, the gate and the watcher. Real files, links, FIFOs and
processes."""

from __future__ import annotations

import errno
import hashlib
import logging
import multiprocessing
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import bookpress.cache
from bookpress.cache import CACHE_DIR, HEADER, NO_CACHE_ENV, Cache
from bookpress.cli import main
from bookpress.gate import Gate
from bookpress.lint import lint_project
from bookpress.loader import load_book
from bookpress.watch import WATCHED, Ignored


@pytest.fixture(autouse=True)
def cache_switched_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with the cache on, whatever the developer's environment says."""
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    monkeypatch.setattr(bookpress.cache, "_warned", set())


@pytest.fixture
def warnings(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """The bookpress logger's warnings (the CLI, run by earlier tests, stops it propagating)."""
    monkeypatch.setattr(logging.getLogger("bookpress"), "propagate", True)
    caplog.set_level(logging.DEBUG, logger="bookpress")
    return lambda: [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def entry_path(root: Path, key: str) -> Path:
    return root / CACHE_DIR / key[:2] / key


def files_under(folder: Path) -> list[Path]:
    """The files under ``folder`` but the cache's seal."""
    return sorted(
        path for path in folder.rglob("*") if not path.is_dir() and path.name != bookpress.cache.SEAL_NAME
    )


# Keys


def test_keys_are_sha256_hex_and_tell_their_parts_apart(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = cache.key("chapter", b"\x00bytes")
    assert len(key) == 64 and set(key) <= set("0123456789abcdef")
    assert key == Cache(tmp_path / "elsewhere").key("chapter", b"\x00bytes")  # stable
    assert cache.key("ab", "c") != cache.key("a", "bc")  # parts are length-prefixed
    assert cache.key("ab") != cache.key("ab", "")
    assert cache.key("Straße") == cache.key("Straße".encode())  # text counts as UTF-8
    with pytest.raises(TypeError):
        cache.key(Path("manuscript"))  # type: ignore[arg-type]


def test_keys_change_with_bookpress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path)
    before = cache.key("chapter")
    bookpress.cache._code_version.cache_clear()
    monkeypatch.setattr(bookpress.cache, "__version__", "99.0")
    try:
        assert cache.key("chapter") != before
    finally:
        bookpress.cache._code_version.cache_clear()


@pytest.mark.parametrize(
    "key",
    ["", "ab", "../../etc/passwd", "A" * 64, "g" * 64, "a" * 63, "a" * 65, "a" * 64 + "\n", b"a" * 64, None],
)
def test_a_key_cannot_name_a_path(tmp_path: Path, key: object) -> None:
    cache = Cache(tmp_path)
    with pytest.raises(ValueError, match="64 lowercase hex digits"):
        cache.get(key)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="64 lowercase hex digits"):
        cache.put(key, b"x")  # type: ignore[arg-type]
    assert not (tmp_path / ".bookpress").exists()


# Entries


def test_put_then_get_fanned_out_by_the_first_two_digits(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = cache.key("chapter 1")
    assert cache.get(key) is None
    cache.put(key, b"%PDF-1.7 one chapter")
    assert cache.get(key) == b"%PDF-1.7 one chapter"
    stored = entry_path(tmp_path, key)
    assert stored.read_bytes()[HEADER.size :] == b"%PDF-1.7 one chapter"
    assert files_under(tmp_path / CACHE_DIR) == [stored]  # no temporary left behind
    cache.put(key, b"")  # replaced; an empty result is a result
    assert cache.get(key) == b""
    assert cache.size() == (1, HEADER.size)


def damage_by_truncating(path: Path, other: Path) -> None:
    path.write_bytes(path.read_bytes()[:-1])


def damage_by_truncating_the_header(path: Path, other: Path) -> None:
    path.write_bytes(path.read_bytes()[: HEADER.size - 3])


def damage_by_flipping_a_payload_byte(path: Path, other: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))


def damage_by_flipping_a_header_byte(path: Path, other: Path) -> None:
    data = bytearray(path.read_bytes())
    data[HEADER.size - 1] ^= 0x80  # the last byte of the payload's digest
    path.write_bytes(bytes(data))


def damage_by_appending(path: Path, other: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\n")


def damage_with_garbage(path: Path, other: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(4096))


def damage_by_emptying(path: Path, other: Path) -> None:
    path.write_bytes(b"")


def damage_with_another_keys_entry(path: Path, other: Path) -> None:
    path.write_bytes(other.read_bytes())  # a valid entry, renamed: not served for this key


@pytest.mark.parametrize(
    "damage",
    [
        damage_by_truncating,
        damage_by_truncating_the_header,
        damage_by_flipping_a_payload_byte,
        damage_by_flipping_a_header_byte,
        damage_by_appending,
        damage_with_garbage,
        damage_by_emptying,
        damage_with_another_keys_entry,
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_removed(
    tmp_path: Path, damage: Callable[[Path, Path], None]
) -> None:
    cache = Cache(tmp_path)
    key, other = cache.key("chapter 1"), cache.key("chapter 2")
    cache.put(key, random.Random(2).randbytes(10_000))
    cache.put(other, b"the other chapter")
    damage(entry_path(tmp_path, key), entry_path(tmp_path, other))
    assert cache.get(key) is None
    assert not entry_path(tmp_path, key).exists()
    assert cache.get(other) == b"the other chapter"
    cache.put(key, b"again")
    assert cache.get(key) == b"again"


def test_an_entry_larger_than_the_cap_is_neither_read_nor_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path)
    small, large = cache.key("small"), cache.key("large")
    cache.put(large, bytes(2000))
    monkeypatch.setattr(bookpress.cache, "MAX_ENTRY_BYTES", 1000)
    assert cache.get(large) is None  # valid, but over the cap: refused by its size
    cache.put(large, bytes(1001))
    assert cache.get(large) is None and not entry_path(tmp_path, large).exists()
    cache.put(small, bytes(1000))
    assert cache.get(small) == bytes(1000)


# Inside the project only


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the project, holding a valid cache of its own that must stay untouched."""
    folder = tmp_path / "outside"
    folder.mkdir()
    planted = Cache(folder)
    planted.put(planted.key("chapter 1"), b"planted outside")
    return folder / CACHE_DIR


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


def assert_untouched(outside: Path, cache: Cache) -> None:
    key = cache.key("chapter 1")
    assert files_under(outside) == [outside / key[:2] / key]
    assert (outside / key[:2] / key).read_bytes().endswith(b"planted outside")


@pytest.mark.parametrize("linked", [".bookpress", ".bookpress/cache"])
def test_a_linked_cache_folder_turns_the_cache_off(
    root: Path, outside: Path, linked: str, warnings: Callable[[], list[str]]
) -> None:
    (root / linked).parent.mkdir(parents=True, exist_ok=True)
    (root / linked).symlink_to(outside if linked.endswith("cache") else outside.parent)
    cache = Cache(root)
    key = cache.key("chapter 1")
    assert not cache.enabled
    assert cache.refused == f"{root / linked} is a symbolic link, which bookpress does not follow"
    assert cache.get(key) is None
    cache.put(cache.key("chapter 2"), b"new")
    assert cache.size() == (0, 0)
    assert cache.clear() == 0
    cache.prune()
    assert_untouched(outside, cache)
    assert warnings() == [f"the build cache is off: {cache.refused} (remove it to cache builds again)"]
    Cache(root).get(key)
    assert len(warnings()) == 1  # once per process


def test_a_link_even_inside_the_project_is_not_followed(root: Path) -> None:
    (root / "elsewhere").mkdir()
    (root / ".bookpress").symlink_to(root / "elsewhere")
    cache = Cache(root)
    cache.put(cache.key("x"), b"x")
    assert not cache.enabled and not list((root / "elsewhere").iterdir())


def test_a_file_in_the_cache_folders_place_turns_the_cache_off(root: Path) -> None:
    (root / ".bookpress").write_text("not a folder")
    cache = Cache(root)
    assert cache.refused == f"{root / '.bookpress'} is not a folder"
    cache.put(cache.key("x"), b"x")
    assert cache.get(cache.key("x")) is None
    assert (root / ".bookpress").read_text() == "not a folder"


def test_a_link_swapped_in_after_the_start_is_refused(
    root: Path, outside: Path, warnings: Callable[[], list[str]]
) -> None:
    cache = Cache(root)
    cache.put(cache.key("chapter 2"), b"ours")
    assert cache.enabled
    (root / CACHE_DIR).rename(root / "old-cache")
    (root / CACHE_DIR).symlink_to(outside)
    assert cache.get(cache.key("chapter 1")) is None  # present outside, never read
    cache.put(cache.key("chapter 3"), b"new")
    assert not cache.enabled
    assert_untouched(outside, cache)
    assert len(warnings()) == 1


def test_a_linked_fan_out_folder_is_ignored(root: Path, outside: Path) -> None:
    cache = Cache(root)
    key = cache.key("chapter 1")
    (root / CACHE_DIR).mkdir(parents=True)
    (root / CACHE_DIR / key[:2]).symlink_to(outside / key[:2])
    assert cache.get(key) is None
    cache.put(key, b"new")  # skipped: the folder it belongs in is a link
    assert cache.size() == (0, 0) and cache.clear() == 0
    assert cache.enabled  # the other 255 folders still serve
    assert_untouched(outside, cache)


def test_entries_that_are_not_regular_files_are_never_opened(root: Path, outside: Path) -> None:
    cache = Cache(root)
    linked, fifo, folder = cache.key("chapter 1"), cache.key("fifo"), cache.key("folder")
    for key in (linked, fifo, folder):
        entry_path(root, key).parent.mkdir(parents=True, exist_ok=True)
    entry_path(root, linked).symlink_to(outside / linked[:2] / linked)  # a valid entry for this key
    os.mkfifo(entry_path(root, fifo))  # opened for reading, it would block
    entry_path(root, folder).mkdir()
    for key in (linked, fifo, folder):
        assert cache.get(key) is None
    assert cache.size() == (0, 0)
    assert cache.clear() == 0
    assert_untouched(outside, cache)
    cache.put(linked, b"ours")  # replaces the link itself, never writes through it
    assert cache.get(linked) == b"ours"
    assert_untouched(outside, cache)


# Never in the way


def test_an_unwritable_cache_is_skipped(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(root)
    key = cache.key("chapter 1")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", disk_full)
        cache.put(key, b"x" * 1000)
    assert cache.get(key) is None
    assert files_under(root / CACHE_DIR) == []  # the temporary is gone too

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    elsewhere = root / "read-only"
    elsewhere.mkdir()
    with monkeypatch.context() as patched:
        patched.setattr(os, "mkdir", read_only)
        Cache(elsewhere).put(key, b"x")
    assert not (elsewhere / ".bookpress").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root")
def test_a_read_only_folder_is_skipped(root: Path) -> None:
    root.chmod(0o555)
    try:
        cache = Cache(root)
        cache.put(cache.key("x"), b"x")
        assert cache.get(cache.key("x")) is None
    finally:
        root.chmod(0o755)


def test_a_switched_off_cache_stores_nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on = Cache(root)
    key = on.key("chapter 1")
    on.put(key, b"from an earlier build")
    for off in (Cache(root, enabled=False), Cache(root, limit_bytes=0, enabled=False)):
        assert not off.enabled
        assert off.get(key) is None
        off.put(off.key("chapter 2"), b"x")
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    assert Cache(root).get(key) is None
    Cache(root).put(Cache(root).key("chapter 3"), b"x")
    monkeypatch.setenv(NO_CACHE_ENV, "0")
    assert Cache(root).get(key) == b"from an earlier build"
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    off = Cache(root)
    assert off.size() == (1, HEADER.size + 21)  # it still manages what is there
    assert off.clear() == HEADER.size + 21
    assert files_under(root / CACHE_DIR) == []


# Bounded


def test_the_least_recently_used_entries_go_first(root: Path) -> None:
    entry = HEADER.size + 1000
    cache = Cache(root, limit_bytes=10 * entry)
    keys = [cache.key(f"chapter {n}") for n in range(10)]
    for n, key in enumerate(keys):
        cache.put(key, bytes([n]) * 1000)
        os.utime(entry_path(root, key), ns=(10**18 + n * 10**9,) * 2)  # one second apart, long ago
    assert cache.size() == (10, 10 * entry)
    assert cache.get(keys[0]) == bytes([0]) * 1000  # a hit: now the most recently used
    cache.put(cache.key("chapter 10"), bytes([10]) * 1000)  # over the limit: prune to 90 %
    assert cache.size() == (9, 9 * entry)
    assert [cache.get(key) is not None for key in keys] == [True, False, False] + [True] * 7


def test_prune_keeps_the_limit_and_removes_stale_temporaries(root: Path) -> None:
    cache = Cache(root, limit_bytes=10**6)
    for n in range(5):
        key = cache.key(f"chapter {n}")
        cache.put(key, bytes(1000))
        os.utime(entry_path(root, key), ns=(10**18 + n,) * 2)
    stale = root / CACHE_DIR / "ab" / ".tmp-1-killed"
    fresh = root / CACHE_DIR / "ab" / ".tmp-2-writing"
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    fresh.write_bytes(b"half")
    foreign = root / CACHE_DIR / "README"
    foreign.write_text("not ours")
    cache.limit_bytes = 3 * (HEADER.size + 1000)
    cache.prune()
    assert cache.size() == (3, 3 * (HEADER.size + 1000))
    assert not stale.exists() and fresh.exists() and foreign.exists()
    assert [cache.get(cache.key(f"chapter {n}")) is not None for n in range(5)] == [False] * 2 + [True] * 3


def test_a_store_scans_the_folder_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scans = []
    listing = bookpress.cache._listing
    monkeypatch.setattr(
        bookpress.cache, "_listing", lambda subfolders: scans.append(1) or listing(subfolders)
    )
    cache = Cache(root, limit_bytes=100 * (HEADER.size + 100))
    for n in range(99):
        cache.put(cache.key(f"chapter {n}"), bytes(100))
    cache.put(cache.key("chapter 0"), bytes(100))  # a replacement does not grow the cache
    assert len(scans) == 1
    cache.put(cache.key("chapter 99"), bytes(100))
    cache.put(cache.key("chapter 100"), bytes(100))  # over the limit: one more scan, to prune
    assert len(scans) == 2
    assert cache.size() == (90, 90 * (HEADER.size + 100))


def test_an_entry_larger_than_the_limit_is_not_stored(root: Path) -> None:
    cache = Cache(root, limit_bytes=1000)
    cache.put(cache.key("kept"), bytes(100))
    cache.put(cache.key("large"), bytes(1000))
    assert cache.get(cache.key("large")) is None
    assert cache.get(cache.key("kept")) == bytes(100)


def test_clear_says_what_it_freed(root: Path) -> None:
    cache = Cache(root)
    assert cache.clear() == 0  # no folder yet
    for n in range(20):
        cache.put(cache.key(f"chapter {n}"), bytes(n))
    (root / CACHE_DIR / "ab").mkdir(exist_ok=True)
    (root / CACHE_DIR / "ab" / ".tmp-3-left").write_bytes(b"12345")
    assert cache.clear() == 20 * HEADER.size + sum(range(20)) + 5
    assert cache.size() == (0, 0)
    assert [path.name for path in (root / CACHE_DIR).iterdir()] == [bookpress.cache.SEAL_NAME]
    cache.put(cache.key("again"), b"x")
    assert cache.get(cache.key("again")) == b"x"


# Concurrent builds

KEYS = 24
LIMIT = 2**20  # smaller than all the keys' payloads: the processes prune while others read


def payload(n: int) -> bytes:
    rng = random.Random(n)
    return rng.randbytes(rng.randrange(0, 160_000))


def hammer(root: str, seed: int, rounds: int) -> tuple[list[str], int]:
    """Random stores and lookups on shared keys; the lookups that were wrong (or found a
    partial file, which verification would have hidden as a miss), and the hits."""
    cache = Cache(Path(root), limit_bytes=LIMIT)
    rng = random.Random(seed)
    wrong: list[str] = []
    hits = 0
    discard = bookpress.cache._discard

    def partial(folder: int, key: str, opened: os.stat_result) -> None:
        wrong.append(f"{key}: a partial or damaged file ({opened.st_size} bytes)")
        discard(folder, key, opened)

    bookpress.cache._discard = partial  # this process only: it ends with the test
    for _ in range(rounds):
        n = rng.randrange(KEYS)
        key = cache.key(f"entry {n}")
        if rng.random() < 0.5:
            cache.put(key, payload(n))
            continue
        got = cache.get(key)
        if got is not None:
            hits += 1
            if got != payload(n):
                wrong.append(f"entry {n}: {len(got)} bytes, expected {len(payload(n))}")
    return wrong, hits


def test_concurrent_builds_never_see_a_partial_or_wrong_entry(root: Path) -> None:
    context = multiprocessing.get_context("spawn")  # real, separate interpreters
    with context.Pool(4) as pool:
        results = pool.starmap_async(hammer, [(str(root), seed, 200) for seed in range(4)]).get(timeout=300)
    assert [wrong for wrong, _ in results] == [[], [], [], []]
    assert sum(hits for _, hits in results) > 0
    cache = Cache(root, limit_bytes=LIMIT)
    assert not [p for p in files_under(root / CACHE_DIR) if p.name.startswith(".tmp-")]
    for n in range(KEYS):
        assert cache.get(cache.key(f"entry {n}")) in (None, payload(n))
    cache.prune()
    assert cache.size()[1] <= LIMIT


# The command line


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cache_info_and_clear(project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("minimal")
    code, out, err = run("-C", str(root), "cache", "info")
    assert code == 0, err
    assert out.splitlines() == [
        f"cache    {root / CACHE_DIR}",
        "state    on",
        "entries  0",
        "size     0 KiB",
        "limit    512.0 MiB",
    ]
    assert not (root / ".bookpress").exists()  # looking creates nothing
    cache = Cache(root)
    for n in range(3):
        cache.put(cache.key(f"chapter {n}"), bytes(1024 * 1024))
    monkeypatch.chdir(root)
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    code, out, err = run("cache", "info")
    assert code == 0, err
    assert out.splitlines()[:4] == [
        "cache    .bookpress/cache",
        f"state    off: {NO_CACHE_ENV} is set",
        "entries  3",
        "size     3.0 MiB",
    ]
    code, out, err = run("cache", "clear")
    assert code == 0, err
    assert out == "freed 3.0 MiB in .bookpress/cache\n"
    assert cache.size() == (0, 0)
    assert run("--quiet", "cache", "clear")[1] == ""


def test_a_build_with_no_cache_neither_reads_nor_writes_it(project) -> None:
    """--no-cache reaches every stage: the checks, the loader and the editions."""
    root = project("minimal")
    code, _, err = run("-C", str(root), "--quiet", "build", "-f", "epub", "--no-cache")
    assert code == 0, err
    assert not (root / CACHE_DIR).exists()
    code, _, err = run("-C", str(root), "--quiet", "build", "-f", "epub")
    assert code == 0, err
    assert Cache(root).size()[0] > 0


def test_cache_commands_refuse_a_linked_folder(project, tmp_path: Path) -> None:
    root = project("minimal")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("keep")
    (root / ".bookpress").symlink_to(outside)
    code, out, err = run("-C", str(root), "cache", "info")
    assert code == 0 and err == ""
    assert f"state    off: {root / '.bookpress'} is a symbolic link, which bookpress does not follow" in out
    code, out, err = run("-C", str(root), "cache", "clear")
    assert code == 1 and out == ""
    assert err.splitlines()[0] == (
        f"cannot clear the cache: {root / '.bookpress'} is a symbolic link, which bookpress does not follow"
    )
    assert "Traceback" not in err and (outside / "keep").exists()


def test_cache_commands_need_a_project(tmp_path: Path) -> None:
    for command in ("info", "clear"):
        code, _, err = run("-C", str(tmp_path), "cache", command)
        assert code == 1 and "book.toml not found; is this a bookpress project?" in err
        assert "Traceback" not in err
    assert not (tmp_path / ".bookpress").exists()


# Not a source: git, init, the checks, the gate and the watcher leave the cache alone


def fill(root: Path) -> None:
    """A cache with entries, a temporary, and files named like sources."""
    cache = Cache(root)
    for n in range(5):
        cache.put(cache.key(f"chapter {n}"), bytes(100_000))
    (root / CACHE_DIR / "ab").mkdir(exist_ok=True)
    (root / CACHE_DIR / "ab" / ".tmp-1-x").write_bytes(b"half")
    (root / CACHE_DIR / "notes.md").write_text("---\ntitle: x\n---\n\n„unpaired\n", encoding="utf-8")
    (root / ".bookpress" / "01-kapitel.md").write_text("draft  with  spaces\n", encoding="utf-8")


def test_init_ignores_the_cache_in_git(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "neu")])
    assert result.exit_code == 0, result.output
    assert ".bookpress/" in (tmp_path / "neu" / ".gitignore").read_text().splitlines()


def test_the_checks_and_the_gate_do_not_read_the_cache(project) -> None:
    root = project("minimal")
    clean = lint_project(root)
    gate = Gate(root)
    load_book(root, gate=gate)
    fill(root)
    assert lint_project(root).findings == clean.findings
    filled = Gate(root)
    load_book(root, gate=filled)
    assert filled.total == gate.total  # the cache counts nothing toward the project's limit
    assert not [path for path in filled._read if ".bookpress" in path.parts]


def test_the_watcher_does_not_react_to_the_cache(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    key = Cache(root).key("chapter 1")
    ignored = Ignored.of(root, root / "output")
    assert ignored(root / CACHE_DIR / key[:2] / key)
    assert ignored(root / CACHE_DIR / key[:2] / ".tmp-1-x")
    assert not any((root / CACHE_DIR).is_relative_to(root / folder) for folder in WATCHED)


def test_a_cache_copied_with_the_project_verifies_nothing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    original = Cache(tmp_path / "a")
    key = original.key("chapter")
    original.put(key, b"laid out here")
    assert original.get(key) == b"laid out here"
    shutil.copytree(tmp_path / "a", tmp_path / "b", copy_function=shutil.copy2)
    copied = Cache(tmp_path / "b")
    assert copied.get(key) is None
    copied.put(key, b"laid out there")
    assert copied.get(key) == b"laid out there"
    assert Cache(tmp_path / "a").get(key) == b"laid out here"


def test_an_entry_written_without_the_seal_is_refused(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    key = store.key("chapter")
    store.put(key, b"real")
    forged = b"forged"
    header = bookpress.cache.HEADER.pack(
        bookpress.cache.MAGIC,
        bookpress.cache.FORMAT_VERSION,
        0,
        len(forged),
        bytes.fromhex(key),
        hashlib.sha256(forged).digest(),
    )
    entry_path(tmp_path, key).write_bytes(header + forged)
    assert Cache(tmp_path).get(key) is None


@pytest.mark.parametrize("damage", ["link", "short", "folder"])
def test_a_seal_that_is_not_ours_turns_lookups_into_misses(tmp_path: Path, damage: str) -> None:
    store = Cache(tmp_path)
    key = store.key("chapter")
    store.put(key, b"real")
    seal = tmp_path / bookpress.cache.CACHE_DIR / bookpress.cache.SEAL_NAME
    seal.unlink()
    if damage == "link":
        (tmp_path / "elsewhere").write_bytes(b"x" * bookpress.cache.SEAL_BYTES)
        seal.symlink_to(tmp_path / "elsewhere")
    elif damage == "short":
        seal.write_bytes(b"x")
    else:
        seal.mkdir()
    again = Cache(tmp_path)
    assert again.get(key) is None
    again.put(key, b"new")
    assert again.get(key) is None
