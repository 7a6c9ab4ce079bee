"""The hostile-manuscript corpus (issue 7): every manuscript gets a safe build or a clear refusal.

All cases run once per session (see ``hostile.runner``: forked children, two at
a time, each killed if it hangs), then each test below checks one promise over
every case, so a failure names the case and the promise it broke:

- the outcome: a valid build, a refusal naming the file (and line), or a
  printed warning;
- no internal error: no traceback, no exit 70, no hang, for build and check;
- nothing leaked: no secret from a planted outside file in any message, and
  no file outside the allowed places opened (audit hook);
- a refused build leaves output/ as it was;
- ``check`` and ``build`` report the same codes;
- every EPUB the corpus accepts passes EPUBCheck (one Java process for all)
  and carries no script, handler, javascript: URL or secret.

``pytest tests/test_hostile.py -s`` also prints the counts.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hostile import ALL_CASES, CASES, Case
from hostile.audit import outside, recording
from hostile.case import PASSWD, SECRET, Outcome
from hostile.runner import Result, run_cases
from lxml import etree

from conftest import broken_copy

BY_ID = {case.ident: case for case in CASES}
CODE = re.compile(r"\b([EW]\d{3})\b")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, epub_batch) -> dict[str, Result]:
    """Every case's result; accepted EPUBs go to EPUBCheck as soon as they are written."""

    def submit(case: Case, result: Result) -> None:
        if result.epub is not None:
            epub_batch.submit(result.epub)

    return run_cases(CASES, tmp_path_factory.mktemp("hostile"), on_result=submit)


@pytest.fixture(scope="module")
def epubcheck_messages(corpus: dict[str, Result], epub_batch) -> dict[Path, list[dict]]:
    return epub_batch.messages([r.epub for r in corpus.values() if r.epub is not None])


def _ids(cases: list[Case]) -> list[str]:
    return [case.ident for case in cases]


def _describe(result: Result) -> str:
    """What the commands printed, for assertion messages (trimmed: some cases print a lot)."""
    build, check = result.build, result.check
    return (
        f"build exit {build.exit_code}:\n{build.output[-3000:]}\n{build.exception or ''}\n"
        f"check exit {check.exit_code}:\n{check.output[-2000:]}\n{check.exception or ''}"
    )


def _mentions(output: str, file: str, line: int | None) -> bool:
    """``output`` names ``file`` (a name or a path's tail), at ``line`` if one is given."""
    if line is None:
        return file in output
    return re.search(rf"{re.escape(file)}:{line}(?!\d)", output) is not None


def _findings(result: Result) -> list[dict]:
    """The findings of ``check -f json``; [] if it printed no JSON."""
    try:
        return json.loads(result.check.stdout)["findings"]
    except (ValueError, KeyError, TypeError):
        return []


def _ran(result: Result) -> None:
    problem = result.failed_to_run
    assert problem is None, problem


