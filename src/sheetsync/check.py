"""The check action: read a workbook, run every rule, return located findings.

Never writes to the book. Used by the CLI, the Excel face and the store alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import sheetsync.rules  # noqa: F401  (registers every rule family)
from sheetsync.book import Book
from sheetsync.findings import FileError, Finding
from sheetsync.rules.engine import Context, run_rules
from sheetsync.rules.normalise import normalise_book


@dataclass
class FileReport:
    """The outcome for one file, as in the findings JSON of WORKBOOK.md."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None

    @property
    def status(self) -> str:
        return "error" if self.error else "ok"


def judge_date(book: Book, today: dt.date | None) -> dt.date:
    """`--today`, else the Settings key Today, else the system date."""
    return today or book.settings.today or dt.date.today()


def check_book(book: Book, today: dt.date | None = None) -> list[Finding]:
    """Every finding for a book already read: the reader's, aliases resolved, the rules'; sorted.

    Normalisation rewrites the book's code columns to canonical values in place.
    """
    ctx = Context(today=judge_date(book, today))
    found = list(book.findings) + normalise_book(book) + run_rules(book, ctx)
    return sorted(dict.fromkeys(found), key=Finding.sort_key)


def check_path(path: Path, today: dt.date | None = None) -> FileReport:
    """Read and check one file in this process; a file-level problem becomes `error`."""
    from sheetsync.io.reader import read_book

    try:
        book = read_book(path)
    except FileError as exc:
        return FileReport(path, error=exc)
    return FileReport(path, findings=check_book(book, today))
