"""Links from a report workbook into the books it reports on, as Excel resolves them."""

from __future__ import annotations

import os
from pathlib import Path


def relative_target(book: Path, report: Path) -> str:
    """The book's path relative to the report's folder; absolute when on another drive (Windows)."""
    try:
        return os.path.relpath(book.resolve(), report.resolve().parent)
    except ValueError:
        return str(book.resolve())


def cell_link(target: str, sheet: str, cell: str) -> str:
    """`external:target#'Sheet'!B12` — opens the book at `target` on that cell (quotes doubled)."""
    return f"external:{target}#'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"