def _outcome(case: Case, result: Result) -> None:
    expect: Outcome = case.expect
    _ran(result)
    build = result.build
    said = _describe(result)
    if expect.kind == "ok":
        assert build.exit_code == 0, said
    elif expect.kind == "either":
        assert build.exit_code in (0, 1), said
        if build.exit_code == 1 and expect.file:
            assert _mentions(build.output, expect.file, None), said
    elif expect.kind == "refused":
        assert build.exit_code == 1, said
        assert build.exception is None, said
        if expect.file:
            assert _mentions(build.output, expect.file, expect.line), said
        if expect.text:
            assert expect.text in build.output, said
        if expect.code:
            assert expect.code in {f["code"] for f in _findings(result)}, said
    elif expect.kind == "warning":
        assert build.exit_code == 0, said
        if expect.file:
            assert _mentions(build.output, expect.file, expect.line), said
        if expect.code:
            assert expect.code in build.output, said
            assert expect.code in {f["code"] for f in _findings(result)}, said
        warnings = [f for f in _findings(result) if f["severity"] == "warning"]
        assert warnings, "check reports no warning\n" + said
        if expect.file and expect.line:
            assert any(f["file"].endswith(expect.file) and f["line"] == expect.line for f in warnings), said


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_outcome(case: Case, corpus: dict[str, Result]) -> None:
    _outcome(case, corpus[case.ident])


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_no_internal_error(case: Case, corpus: dict[str, Result]) -> None:
    result = corpus[case.ident]
    _ran(result)
    for name, run in (("build", result.build), ("check", result.check)):
        assert run.exception is None, f"{name} raised:\n{run.exception}"
        assert run.exit_code in (0, 1), f"{name} exit {run.exit_code}:\n{run.output[-3000:]}"
        assert "Traceback" not in run.output, f"{name}:\n{run.output[-3000:]}"
        assert "internal error" not in run.output, f"{name}:\n{run.output[-3000:]}"


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_nothing_leaked(case: Case, corpus: dict[str, Result]) -> None:
    result = corpus[case.ident]
    for run in (result.build, result.check):
        for text in (run.output, run.exception or ""):
            assert SECRET not in text, _describe(result)
            assert PASSWD not in text, _describe(result)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_no_file_outside_opened(case: Case, corpus: dict[str, Result]) -> None:
    result = corpus[case.ident]
    _ran(result)
    assert result.opened_outside == []


REFUSED = [case for case in CASES if case.expect.kind == "refused"]


@pytest.mark.parametrize("case", REFUSED, ids=_ids(REFUSED))
def test_refusal_leaves_output_alone(case: Case, corpus: dict[str, Result]) -> None:
    result = corpus[case.ident]
    changed = sorted(
        name
        for name in set(result.output_before) | set(result.output_after)
        if result.output_before.get(name) != result.output_after.get(name)
    )
    assert changed == []


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_check_and_build_agree(case: Case, corpus: dict[str, Result]) -> None:
    """build runs the checks `check` runs: the same errors stop both, warnings are printed by both."""
    result = corpus[case.ident]
    _ran(result)
    findings = _findings(result)
    assert findings or result.check.exit_code == 0, f"check printed no JSON:\n{result.check.output[-2000:]}"
    strict = "--strict" in case.build_args
    stopping = {
        f["code"] for f in findings if f["severity"] == "error" or (strict and f["severity"] == "warning")
    }
    warnings = {f["code"] for f in findings if f["severity"] == "warning"}
    printed = set(CODE.findall(result.build.output))
    said = _describe(result)
    if result.build.exit_code == 0:
        assert stopping == set(), said
        assert warnings <= printed, said
    else:
        assert stopping, said
        assert {c for c in printed if c.startswith("E") or strict} == stopping, said


def _no_edition(case: Case, result: Result) -> None:
    """Without an EPUB the build must have refused, and the case must allow a refusal."""
    assert result.build.exit_code != 0, f"exit 0 but no EPUB written\n{_describe(result)}"
    assert case.expect.kind in ("refused", "either"), _describe(result)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_epubcheck(case: Case, corpus: dict[str, Result], epubcheck_messages: dict[Path, list[dict]]) -> None:
    """Every EPUB a build writes passes EPUBCheck, whether or not the case should have been refused."""
    result = corpus[case.ident]
    if result.epub is None:
        _no_edition(case, result)
        return
    assert epubcheck_messages[result.epub] == []


