"""Builds on a Dask cluster: two local worker processes stand in for the machines of a real one.

The workers start from a fresh interpreter and get the book only as data (they
inherit this environment, so they import the same bookpress). Marked
``cluster`` and ``slow``: ``pytest -m "not cluster"`` leaves them out.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from distributed import LocalCluster
from PIL import Image

from bookpress.build import BuildOptions, build, timestamp
from bookpress.cli import main
from bookpress.cluster import Cluster, render_on_worker, versions
from bookpress.errors import BookError
from bookpress.loader import load_book
from conftest import copy_project

pytestmark = [pytest.mark.cluster, pytest.mark.slow]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a cluster of two single-threaded worker processes on this machine."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_cluster_build_is_byte_identical_to_one_process(
    scheduler: str, project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("pdf-mini")
    on_cluster = build(root, BuildOptions(output=tmp_path / "cluster", scheduler=scheduler))
    in_turn = build(root, BuildOptions(output=tmp_path / "local", jobs=1, cache=False))  # from scratch
    assert sorted(w.profile for w in on_cluster) == ["ebook", "print", "screen"]
    assert [w.path.name for w in on_cluster] == [w.path.name for w in in_turn]
    for there, here in zip(on_cluster, in_turn, strict=True):
        assert there.path.read_bytes() == here.path.read_bytes(), there.path.name


def test_a_backlist_on_the_cluster_writes_what_builds_write(scheduler: str, tmp_path: Path) -> None:
    roots = [copy_project("minimal", tmp_path / "a"), copy_project("ordered", tmp_path / "b")]
    result = CliRunner().invoke(main, ["backlist", *map(str, roots), "-p", "ebook", "--scheduler", scheduler])
    assert result.exit_code == 0, result.output
    for root in roots:
        [local] = build(root, BuildOptions(output=tmp_path / "local" / root.name, formats=("epub",), jobs=1))
        assert (root / "output" / local.path.name).read_bytes() == local.path.read_bytes()


def test_a_warning_on_a_worker_reaches_the_log_here(
    scheduler: str, project: Callable[[str], Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = project("pdf-mini")
    Image.new("RGB", (300, 200), "white").save(root / "manuscript" / "grob.png")
    (root / "manuscript" / "band-1" / "03-bild.md").write_text(
        "---\ntitle: Bild\n---\n\n![Ein Bild](../grob.png)\n", encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING, logger="bookpress"):
        build(root, BuildOptions(output=tmp_path / "out", profiles=("print",), scheduler=scheduler))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("manuscript/grob.png: printed at ") and "ppi" in m for m in warnings)


def test_a_book_error_on_a_worker_comes_back_as_one(
    scheduler: str, project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("pdf-mini")
    with open(root / "styles" / "print.css", "a", encoding="utf-8") as css:
        css.write('\nbody { font-family: "DejaVu Sans", sans-serif; }\n')
    with pytest.raises(BookError, match="system font"):
        build(root, BuildOptions(output=tmp_path / "out", profiles=("print",), scheduler=scheduler))
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_a_worker_with_other_versions_refuses_the_edition(
    scheduler: str, project: Callable[[str], Path]
) -> None:
    book = load_book(project("minimal"))
    volume = book.volumes[0]
    elsewhere = tuple((name, "0.0-elsewhere" if name == "Pango" else version) for name, version in versions())
    cluster = Cluster(scheduler)
    try:
        future = cluster.client.submit(
            render_on_worker, book, volume.number, "ebook", timestamp(volume), elsewhere, pure=False
        )
        with pytest.raises(BookError, match=r"other versions than this machine \(Pango "):
            future.result()
    finally:
        cluster.close()


def nobody_listens() -> str:
    """An address on this machine where no scheduler runs (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (None, "no Dask scheduler answered at tcp://127.0.0.1:"),
        ("http://127.0.0.1:8786", "unknown address scheme 'http'"),
        ("tcp://127.0.0.1", "missing port number"),
    ],
)
def test_a_scheduler_that_cannot_be_reached_is_a_clear_error(
    project: Callable[[str], Path], address: str | None, message: str
) -> None:
    root = project("minimal")
    started = time.monotonic()
    result = CliRunner().invoke(
        main, ["-C", str(root), "build", "-f", "epub", "--scheduler", address or nobody_listens()]
    )
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 15
    assert not list((root / "output").glob("*.epub"))


# A scheduler serves its HTTP routes on 8787 even without a dashboard; the module's cluster has it.
@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")
def test_workers_with_several_threads_are_told_to_run_one(caplog: pytest.LogCaptureFixture) -> None:
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=2,
            processes=False,  # threads of this process: quick to start
            protocol="tcp://",
            host="127.0.0.1",
            dashboard_address=None,
        ) as threaded,
        caplog.at_level(logging.WARNING, logger="bookpress"),
    ):
        Cluster(threaded.scheduler_address).close()
    [warning] = [r.getMessage() for r in caplog.records if r.name == "bookpress"]
    assert warning.startswith("1 of 1 workers (tcp://127.0.0.1:") and "--nthreads 1" in warning
