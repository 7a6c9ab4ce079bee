"""The command line. The only module that knows Click.

Exit status: 0 done, 1 a problem the author can fix (printed as
``file:line: message``), 2 a usage error (Click's own), 70 an internal error:
a bug in bookpress, printed as one line ``internal error: … (please report
it)``; ``BOOKPRESS_DEBUG=1`` prints its traceback too (:mod:`bookpress.internal`).

Everything that reads or writes a book is imported inside the command that
needs it: ``--help``, ``--version`` and shell completion then load only Click
and this module, not Python-Markdown, lxml, Pillow or ebooklib.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from . import __version__
from .errors import BookError
from .printers import PRINTERS
from .renderers import PROFILES

if TYPE_CHECKING:
    from .build import Written
    from .cache import Cache
    from .doctor import Item as DoctorItem
    from .lint import Finding
    from .preflight import Finding as PreflightFinding
    from .progress import Console
    from .scaffold import NewVolume


T = TypeVar("T")


def _sigterm(signum: int, frame: object) -> None:
    # Turn SIGTERM into SystemExit so that `finally` blocks remove temporary files.
    raise SystemExit(128 + signum)


def _fail(error: BookError, root: Path, written: list[Written] | None = None) -> None:
    for problem in error.problems:
        click.echo(problem.format(root=Path.cwd()), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; {_what_was_written(written)}", err=True)
    sys.exit(1)


def _what_was_written(written: list[Written] | None) -> str:
    """Exactly which editions a failed build wrote before it stopped."""
    if not written:
        return "nothing was written."
    names = ", ".join(str(w.path) for w in written)
    return f"wrote only {names}; every other file was left as it was."


# A volume as typed after -V: 1 to 999 in Roman (any case) or Arabic digits.
_VOLUME_WORD = re.compile(r"(?i)(?=.)(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})|[0-9]{1,3}")


class _Command(click.Command):
    """A command that takes a volume refuses ``-v III``: -v is --verbose, and the volume's
    short option is -V; without this, ``new chapter -v III`` would make a chapter titled "III"."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if any(param.name in ("volume", "volumes") for param in self.params):
            for flag, word in itertools.pairwise(args):
                if flag == "--":
                    break
                if flag == "-v" and _VOLUME_WORD.fullmatch(word):
                    raise click.UsageError(
                        f"-v is --verbose; choose the volume with -V {word} (or --volume {word})", ctx
                    )
        return super().parse_args(ctx, args)


class _Group(click.Group):
    """A group of commands (new, cache): its commands and groups are of our classes too."""

    command_class = _Command
    group_class = type


class _Commands(_Group):
    """The command group; turns what the commands let escape into a message and an exit status."""

    group_class = _Group

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader of our output went away (`bookpress check | head`): nothing to say.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python's advice for EPIPE
            sys.exit(1)
        except BookError as error:
            _fail(error, ctx.obj or Path("."))
        except Exception as error:  # every bug ends here: one line, never a traceback
            from . import internal

            internal.report(error, lambda line: click.echo(line, err=True))
            sys.exit(internal.EX_SOFTWARE)
        return None


CONSOLE = "bookpress.console"  # key of the Console in the context's meta


def _tell_written(console: Console, edition: Written) -> None:
    """One line for an edition a build wrote, or found up to date."""
    if edition.unchanged:
        console.result(f"up to date: {edition.path}  ({_human_size(edition.size)})")
    else:
        console.result(f"wrote {edition.path}  ({_human_size(edition.size)}, {edition.seconds:.1f} s)")


def _human_size(size: int) -> str:
    from .progress import human_size  # with the console: not loaded for --help

    return human_size(size)


def _console() -> Console:
    return click.get_current_context().meta[CONSOLE]


def _run_console(ctx: click.Context) -> Console:
    """The Console of this run, made when first needed; the common options change it."""
    from .progress import Console, colour_wanted

    if CONSOLE not in ctx.meta:
        ctx.meta[CONSOLE] = Console(colour=colour_wanted(None))
    return ctx.meta[CONSOLE]


