"""The issue action: freeze a generated document, number it from the series, export its PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sheetsync.book import Book
from sheetsync.documents.issue import issue
from sheetsync.documents.pdf import PdfError, export_pdf
from sheetsync.documents.plan import PlanError, key
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.safe_write import snapshot
from sheetsync.io.read.reader import read_book

__all__ = ["IssuedFile", "PdfError", "doc_on_tab", "issue_file"]


@dataclass(frozen=True)
class IssuedFile:
    old_no: str
    doc_no: str
    tab: str
    written: Path
    backup: Path | None
    pdf: Path | None
    pdf_error: str | None


def issue_file(
    book_path: Path,
    doc_no: str,
    pdf_dir: Path | None = None,
    out: Path | None = None,
    backup: bool = True,
    now: dt.datetime | None = None,
    pdf: bool = True,
) -> IssuedFile:
    """Freeze and number `doc_no` in the book (or `out`); its PDF goes to `pdf_dir`, else beside the book.

    A missing LibreOffice does not undo the issue: the PDF error is returned for the face to show.
    """
    read_as = snapshot(book_path)
    book = read_book(book_path)
    done = issue(book, doc_no, now or dt.datetime.now().replace(microsecond=0))
    kept = write_edits(book_path, done.edits, out, read_as, backup)
    written = out or book_path
    made, error = None, None
    if pdf:
        try:
            made = export_pdf(written, done.tab, pdf_dir or written.parent)
        except PdfError as exc:
            error = str(exc)
    return IssuedFile(done.old_no, done.doc_no, done.tab, written, kept, made, error)


def doc_on_tab(book: Book, tab: str) -> str:
    """The Doc No of the current document on tab `tab` (its latest register row not superseded);
    PlanError when the tab is not a generated document."""
    register = book.get("Documents")
    if register is None:
        raise PlanError("The book has no Documents register: generate a document first.")
    frame = register.frame
    mine = frame[(frame["sheet"].map(key) == key(tab)) & frame["doc_no"].notna()]
    current = mine[mine["superseded"].isna()] if "superseded" in mine else mine
    if current.empty:
        raise PlanError(f"{tab!r} is not a generated document: go to a document tab (CI, PL, SI...) first.")
    return str(current["doc_no"].iloc[-1])
