"""Ace by DAISY over the sample EPUBs: no accessibility violations, metadata complete."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

ACE = REPO / "node_modules" / ".bin" / "ace-cli"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError("Ace needs Chromium; scripts/setup installs it")


def ace(epub: Path, out: Path) -> dict:
    """Run Ace and return its JSON report."""
    assert ACE.exists(), "Ace is missing; run scripts/setup (npm ci)"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium()}
    result = subprocess.run(
        [str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert (out / "report.json").is_file(), result.stdout + result.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def violations(report: dict) -> list[str]:
    found = []
    for document in report["assertions"]:
        for check in document.get("assertions", []):
            found.append(
                f"{document['earl:testSubject']['url']}: {check['earl:test']['dct:title']} "
                f"({check['earl:result']['dct:description']})"
            )
    return found


@pytest.fixture(scope="module")
def reports(sample_output: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return {
        epub.name: ace(epub, tmp_path_factory.mktemp("ace")) for epub in sorted(sample_output.glob("*.epub"))
    }


def test_sample_epubs_have_no_accessibility_violations(reports: dict[str, dict]) -> None:
    assert len(reports) == 3
    for name, report in reports.items():
        assert violations(report) == [], name
        assert report["earl:result"]["earl:outcome"] == "pass", name


def test_accessibility_metadata_is_reported(reports: dict[str, dict]) -> None:
    report = reports["VUCA-II_9783987651038.epub"]
    metadata = report["a11y-metadata"]
    # No conformance claim (dcterms:conformsTo, a11y:certifiedBy …): Ace checks only
    # part of WCAG, and a claim needs a person's evaluation too.
    assert all(not key.startswith("schema:") for key in metadata["missing"])
    assert {
        "schema:accessMode",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
    } <= set(metadata["present"])


def test_ace_does_report_a_violation(tmp_path: Path, sample_output: Path) -> None:
    """The check really runs: an image without alternative text is found."""
    import zipfile

    source = sample_output / "VUCA-II_9783987651038.epub"
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("kapitel-01.xhtml"):
                start = data.index(b'<img alt="')
                data = data[: start + 5] + data[data.index(b'"', start + 10) + 2 :]
            dst.writestr(info, data)
    assert any("kapitel-01" in v for v in violations(ace(broken, tmp_path / "out")))