def _set_project(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.obj = value


def _set_level(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # Click handles the options in the order they were typed, so of --quiet and
    # --verbose the later one counts, wherever each stands.
    if not value:
        return
    from .progress import attach_logging

    console = _run_console(ctx)
    console.quiet = param.name == "quiet"
    console.verbose = param.name == "verbose"
    attach_logging(console)


def _set_colour(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    if value is None:
        return
    from .progress import colour_wanted

    ctx.color = _run_console(ctx).colour = colour_wanted(value)


_PROJECT = click.option(
    "--project",
    "-C",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    expose_value=False,
    callback=_set_project,
    help="The project folder (holds manuscript/book.toml)  [default: the current folder]",
)
_QUIET = click.option(
    "--quiet", "-q", is_flag=True, expose_value=False, callback=_set_level, help="Print only problems."
)
_VERBOSE = click.option(
    "--verbose",
    "-v",
    is_flag=True,
    expose_value=False,
    callback=_set_level,
    help="Print each step, and information findings.",
)
_COLOUR = click.option(
    "--color/--no-color",
    "colour",
    default=None,
    expose_value=False,
    callback=_set_colour,
    help="Colour the output  [default: on for a terminal, off under NO_COLOR]",
)


def _common_options(*, project: bool = True) -> Callable[[Callable], Callable]:
    """-C, -q, -v and --color/--no-color, for a command to take after its name as well as
    before it; given in both places, the later one counts. Commands that name their folders
    themselves (init, backlist) leave out -C."""
    options = [_PROJECT, _QUIET, _VERBOSE, _COLOUR] if project else [_QUIET, _VERBOSE, _COLOUR]

    def apply(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bookpress")
@_common_options()
@click.pass_context
def main(ctx: click.Context) -> None:
    """bookpress compiles Markdown manuscripts into EPUB and PDF editions."""
    from .progress import attach_logging

    if ctx.obj is None:
        ctx.obj = Path(".")
    console = _run_console(ctx)
    attach_logging(console)
    ctx.color = console.colour
    signal.signal(signal.SIGTERM, _sigterm)


def _edition_options(verb: str) -> Callable[[Callable], Callable]:
    """The options that choose editions, shared by build and watch."""
    options = [
        click.option(
            "--volume",
            "-V",
            "volumes",
            multiple=True,
            metavar="V",
            help=f"{verb} only this volume (III or 3); repeatable.",
        ),
        click.option(
            "--format",
            "-f",
            "formats",
            multiple=True,
            type=click.Choice(sorted({p.format for p in PROFILES.values()})),
            help=f"{verb} only editions of this format; repeatable.",
        ),
        click.option(
            "--profile",
            "-p",
            "profiles",
            multiple=True,
            type=click.Choice(list(PROFILES)),
            help=f"{verb} only this edition profile; repeatable.",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Where to write the editions  [default: PROJECT/output]",
        ),
    ]

    def apply(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


@main.command("build")
@_edition_options("Build")
@click.option("--strict", is_flag=True, help="Warnings of the checks stop the build too.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes for the PDFs; 1 builds everything in one process  [default: one per core]",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Render the editions on this Dask cluster (needs bookpress[cluster]).",
)
@click.option("--no-cache", is_flag=True, help="Neither use nor keep results in .bookpress/cache.")
@click.pass_obj
@_common_options()
def build_command(
    project: Path,
    volumes: tuple[str, ...],
    formats: tuple[str, ...],
    profiles: tuple[str, ...],
    output: Path | None,
    strict: bool,
    jobs: int | None,
    scheduler: str | None,
    no_cache: bool,
) -> None:
    """Check the manuscript, then build the editions of every volume (or of the ones chosen).

    The checks are those of `check`: errors stop the build before anything is
    written, warnings are printed (with --strict they stop it too). A volume's
    editions are replaced together, once all of them rendered.
    """
    from .build import BuildOptions, CheckFailed, build

    started = time.perf_counter()
    options = BuildOptions(
        output=output or project / "output",
        volumes=volumes,
        formats=formats,
        profiles=profiles,
        strict=strict,
        jobs=jobs,
        scheduler=scheduler,
        cache=not no_cache,
    )
    console = _console()
    written: list[Written] = []

    def report(edition: Written) -> None:
        written.append(edition)
        _tell_written(console, edition)

    def wait(holder: str) -> None:
        console.problem(f"waiting: another build is writing to {options.output} ({holder})", fg="yellow")

    try:
        with console.progress():
            build(
                project,
                options,
                on_written=report,
                on_step=console.step,
                on_finding=_show_finding,
                on_wait=wait,
            )
    except CheckFailed as error:
        for finding in error.findings:
            _show_finding(finding)
        console.problem(f"{error.summary}; nothing was written.")
        sys.exit(1)
    except BookError as error:
        _fail(error, project, written)
    except OSError as error:
        # error.filename may be a temporary file, which would only puzzle the reader.
        console.problem(f"cannot write to {options.output}: {error.strerror or error}")
        what = _what_was_written(written)
        console.problem(what[0].upper() + what[1:])
        sys.exit(1)
    _preflight_written(project, written, cache=options.cache)
    total = sum(w.size for w in written)
    done = "up to date" if written and all(w.unchanged for w in written) else "built"
    console.result(
        f"{len(written)} edition{'s' if len(written) != 1 else ''} {done} "
        f"({_human_size(total)}) in {time.perf_counter() - started:.1f} s"
    )


def _preflight_written(project: Path, written: list[Written], *, cache: bool) -> None:
    """Preflight the print PDFs the build wrote (or found up to date); show what it finds.
    With ``cache``, a file preflighted before is not read again."""
    from .preflight import run

    prints = tuple(edition.path for edition in written if edition.profile == "print")
    if not prints:
        return
    try:
        findings = run(project, prints, cache=cache)
    except BookError as error:
        _console().problem(f"preflight: {error}")
        return
    for finding in findings:
        _show_preflight(finding)


def _show_finding(finding: Finding) -> None:
    """A finding of the checks, printed as `check` prints it; even with --quiet."""
    console = _console()
    code = console.styled(finding.code, fg=SEVERITY_COLOURS[finding.severity])
    console.problem(finding.format(Path.cwd(), code=code), fg=None)


@main.command(
    "backlist",
    # The edition and runner options of build, the very same ones; no --volume or --output.
    params=[
        p
        for p in build_command.params
        if p.name in ("formats", "profiles", "strict", "jobs", "scheduler", "no_cache")
    ],
)
@click.argument(
    "projects",
    nargs=-1,
    required=True,
    metavar="PROJECT...",
    type=click.Path(file_okay=False, path_type=Path),
)
@_common_options(project=False)
def backlist_command(
    projects: tuple[Path, ...],
    formats: tuple[str, ...],
    profiles: tuple[str, ...],
    strict: bool,
    jobs: int | None,
    scheduler: str | None,
    no_cache: bool,
) -> None:
    """Build every edition of several projects, each into its own output folder.

    Each PROJECT is checked as `build` checks it; then the editions of all of
    them are started at once, on one pool of worker processes or one Dask
    cluster. A project that fails is reported and the others still build;
    the exit status is 1 if any failed.
    """
    from .backlist import Outcome, build_backlist
    from .build import BuildOptions, CheckFailed

    started = time.perf_counter()
    options = BuildOptions(
        output=Path("output"),
        formats=formats,
        profiles=profiles,
        strict=strict,
        jobs=jobs,
        scheduler=scheduler,
        cache=not no_cache,
    )
    console = _console()

    def report(edition: Written) -> None:
        _tell_written(console, edition)

    def failed(outcome: Outcome) -> None:
        error = outcome.error
        if isinstance(error, CheckFailed):
            for finding in error.findings:
                _show_finding(finding)
            console.problem(f"{outcome.root}: {error.summary}; nothing was written.")
        elif isinstance(error, BookError):
            for problem in error.problems:
                console.problem(problem.format(root=Path.cwd()))
            console.problem(f"{outcome.root}: {_what_was_written(outcome.written)}")
        else:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            console.problem(f"{outcome.root}: cannot write to {outcome.root / options.output}: {reason}")
            console.problem(f"{outcome.root}: {_what_was_written(outcome.written)}")

    def wait(holder: str) -> None:
        console.problem(f"waiting: another build is writing to an output folder ({holder})", fg="yellow")

    with console.progress():
        outcomes = build_backlist(
            projects,
            options,
            on_written=report,
            on_step=console.step,
            on_finding=_show_finding,
            on_wait=wait,
            on_failed=failed,
        )
    written = [edition for outcome in outcomes for edition in outcome.written]
    broken = [str(outcome.root) for outcome in outcomes if outcome.error is not None]
    size = _human_size(sum(w.size for w in written))
    summary = (
        f"{len(outcomes) - len(broken)} of {len(outcomes)} projects built: "
        f"{len(written)} edition{'s' if len(written) != 1 else ''} ({size})"
    )
    unchanged = sum(w.unchanged for w in written)
    if unchanged:
        summary += f", {unchanged} of them up to date"
    console.result(f"{summary} in {time.perf_counter() - started:.1f} s")
    if broken:
        console.problem(f"{len(broken)} failed: {', '.join(broken)}")
        sys.exit(1)


def _format_option(text: str) -> Callable[[Callable], Callable]:
    """--format of the commands that print a report: ``text`` for people, or JSON for tools."""
    return click.option(
        "--format",
        "-f",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=f"{text}, or JSON for tools.",
    )


_FORMAT_OPTION = _format_option("One finding a line")  # of the commands that report findings


@main.command("check")
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@_FORMAT_OPTION
@click.option("--codes", is_flag=True, help="List the finding codes and exit.")
@click.pass_obj
@_common_options()
def check_command(project: Path, strict: bool, output_format: str, codes: bool) -> None:
    """Check the manuscript without writing anything.

    Prints each finding as FILE:LINE:COLUMN: CODE: MESSAGE. Exit status 1 when
    there are errors (with --strict, warnings too). --verbose adds information
    findings: every quote and dash the typography pass converted.
    """
    from .lint import CODES, lint_project

    console = _console()
    if codes:
        for code in CODES.values():
            console.plain(f"{code.code}  {code.name:<26} {code.summary}")
        return
    try:
        report = lint_project(project)
    except OSError as error:  # a file the checks could not read; they write nothing
        console.problem(f"cannot read {error.filename or project}: {error.strerror or error}")
        sys.exit(1)
    if output_format == "json":
        console.plain(report.to_json(Path.cwd(), verbose=console.verbose))
    else:
        for finding in report.shown(verbose=console.verbose):
            code = console.styled(finding.code, fg=SEVERITY_COLOURS[finding.severity])
            console.plain(finding.format(Path.cwd(), code=code))
        if report.failed(strict=strict):
            console.problem(report.summary())
        else:
            console.result(report.summary(), fg="green")
    sys.exit(1 if report.failed(strict=strict) else 0)


SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


@main.command("preflight")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--printer",
    type=click.Choice(list(PRINTERS)),
    default=None,
    help="Check against this printer  [default: [print] printer of book.toml]",
)
@_FORMAT_OPTION
@click.pass_obj
@_common_options()
def preflight_command(
    project: Path, files: tuple[Path, ...], printer: str | None, output_format: str
) -> None:
    """Check print PDFs against their printer's specification.

    FILES default to the print PDFs in PROJECT/output. Prints each finding as
    FILE:PAGE: CODE: MESSAGE; exit status 1 when there are errors.
    """
    from .preflight import failed, run, to_json

    console = _console()
    try:
        findings = run(project, files, printer)
    except BookError as error:
        _fail(error, project)
    if output_format == "json":
        console.plain(to_json(findings, Path.cwd()))
    else:
        for finding in findings:
            _show_preflight(finding, plain=True)
        errors = sum(finding.severity == "error" for finding in findings)
        summary = f"{errors} error{'s' * (errors != 1)}, {len(findings) - errors} warning" + (
            "s" * (len(findings) - errors != 1)
        )
        if errors:
            console.problem(summary)
        else:
            console.result(summary, fg="green")
    sys.exit(1 if failed(findings) else 0)


def _show_preflight(finding: PreflightFinding, *, plain: bool = False) -> None:
    """A preflight finding, coloured by severity as check's findings are."""
    console = _console()
    code = console.styled(finding.code, fg=SEVERITY_COLOURS[finding.severity])
    if plain:
        console.plain(finding.format(Path.cwd(), code=code))
    else:
        console.problem(finding.format(Path.cwd(), code=code), fg=None)


@main.command("stats")
@click.option(
    "--volume", "-V", "volumes", multiple=True, metavar="V", help="Only this volume (III or 3); repeatable."
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="How to print the numbers.",
)
@click.pass_obj
@_common_options()
def stats_command(project: Path, volumes: tuple[str, ...], output_format: str) -> None:
    """Words, characters, Normseiten, print pages and reading time per chapter and volume."""
    from .stats import stats

    try:
        _console().plain(stats(project, volumes, output_format))
    except BookError as error:
        _fail(error, project)


@main.command("doctor")
@_format_option("A line for each thing looked at")
@click.pass_obj
@_common_options()
def doctor_command(project: Path, output_format: str) -> None:
    """Check that this machine and project have what building, validating and testing need.

    Looks at Python, WeasyPrint and Pango, the bundled styles and fonts, the
    project's styles, output folder and cache (see -C), and the tools the tests
    use: Java, EPUBCheck, Node.js, Ace by DAISY, Chromium, ChromeDriver, Poppler. Says
    what needs each missing one and the command that installs it. Exit status 1
    only when building is impossible.
    """
    from .doctor import buildable, diagnose, to_json

    console = _console()
    items = diagnose(project)
    if output_format == "json":
        console.plain(to_json(items))
    else:
        widths = (max(len(item.name) for item in items), max(len(item.needed_for) for item in items))
        for item in items:
            if item.status == "missing" or not console.quiet:
                _show_item(item, widths)
        missing = [item.name for item in items if item.status == "missing"]
        if not buildable(items):
            blocking = ", ".join(item.name for item in items if item.blocks_building)
            console.problem(f"cannot build: {blocking}")
        elif missing:
            console.result(f"ready to build; {len(missing)} missing: {', '.join(missing)}", fg="yellow")
        else:
            console.result("ready to build, validate and test", fg="green")
    sys.exit(0 if buildable(items) else 1)


def _show_item(item: DoctorItem, widths: tuple[int, int]) -> None:
    """One thing doctor looked at: status, name, what needs it, what it found; then the fix."""
    console = _console()
    colour = {"ok": "green", "skipped": "bright_black"}.get(item.status)
    if colour is None:
        colour = "red" if item.blocks_building else "yellow"
    status = console.styled(f"{item.status:<8}", fg=colour)
    name, needed_for = widths
    console.plain(f"{status} {item.name:<{name}}  {item.needed_for:<{needed_for}}  {item.detail}")
    indent = " " * (9 + name + 2)
    if item.fix:
        console.plain(f"{indent}fix: {item.fix}")
    if item.where and console.verbose:
        console.plain(f"{indent}at {item.where}")


@main.group("cache")
@_common_options()
def cache_group() -> None:
    """Show or empty the build cache in PROJECT/.bookpress/cache."""


def _project_cache(project: Path) -> Cache:
    """The project's cache for these commands: they manage its folder, and neither look up
    nor store entries (enabled=False), so a refused folder is reported here, not warned of."""
    from .cache import Cache

    book_toml = project / "manuscript" / "book.toml"
    if not book_toml.is_file():
        raise BookError("book.toml not found; is this a bookpress project?", file=book_toml)
    return Cache(project, enabled=False)


@cache_group.command("info")
@click.pass_obj
@_common_options()
def cache_info_command(project: Path) -> None:
    """Show where the cache is, its size and its limit.

    Also whether builds use it, and how many entries it holds.
    """
    from .cache import NO_CACHE_ENV, off_by_environment

    cache = _project_cache(project)
    entries, size = cache.size()
    if cache.refused:
        state = f"off: {cache.refused}"
    elif off_by_environment():
        state = f"off: {NO_CACHE_ENV} is set"
    else:
        state = "on"
    console = _console()
    for name, value in (
        ("cache", str(cache.path)),
        ("state", state),
        ("entries", str(entries)),
        ("size", _human_size(size)),
        ("limit", _human_size(cache.limit_bytes)),
    ):
        console.plain(f"{name:<8} {value}")


@cache_group.command("clear")
@click.pass_obj
@_common_options()
def cache_clear_command(project: Path) -> None:
    """Empty the cache and say how much that freed.

    The next build computes everything again and fills it anew.
    """
    cache = _project_cache(project)
    if cache.refused:
        raise BookError(f"cannot clear the cache: {cache.refused}")
    freed = cache.clear()
    _console().result(f"freed {_human_size(freed)} in {cache.path}")


def _written(paths: list[Path], verb: str = "created") -> None:
    for path in paths:
        _console().result(f"{verb} {path}")


def _scaffold(action: Callable[[], T], project: Path) -> T:
    try:
        return action()
    except BookError as error:
        for problem in error.problems:
            _console().problem(problem.format(root=Path.cwd()))
        sys.exit(1)
    except OSError as error:
        _console().problem(f"cannot write {error.filename or project}: {error.strerror or error}")
        sys.exit(1)


@main.group("new")
@_common_options()
def new_group() -> None:
    """Add a chapter or a volume to the project."""


@new_group.command("chapter")
@click.option("--volume", "-V", metavar="V", default=None, help="The volume (III or 3)  [default: the last]")
@click.argument("title")
@click.pass_obj
@_common_options()
def new_chapter_command(project: Path, volume: str | None, title: str) -> None:
    """Create the next numbered chapter of a volume (default: the last), titled TITLE, and register it."""
    from .model import roman
    from .scaffold import new_chapter

    added = _scaffold(lambda: new_chapter(project, volume, title), project)
    if volume is None:
        _console().result(f"volume {roman(added.volume)}, the last one (-V chooses another)")
    _written([added.created])
    _written(list(added.updated), "updated")


def _volume_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(
        (
            click.option(
                "--chapter",
                "chapter_title",
                default="Erstes Kapitel",
                show_default=True,
                help="Title of the first chapter.",
            ),
            click.option("--isbn-ebook", metavar="ISBN", help="ISBN-13 of the EPUB  [default: placeholder]"),
            click.option(
                "--isbn-print", metavar="ISBN", help="ISBN-13 of the print edition  [default: placeholder]"
            ),
            click.option(
                "--date", type=click.DateTime(["%Y-%m-%d"]), help="Publication date  [default: today]"
            ),
        )
    ):
        command = option(command)
    return command


def _new_volume(title: str, options: dict[str, object]) -> NewVolume:
    from .scaffold import NewVolume

    date = options.pop("date")
    return NewVolume(title=title, date=date.date() if date else None, **options)  # type: ignore[arg-type]


@new_group.command("volume")
@click.argument("title")
@_volume_options
@click.pass_obj
@_common_options()
def new_volume_command(project: Path, title: str, **options: object) -> None:
    """Add the next volume, titled TITLE: book.toml entry, folder, first chapter."""
    from .scaffold import new_volume

    paths = _scaffold(lambda: new_volume(project, _new_volume(title, options)), project)
    _written(paths[:-1])
    _written(paths[-1:], "updated")


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Meine Reihe", show_default=True, help="Title of the series.")
@click.option("--author", default="Vorname Nachname", show_default=True, help="The author's name.")
@click.option("--publisher", default="Selbstverlag", show_default=True, help="The publisher.")
@click.option("--volume-title", default="Erster Band", show_default=True, help="Title of the first volume.")
@_volume_options
@_common_options(project=False)
def init_command(
    folder: Path, title: str, author: str, publisher: str, volume_title: str, **options: object
) -> None:
    """Start a new book project in FOLDER that builds at once."""
    from .scaffold import init_project

    volume = _new_volume(volume_title, options)
    paths = _scaffold(
        lambda: init_project(folder, title=title, author=author, publisher=publisher, volume=volume), folder
    )
    _written([p for p in paths if "styles" not in p.parts])
    _console().result(f"copied the styles to {folder / 'styles'}")
    _console().result(f"next: bookpress -C {folder} build")


@main.command("watch")
@_edition_options("Rebuild")
@click.option(
    "--debounce",
    type=click.FloatRange(0, 10),
    default=0.3,
    show_default=True,
    help="Seconds of quiet after a change before rebuilding.",
)
@click.pass_obj
@_common_options()
def watch_command(
    project: Path,
    volumes: tuple[str, ...],
    formats: tuple[str, ...],
    profiles: tuple[str, ...],
    output: Path | None,
    debounce: float,
) -> None:
    """Build, then rebuild the affected editions whenever a source changes."""
    from .build import BuildOptions
    from .progress import WatchPrinter
    from .watch import watch

    if not (project / "manuscript" / "book.toml").is_file():
        _console().problem(
            f"{project / 'manuscript' / 'book.toml'}: book.toml not found; is this a bookpress project?"
        )
        sys.exit(1)
    options = BuildOptions(
        output=output or project / "output", volumes=volumes, formats=formats, profiles=profiles
    )
    try:
        watch(project, options, WatchPrinter(_console(), project), debounce=debounce)
    except KeyboardInterrupt:
        _console().result("stopped watching")
    except OSError as error:  # builds report their own; this is the watcher (inotify limits)
        _console().problem(f"cannot watch {project}: {error.strerror or error}")
        sys.exit(1)


@main.command("preview")
@click.option(
    "--volume", "-V", metavar="V", default=None, help="The volume to show (III or 3)  [default: the last]"
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port on 127.0.0.1; 0 picks a free one  [default: 8000, or a free one if taken]",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the browser.")
@click.pass_obj
@_common_options()
def preview_command(project: Path, volume: str | None, port: int | None, open_browser: bool) -> None:
    """Serve a volume as a web page that reloads itself whenever a source changes."""
    from .preview import serve

    console = _console()

    def ready(url: str) -> None:
        console.result(f"serving the preview at {url}  (Ctrl-C stops)")
        if open_browser:
            click.launch(url)

    try:
        serve(project, volume=volume, port=port, on_ready=ready, log=console.detail, on_error=console.problem)
    except BookError as error:
        _fail(error, project)
    except OSError as error:
        console.problem(f"cannot serve on port {port}: {error.strerror or error}")
        sys.exit(1)
    except KeyboardInterrupt:
        console.result("stopped the preview")
