"""The command line. The only module that knows Click.

Exit status: 0 done, 1 a problem the author can fix (printed as
``file:line: message``), 2 a usage error (Click's own).
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from . import __version__
from .build import BuildOptions, Written, build
from .errors import BookError
from .loader import load_book
from .renderers import PROFILES


def _sigterm(signum: int, frame: object) -> None:
    # Turn SIGTERM into SystemExit so that `finally` blocks remove temporary files.
    raise SystemExit(128 + signum)


def _fail(error: BookError, root: Path) -> None:
    for problem in error.problems:
        click.echo(problem.format(root=Path.cwd()), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
    sys.exit(1)


def _human(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bookpress")
@click.option("--project", "-C", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The project folder (holds manuscript/book.toml).")
@click.pass_context
def main(ctx: click.Context, project: Path) -> None:
    """bookpress compiles Markdown manuscripts into EPUB and PDF editions."""
    ctx.obj = project
    signal.signal(signal.SIGTERM, _sigterm)


@main.command("build")
@click.option("--volume", "-v", "volumes", multiple=True, metavar="V",
              help="Build only this volume (III or 3); repeatable.")
@click.option("--format", "-f", "formats", multiple=True,
              type=click.Choice(sorted({p.format for p in PROFILES.values()})),
              help="Build only editions of this format; repeatable.")
@click.option("--profile", "-p", "profiles", multiple=True, type=click.Choice(list(PROFILES)),
              help="Build only this edition profile; repeatable.")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the editions  [default: PROJECT/output]")
@click.pass_obj
def build_command(project: Path, volumes: tuple[str, ...], formats: tuple[str, ...],
                  profiles: tuple[str, ...], output: Path | None) -> None:
    """Build the editions of every volume (or of the ones chosen)."""
    started = time.perf_counter()
    options = BuildOptions(output=output or project / "output", volumes=volumes, formats=formats,
                           profiles=profiles)

    def report(written: Written) -> None:
        click.echo(f"wrote {written.path}  ({_human(written.size)}, {written.seconds:.1f} s)")

    try:
        results = build(project, options, on_written=report)
    except BookError as error:
        _fail(error, project)
        return
    except OSError as error:
        click.echo(f"cannot write to {options.output}: {error.strerror or error}", err=True)
        sys.exit(1)
    total = sum(r.size for r in results)
    click.echo(f"{len(results)} edition{'s' if len(results) != 1 else ''} built "
               f"({_human(total)}) in {time.perf_counter() - started:.1f} s")


@main.command("check")
@click.pass_obj
def check_command(project: Path) -> None:
    """Check the manuscript without writing anything."""
    try:
        book = load_book(project)
    except BookError as error:
        _fail(error, project)
        return
    chapters = sum(len(v.chapters) for v in book.volumes)
    click.echo(f"ok: {len(book.volumes)} volumes, {chapters} chapters, no problems found")
