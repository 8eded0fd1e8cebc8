"""The part of a sync that runs in the isolated child: read a book, judge it, extract its rows.

`read_for_store(spool, path, today)` has the runner's check signature once `spool` is bound
(`functools.partial`), so `sheetsync.actions.runner.check_paths` runs it in its forkserver
children under the same memory and time limits as `check`. The child returns the findings the
usual way and leaves the rows in `spool` (a pickle named by `spool_file`) for the parent to load.
A book marked as a view (`Store View` in Settings, written by `pull`) is not extracted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path

from sheetsync.findings import FileError, FileReport, finding
from sheetsync.io.read.reader import read_book
from sheetsync.rules.judge import check_book, judge_date
from sheetsync.store.extract import Extract, extract


@dataclass
class Spooled:
    """What the child leaves for the parent: the rows, the day judged on and where that day came from."""

    extract: Extract | None  # None: a view of the store, or not an order book
    judged_on: dt.date
    judged_from: str  # settings | given | clock
    view: str = ""


def spool_file(spool: Path, path: Path) -> Path:
    return spool / (hashlib.sha1(str(path).encode()).hexdigest() + ".pkl")


def read_for_store(spool: str, path: Path, today: dt.date | None) -> FileReport:
    """Read, judge and extract one book; the rows go to the spool, the findings back to the parent."""
    try:
        book = read_book(path)
    except FileError as exc:
        return FileReport(path, error=exc)
    judged_from = "given" if today else "settings" if book.settings.today else "clock"
    if book.settings.store_view:
        found = [finding("sync-view-skipped", "Settings", None, view=book.settings.store_view)]
        _leave(spool, path, Spooled(None, judge_date(book, today), judged_from, book.settings.store_view))
        return FileReport(path, found)
    found = check_book(book, today)
    rows = extract(book) if book.get("Orders") is not None and book.get("Lines") is not None else None
    _leave(spool, path, Spooled(rows, judge_date(book, today), judged_from))
    return FileReport(path, found)


def _leave(spool: str, path: Path, spooled: Spooled) -> None:
    with spool_file(Path(spool), path).open("wb") as fh:
        pickle.dump(spooled, fh, protocol=pickle.HIGHEST_PROTOCOL)


def take(spool: Path, path: Path) -> Spooled | None:
    """The child's rows for `path` (and the spool file removed), None when it left none."""
    file = spool_file(spool, path)
    if not file.exists():
        return None
    with file.open("rb") as fh:
        found: Spooled = pickle.load(fh)
    file.unlink()
    return found


__all__ = ["Spooled", "read_for_store", "spool_file", "take"]
