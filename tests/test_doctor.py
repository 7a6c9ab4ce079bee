"""`bookpress doctor` on this machine, where everything is installed, and with things taken
away for real: a PATH without a program, an output folder that cannot be written, a font
gone from the project."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookpress import doctor
from bookpress.cli import main
from conftest import REPO

EVERYTHING = [
    "Python",
    "WeasyPrint",
    "bundled styles",
    "project",
    "styles and fonts",
    "output folder",
    "cache",
    "Java",
    "EPUBCheck",
    "Node.js",
    "Ace by DAISY",
    "Chromium",
    "ChromeDriver",
    "Poppler",
]
TOOLS = ["Java", "EPUBCheck", "Node.js", "Ace by DAISY", "Chromium", "ChromeDriver", "Poppler"]


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def items(root: Path, *args: str) -> tuple[int, dict[str, dict]]:
    result = run("-C", root, "doctor", "--format", "json", *args)
    report = json.loads(result.stdout)
    assert report["buildable"] is (result.exit_code == 0)
    return result.exit_code, {item["name"]: item for item in report["items"]}


def path_without(folder: Path, *programs: str) -> str:
    """A PATH of one folder holding links to every program on this PATH but ``programs``."""
    folder.mkdir()
    for entry in os.environ["PATH"].split(os.pathsep):
        if not Path(entry).is_dir():
            continue
        for program in Path(entry).iterdir():
            link = folder / program.name
            if program.name not in programs and not link.is_symlink() and os.access(program, os.X_OK):
                link.symlink_to(program)
    return str(folder)


def test_everything_is_found_here(project) -> None:
    result = run("-C", project("minimal"), "doctor")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["ok"] * len(EVERYTHING)
    for line, name in zip(lines, EVERYTHING, strict=False):
        assert line.split(maxsplit=1)[1].startswith(name)
    assert lines[-1] == "ready to build, validate and test"
    assert "  EPUB validation  " in lines[EVERYTHING.index("EPUBCheck")]


def test_json_lists_each_thing_with_what_needs_it(project) -> None:
    code, found = items(project("minimal"))
    assert code == 0
    assert list(found) == EVERYTHING
    assert {item["status"] for item in found.values()} == {"ok"}
    assert found["WeasyPrint"]["needed_for"] == "building"
    assert found["WeasyPrint"]["detail"].startswith("70.")
    assert found["WeasyPrint"]["detail"].split("Pango ")[1][0].isdigit()
    assert found["EPUBCheck"]["detail"].startswith("EPUBCheck v5.3")
    assert found["Ace by DAISY"]["where"] == str(REPO / "node_modules" / ".bin" / "ace-cli")
    assert found["styles and fonts"]["detail"] == "5 stylesheets, 4 fonts"


def test_quiet_prints_nothing_when_nothing_is_missing(project) -> None:
    result = run("-C", project("minimal"), "doctor", "-q")
    assert (result.exit_code, result.output) == (0, "")


def test_without_java_epubcheck_cannot_run_but_building_can(
    project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", path_without(tmp_path / "bin", "java"))
    root = project("minimal")
    code, found = items(root)
    assert code == 0
    assert [name for name, item in found.items() if item["status"] != "ok"] == ["Java", "EPUBCheck"]
    assert found["Java"]["detail"] == "not found on PATH"
    assert found["Java"]["fix"] == "sudo apt-get install default-jre-headless"
    assert found["EPUBCheck"]["detail"] == "installed, but it needs Java"
    text = run("-C", root, "doctor")
    assert text.exit_code == 0
    assert "fix: sudo apt-get install default-jre-headless" in text.stdout
    assert text.stdout.splitlines()[-1] == "ready to build; 2 missing: Java, EPUBCheck"


def test_with_no_tools_at_all_building_still_works(project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    root = project("minimal")
    code, found = items(root)
    assert code == 0
    assert [name for name, item in found.items() if item["status"] == "missing"] == TOOLS
    assert found["Ace by DAISY"]["detail"] == "installed, but it needs Node.js"
    assert found["Chromium"]["fix"] == "sudo apt-get install chromium"
    assert found["ChromeDriver"]["fix"] == "sudo apt-get install chromium-driver"
    assert found["Poppler"]["fix"] == "sudo apt-get install poppler-utils"
    quiet = run("-C", root, "-q", "doctor")
    assert quiet.exit_code == 0
    assert [line.split()[1] for line in quiet.stdout.splitlines() if not line.startswith(" ")] == [
        "Java",
        "EPUBCheck",
        "Node.js",
        "Ace",
        "Chromium",
        "ChromeDriver",
        "Poppler",
    ]


def test_a_program_that_does_not_answer_is_missing(
    project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_folder = Path(path_without(tmp_path / "bin", "java"))
    (bin_folder / "java").write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    (bin_folder / "java").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_folder))
    monkeypatch.setattr(doctor, "TIMEOUT", 1)
    code, found = items(project("minimal"))
    assert code == 0
    assert found["Java"]["detail"] == "does not run: no answer within 1 s"


def test_an_output_that_is_a_file_makes_building_impossible(project) -> None:
    root = project("minimal")
    (root / "output").write_text("not a folder", encoding="utf-8")
    code, found = items(root)
    assert code == 1
    assert found["output folder"]["status"] == "missing"
    assert found["output folder"]["detail"] == "is there, but not a folder"
    text = run("-C", root, "doctor")
    assert text.exit_code == 1
    assert "cannot build: output folder" in text.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder whatever its mode")
def test_an_output_folder_without_write_permission(project) -> None:
    root = project("minimal")
    (root / "output").mkdir()
    (root / "output").chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, found = items(root)
    finally:
        (root / "output").chmod(stat.S_IRWXU)
    assert code == 1
    assert found["output folder"]["detail"] == "cannot write: Permission denied"
    assert found["output folder"]["fix"] == f"chmod u+w {root / 'output'}"


def test_a_missing_font_makes_building_impossible(project) -> None:
    root = project("minimal")
    (root / "styles" / "fonts" / "libertine" / "LinLibertine_RI.otf").unlink()
    code, found = items(root)
    assert code == 1
    fonts = found["styles and fonts"]
    assert fonts["status"] == "missing"
    assert "fonts/libertine/LinLibertine_RI.otf" in fonts["detail"]
    assert fonts["detail"].startswith("styles/fonts.css:")  # the stylesheet and line that need it
    assert found["bundled styles"]["status"] == "ok"  # bookpress's own copy is untouched


def test_outside_a_project_only_the_machine_is_looked_at(tmp_path: Path) -> None:
    code, found = items(tmp_path)
    assert code == 0
    assert found["project"]["status"] == "skipped"
    assert "output folder" not in found and "cache" not in found


def test_a_cache_folder_that_is_a_link_is_reported(project, tmp_path: Path) -> None:
    root = project("minimal")
    (tmp_path / "elsewhere").mkdir()
    (root / ".bookpress").symlink_to(tmp_path / "elsewhere")
    code, found = items(root)
    assert code == 0
    assert found["cache"]["status"] == "missing"
    assert "a symbolic link" in found["cache"]["detail"]
    assert not any((tmp_path / "elsewhere").iterdir())


def test_a_new_output_folder_is_fine_and_nothing_is_left_behind(project) -> None:
    root = project("minimal")
    before = sorted(root.rglob("*"))
    _, found = items(root)
    assert found["output folder"]["detail"] == "not there yet; a build makes it"
    assert sorted(root.rglob("*")) == before


def test_the_least_python_is_the_one_pyproject_asks_for() -> None:
    wanted = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert wanted["requires-python"] == ">=" + ".".join(map(str, doctor.MIN_PYTHON))
