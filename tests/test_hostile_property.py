"""Property (Hypothesis): arbitrary Unicode in every metadata field and in chapter text gives a
valid EPUB or a clear refusal, never a traceback, a hang or exit 70.

Every example is built like a corpus case (a forked child, audit hook on); the
EPUBs it accepts are checked by EPUBCheck in one batch afterwards.
Derandomised, so CI tries the same examples every run; not shrunk, since every
example is a real build (the first failing one is reported as it was drawn).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hostile.case import AUTHOR_PAGE, CHAPTER, SECRET, Case, Outcome, Toml, chapter
from hostile.metadata import TOML_FIELDS
from hostile.runner import Result, run_cases
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

# TOML strings hold any Unicode scalar value (control characters escaped); surrogates cannot be encoded.
ANY = st.characters(exclude_categories=("Cs",))
# A front-matter value is one line: no line breaks (a line break would end the value, not test it).
ONE_LINE = st.characters(exclude_categories=("Cs",), exclude_characters="\n\r")
# The text fields of book.toml; the subjects (a list) are drawn on their own below.
TEXT_FIELDS = tuple(field for field in TOML_FIELDS if field != "series.subjects")

accepted: list[tuple[Path, str]] = []  # (EPUB, what made it) for the EPUBCheck batch
tried: list[str] = []
counter = itertools.count()


@st.composite
def manuscripts(draw: st.DrawFn) -> Case:
    """A minimal book with arbitrary text in every field, or in some of them."""
    values = {key: draw(st.text(ANY, max_size=30)) for key in TEXT_FIELDS if draw(st.booleans())}
    if draw(st.booleans()):
        values["series.subjects"] = draw(st.lists(st.text(ANY, max_size=15), max_size=3))
    if draw(st.booleans()):
        values["series.language"] = draw(st.sampled_from(["de", "de-DE", "en", "fr", "x", "de\u00ad", "DE"]))
    front = {
        key: draw(st.text(ONE_LINE, max_size=30)) for key in ("subtitle", "summary") if draw(st.booleans())
    }
    title = draw(st.text(ONE_LINE, min_size=1, max_size=30))
    body = draw(st.text(ANY, min_size=1, max_size=300))
    author_title = draw(st.text(ONE_LINE, min_size=1, max_size=20))
    return Case(
        f"example-{next(counter)}",
        "property",
        Outcome("either"),
        toml=Toml(values),
        files={
            CHAPTER: chapter(body, title=title, **front),
            AUTHOR_PAGE: chapter("Erika Muster schreibt.", title=author_title),
        },
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile-property")


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: each example is a real build (seconds), and shrinking may try hundreds.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(case=manuscripts())
def test_arbitrary_unicode_builds_or_is_refused_clearly(case: Case, workdir: Path) -> None:
    result: Result = run_cases([case], workdir, workers=1)[case.ident]
    tried.append(case.ident)
    build = result.build
    assert result.failed_to_run is None, result.failed_to_run
    assert build.exception is None, build.exception
    assert build.exit_code in (0, 1), build.output
    assert "Traceback" not in build.output and "internal error" not in build.output
    assert SECRET not in build.output
    assert result.opened_outside == []
    if build.exit_code == 1:
        # A clear refusal: a message naming the manuscript file at fault.
        assert "manuscript/" in build.stderr, build.output
    else:
        assert result.epub is not None, build.output
        accepted.append((result.epub, repr(case.toml.set) + repr(case.files[CHAPTER][:200])))


def test_accepted_examples_pass_epubcheck(epub_batch) -> None:
    """Runs after the property: every EPUB it accepted, in one EPUBCheck batch."""
    assert tried, "the property test runs first and tries its examples"
    assert accepted, "no example was built at all"
    messages = epub_batch.messages([epub for epub, _ in accepted])
    failures = {
        what: sorted({f"{m['ID']}: {m['message'][:100]}" for m in messages[epub]})
        for epub, what in accepted
        if messages[epub]
    }
    assert failures == {}
