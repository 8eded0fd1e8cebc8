"""Judge a book already read: the reader's findings, aliases resolved, every rule's; sorted.

The heart of `check`, shared by every action that needs findings (check, mark, kpi, the ribbon).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sheetsync.book import Book
from sheetsync.findings import Finding, sort_keys
from sheetsync.rules.blank_columns import collapse_blank_columns
from sheetsync.rules.engine import Context, internal_error, run_rules
from sheetsync.rules.normalise import normalise_book


def judge_date(book: Book, today: dt.date | None) -> dt.date:
    """`--today`, else the Settings key Today, else the system date."""
    return today or book.settings.today or dt.date.today()


def check_book(book: Book, today: dt.date | None = None) -> list[Finding]:
    """Every finding for a book already read: the reader's, aliases resolved, the rules'; sorted.

    Normalisation rewrites the book's code columns to canonical values in place.
    """
    ctx = Context(today=judge_date(book, today))
    with collector_paused():
        try:
            notes = normalise_book(book)
        except Exception as exc:
            notes = [internal_error(book, "normalise (aliases of codes)", exc)]
        found = list(book.findings) + notes + run_rules(book, ctx)
        return sort_findings(collapse_blank_columns(book, found))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a big book's findings pile up.

    Each Finding is a tracked object, so 300,000 of them set off collection after collection
    that frees nothing (a finding holds no cycle) and costs about a third of building them.
    Reference counting still frees everything else; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sort_findings(found: list[Finding]) -> list[Finding]:
    """`sorted(dict.fromkeys(found), key=Finding.sort_key)`, cheaply on 100,000s of findings.

    The keys are built once, inline; equal findings have equal keys, so a repeat can only sit
    in a run of equal keys (a few findings at most) and is looked for only there.
    """
    keys = sort_keys(found)
    unique: list[Finding] = []
    run_start, last_key = 0, None
    for i in sorted(range(len(found)), key=keys.__getitem__):
        if keys[i] != last_key:
            run_start, last_key = len(unique), keys[i]
            unique.append(found[i])
        elif found[i] not in unique[run_start:]:
            unique.append(found[i])
    return unique
