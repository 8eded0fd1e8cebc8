"""The part of a sync that runs in the isolated child: read a book, judge it, extract its rows.

`read_for_store(path, today)` is `run_isolated`'s work for `sync`: the same child, memory and time
limits as `check`. It hands back the findings as columns (`FindingTable`) and the rows the store
keeps. A book marked as a view (`Store View` in Settings, written by `pull`) is not judged nor
extracted; a book without Orders or Lines is judged but has no rows.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.actions.book import read_order_book
from sheetsync.finding_table import FindingTable
from sheetsync.findings import finding
from sheetsync.rules.judge import check_book, judge_date
from sheetsync.store.extract import Extract, extract


@dataclass
class ReadForStore:
    """What the child hands back: findings, rows, the day judged on and where that day came from."""

    findings: FindingTable
    extract: Extract | None  # None: a view of the store, or not an order book
    judged_on: dt.date
    judged_from: str  # settings | given | clock
    view: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds per phase: read, rules, extract


def read_for_store(path: Path, today: dt.date | None) -> ReadForStore:
    """Read, judge and extract one book (raises `FileError` for a file it cannot read)."""
    started = time.process_time()
    book = read_order_book(path)
    read = time.process_time()
    judged_from = "given" if today else "settings" if book.settings.today else "clock"
    judged_on = judge_date(book, today)
    if book.settings.store_view:
        view = finding("sync-view-skipped", "Settings", None, view=book.settings.store_view)
        return ReadForStore(FindingTable.of([view]), None, judged_on, judged_from, book.settings.store_view)
    found = FindingTable.of(check_book(book, today))
    judged = time.process_time()
    rows = extract(book) if book.get("Orders") is not None and book.get("Lines") is not None else None
    seconds = {"read": read - started, "rules": judged - read, "extract": time.process_time() - judged}
    return ReadForStore(found, rows, judged_on, judged_from, seconds=seconds)


__all__ = ["ReadForStore", "read_for_store"]