def _hostile_content(epub: Path) -> list[str]:
    """What an accepted EPUB must not carry: scripts, handlers, javascript: URLs, secrets."""
    found = []
    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            for needle in (SECRET.encode(), PASSWD.encode()):
                if needle in data:
                    found.append(f"{name}: {needle.decode()}")
            if not name.endswith((".xhtml", ".opf", ".ncx", ".svg")):
                continue
            try:
                root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError as error:
                found.append(f"{name}: not well-formed: {error}")
                continue
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                local = etree.QName(element).localname
                if local in ("script", "iframe", "object", "embed", "foreignObject", "base") or (
                    local == "meta" and "http-equiv" in element.attrib
                ):
                    found.append(f"{name}: <{local}>")
                for attr, value in element.attrib.items():
                    plain = etree.QName(attr).localname.lower()
                    if plain.startswith("on") or re.sub(r"[\s\x00-\x20]", "", value).lower().startswith(
                        ("javascript:", "vbscript:", "data:text")
                    ):
                        found.append(f"{name}: <{local} {plain}={value!r}>")
    return found


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_epub_carries_nothing_hostile(case: Case, corpus: dict[str, Result]) -> None:
    result = corpus[case.ident]
    if result.epub is None:
        _no_edition(case, result)
        return
    assert _hostile_content(result.epub) == []


def test_corpus_covers_every_class() -> None:
    groups = Counter(case.group for case in ALL_CASES)
    assert len(ALL_CASES) >= 170
    for group in ("paths", "metadata", "html", "svg", "css", "values", "nesting", "huge", "slips"):
        assert groups[group] >= 8, group
    kinds = Counter(case.expect.kind for case in ALL_CASES)
    assert kinds["ok"] >= 20 and kinds["refused"] >= 100 and kinds["warning"] >= 5


def test_audit_hook_sees_outside_opens(tmp_path: Path) -> None:
    """The hook is real: a file opened outside the project while recording is reported."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere.txt"
    project.mkdir()
    elsewhere.write_text(SECRET)
    (project / "inside.txt").write_text("x")
    with recording() as seen:
        (project / "inside.txt").read_text()
        elsewhere.read_text()
    assert outside(seen, project) == [f"open {elsewhere.resolve()}"]


def test_epubcheck_batch_finds_errors(tmp_path: Path, corpus: dict[str, Result], epub_batch) -> None:
    """The batch really checks: a broken copy of an accepted EPUB is reported."""
    source = corpus["base-minimal-book"].epub
    assert source is not None
    broken = broken_copy(source, tmp_path / "broken.epub")
    assert any(m["severity"] in ("ERROR", "FATAL") for m in epub_batch.messages([broken])[broken])


def _actual(result: Result) -> str:
    if result.timed_out:
        return "hang (killed)"
    if result.crashed or result.build.exception or result.build.exit_code not in (0, 1):
        return "internal error"
    if result.build.exit_code == 1:
        return "refused"
    return "built with warnings" if CODE.search(result.build.output) else "built"


def test_files_opened_outside_the_project(
    corpus: dict[str, Result], capsys: pytest.CaptureFixture[str]
) -> None:
    """Over the whole corpus, no file outside the allowed places was opened (count printed)."""
    opened = {ident: r.opened_outside for ident, r in corpus.items() if r.opened_outside}
    total = sum(len(paths) for paths in opened.values())
    assert all(r.opened for r in corpus.values() if r.build.exit_code == 0), "the audit hook recorded nothing"
    with capsys.disabled():
        print(f"\nhostile corpus: files opened outside the allowed places: {total}")
    assert opened == {}


def test_summary(corpus: dict[str, Result], capsys: pytest.CaptureFixture[str]) -> None:
    """Counts for the closing note: cases tried, outcomes expected and seen, time."""
    expected = Counter(case.expect.kind for case in CASES)
    seen = Counter(_actual(result) for result in corpus.values())
    groups = Counter(case.group for case in CASES)
    slowest = sorted(corpus.items(), key=lambda item: -item[1].seconds)[:5]
    with capsys.disabled():
        print(f"\nhostile corpus: {len(corpus)} cases tried")
        print("  by class:   " + ", ".join(f"{k} {v}" for k, v in sorted(groups.items())))
        print("  expected:   " + ", ".join(f"{k} {v}" for k, v in sorted(expected.items())))
        print("  outcomes:   " + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
        print("  slowest:    " + ", ".join(f"{ident} {r.seconds:.1f} s" for ident, r in slowest))
    assert len(corpus) == len(CASES)
