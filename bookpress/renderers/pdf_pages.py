"""The page counts of a PDF edition's last layout, kept for ``bookpress stats``.

Only a layout knows how many pages a chapter takes; an estimate from the
length of the text is off by a page or two. When a PDF edition is joined,
:func:`remember` keeps in the build cache, under the edition's identifier,
each unit's page count with a digest of the HTML it was laid out from, the
front matter's and the whole PDF's page counts, and the digest of the setup
(stylesheets, fonts, page geometry). :func:`recall` compares a plan made anew
with that record: a unit whose HTML and setup are unchanged has the pages it
had; the whole edition has its page count only when nothing changed.

Like :mod:`.pdf_plan`, this module loads no part of WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from ..cache import Cache
from .pdf_plan import Laid, Plan


@dataclass(frozen=True)
class PageCounts:
    """What the last layout says of an edition planned anew."""

    units: tuple[int | None, ...]  # pages of each unit; None where it changed since
    front: int | None  # pages before the first unit; None if the front matter or setup changed
    total: int | None  # pages of the PDF; None unless nothing changed


def remember(plan: Plan, units: Sequence[Laid], *, front: int, total: int) -> None:
    """Keep the page counts of the edition just joined from ``plan``'s ``units``."""
    cache = _cache(plan)
    if cache is None:
        return
    record = {
        "setup": plan.setup.digest,
        "front": [_digest(plan.front), front],
        "units": [[_digest(job.html), unit.pages] for job, unit in zip(plan.jobs, units, strict=True)],
        "total": total,
    }
    cache.put(_key(cache, plan), json.dumps(record).encode())


def recall(plan: Plan) -> PageCounts | None:
    """The page counts the last layout of ``plan``'s edition had, as far as they still hold;
    None when there is no record (never laid out with the cache, or by another bookpress)."""
    cache = _cache(plan)
    entry = cache.get(_key(cache, plan)) if cache is not None else None
    if entry is None:
        return None
    try:
        record = json.loads(entry)
        same_setup = record["setup"] == plan.setup.digest
        recorded = [(str(digest), int(pages)) for digest, pages in record["units"]]
        front_digest, front = str(record["front"][0]), int(record["front"][1])
        total = int(record["total"])
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    units = tuple(
        recorded[index][1]
        if same_setup and index < len(recorded) and recorded[index][0] == _digest(job.html)
        else None
        for index, job in enumerate(plan.jobs)
    )
    front_same = same_setup and front_digest == _digest(plan.front)
    unchanged = front_same and len(recorded) == len(plan.jobs) and None not in units
    return PageCounts(units=units, front=front if front_same else None, total=total if unchanged else None)


def _cache(plan: Plan) -> Cache | None:
    return Cache(plan.setup.cache_root) if plan.setup.cache_root is not None else None


def _key(cache: Cache, plan: Plan) -> str:
    return cache.key("pdf page counts", plan.setup.identifier)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
