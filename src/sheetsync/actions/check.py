"""The check action: read a workbook, run every rule, return located findings.

Never writes to the book. Used by the CLI, the Excel face and the store alike.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from sheetsync.findings import INTERNAL_ERROR, FileError, FileReport, finding
from sheetsync.rules.engine import write_log
from sheetsync.rules.judge import check_book

__all__ = ["FileReport", "check_book", "check_path"]


# What says a file is damaged when reading it fails: its zip or its XML is invalid.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, UnicodeDecodeError)


def check_path(path: Path, today: dt.date | None = None) -> FileReport:
    """Read and check one file in this process; a file-level problem becomes `error`.

    Reading that fails on an invalid zip or XML is `file-corrupt`; any other failure is sheetsync's
    own, an `internal-error` finding naming the file and the log of its traceback (exit status 2).
    """
    from sheetsync.io.read.reader import read_book

    try:
        book = read_book(path)
    except FileError as exc:
        return FileReport(path, error=exc)
    except MemoryError:
        raise  # the runner reports it as file-too-large
    except DAMAGED as exc:
        return FileReport(path, error=FileError("file-corrupt", f"{path}: the workbook is damaged ({exc})."))
    except Exception as exc:  # sheetsync failed on a file it could open: say so, never "damaged"
        log = write_log(path, "the reader", exc)
        message = (
            f"sheetsync failed reading {path} ({type(exc).__name__}); the file itself opened. "
            f"Please report it with the log {log}."
        )
        return FileReport(path, findings=[finding(INTERNAL_ERROR, "", None, message=message)])
    return FileReport(path, findings=check_book(book, today))
