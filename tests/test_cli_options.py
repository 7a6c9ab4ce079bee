"""The options every command takes (-C, -q, -v, --color) before or after its name, and the
short options of the commands: none taken twice, -v never a volume."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bookpress.cli import main
from conftest import BOOKS, with_printer_and_address

LINT = BOOKS / "lint"  # findings of every kind, information among them


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path) or "bookpress", command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


@pytest.fixture(scope="module")
def quiet_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal fixture with a complete imprint: `check` finds nothing in it."""
    from conftest import copy_project

    return with_printer_and_address(copy_project("minimal", tmp_path_factory.mktemp("options") / "minimal"))


@pytest.mark.parametrize(
    "args",
    [
        ("-C", "{root}", "--quiet", "check"),
        ("check", "-C", "{root}", "--quiet"),
        ("-q", "check", "--project", "{root}"),
        ("-C", "elsewhere", "check", "-C", "{root}", "-q"),  # the later -C counts
    ],
)
def test_project_and_quiet_before_or_after_the_command(quiet_project: Path, args: tuple[str, ...]) -> None:
    result = run(*(arg.format(root=quiet_project) for arg in args))
    assert result.exit_code == 0, result.output
    assert result.output == ""  # the summary is a result: --quiet hides it


def test_without_quiet_the_summary_is_printed(quiet_project: Path) -> None:
    result = run("check", "-C", quiet_project)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() != ""


def test_options_of_a_group_and_of_its_command(quiet_project: Path) -> None:
    assert run("cache", "-C", quiet_project, "info").exit_code == 0
    result = run("cache", "info", "-C", quiet_project)
    assert result.exit_code == 0, result.output
    assert "cache    " in result.stdout


@pytest.mark.parametrize(
    ("args", "information"),
    [
        (("-v", "check"), True),
        (("check", "-v"), True),
        (("check", "--verbose"), True),
        (("-q", "check", "-v"), True),  # the later of --quiet and --verbose counts
        (("-v", "check", "-q"), False),
        (("check", "-v", "-q"), False),
        (("check",), False),
    ],
)
def test_verbose_before_or_after_the_command(args: tuple[str, ...], information: bool) -> None:
    result = run("-C", LINT, *args)
    assert result.exit_code == 1
    assert (": I042: " in result.stdout) is information


def test_colour_before_or_after_the_command() -> None:
    # CliRunner's output is not a terminal: colour only when asked for.
    assert "\x1b[" not in run("-C", LINT, "check").stdout
    assert "\x1b[" in run("-C", LINT, "--color", "check").stdout
    assert "\x1b[" in run("-C", LINT, "check", "--color").stdout
    assert "\x1b[" not in run("-C", LINT, "--color", "check", "--no-color").stdout


def test_build_takes_the_options_after_its_name(project) -> None:
    root = with_printer_and_address(project("minimal"))
    result = run("build", "-f", "epub", "-C", root, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert len(list((root / "output").glob("*.epub"))) == 1


def test_no_short_option_is_taken_twice_and_the_common_ones_mean_the_same() -> None:
    common = {"-q": "quiet", "-v": "verbose", "-C": "project"}
    for name, command in commands(main):
        shorts: dict[str, str] = {}
        for param in command.params:
            for flag in (*param.opts, *param.secondary_opts):
                assert flag not in shorts, f"{name}: {flag} is both {shorts[flag]} and {param.name}"
                shorts[flag] = param.name
        for flag, meaning in common.items():
            if flag in shorts:
                assert shorts[flag] == meaning, f"{name}: {flag}"
        assert "-q" in shorts and "-v" in shorts, name
        if any(p.name in ("volume", "volumes") for p in command.params):
            assert shorts["-V"] in ("volume", "volumes"), name
    # init and backlist name their folders themselves: -C after their name is refused.
    assert run("backlist", "-C", "x", "y").exit_code == 2


@pytest.mark.parametrize(
    "args",
    [
        ("build", "-v", "III"),
        ("stats", "-v", "2"),
        ("preview", "-v", "ii"),
        ("new", "chapter", "-v", "III", "Titel"),
        ("new", "chapter", "-v", "IV"),  # would be a chapter titled "IV" in the last volume
    ],
)
def test_minus_v_before_a_volume_is_refused_with_a_hint(quiet_project: Path, args: tuple[str, ...]) -> None:
    before = sorted(quiet_project.rglob("*"))
    result = run("-C", quiet_project, *args)
    assert result.exit_code == 2
    word = args[args.index("-v") + 1]
    assert f"-v is --verbose; choose the volume with -V {word} (or --volume {word})" in result.stderr
    assert sorted(quiet_project.rglob("*")) == before


def test_minus_v_before_a_title_is_verbose(tmp_path: Path) -> None:
    root = tmp_path / "neu"
    assert run("init", root, "--date", "2026-05-04").exit_code == 0
    result = run("-C", root, "new", "chapter", "-v", "Mix")  # a word, not a numeral
    assert result.exit_code == 0, result.output
    assert (root / "manuscript" / "band-1" / "02-mix.md").is_file()
