"""The check action: read a workbook, run every rule, return located findings.

Never writes to the book. Used by the CLI, the Excel face and the store alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheetsync.findings import FileError, FileReport
from sheetsync.rules.judge import check_book

__all__ = ["FileReport", "check_book", "check_path"]


def check_path(path: Path, today: dt.date | None = None) -> FileReport:
    """Read and check one file in this process; a file-level problem becomes `error`."""
    from sheetsync.io.read.reader import read_book

    try:
        book = read_book(path)
    except FileError as exc:
        return FileReport(path, error=exc)
    return FileReport(path, findings=check_book(book, today))
