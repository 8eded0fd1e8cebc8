"""The check action: read a workbook, run every rule, return located findings.

Never writes to the book. Used by the CLI, the Excel face and the store alike. `check_paths`
checks files each in its own child process (`actions.runner`); `check_path` checks one here.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.etree import ElementTree

from sheetsync.actions.runner import DEFAULT_MEM_LIMIT, DEFAULT_TIME_LIMIT, Outcome, run_isolated
from sheetsync.finding_table import FindingTable
from sheetsync.findings import INTERNAL_ERROR, FileError, FileReport, finding
from sheetsync.rules.engine import write_log
from sheetsync.rules.judge import check_book

__all__ = ["FileReport", "check_book", "check_findings", "check_path", "check_paths"]


# What says a file is damaged when reading it fails: its zip or its XML is invalid.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, UnicodeDecodeError)


def check_path(path: Path, today: dt.date | None = None) -> FileReport:
    """Read and check one file in this process; a file-level problem becomes `error`.

    Reading that fails on an invalid zip or XML is `file-corrupt`; any other failure is sheetsync's
    own, an `internal-error` finding naming the file and the log of its traceback (exit status 2).
    """
    from sheetsync.actions.book import read_order_book

    try:
        book = read_order_book(path)
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


def check_findings(path: Path, today: dt.date | None = None) -> FindingTable:
    """The findings of one file as columns (what a child sends back); raises `FileError`."""
    report = check_path(path, today)
    if report.error:
        raise report.error
    return FindingTable.of(report.findings)


def check_paths(
    paths: Sequence[Path],
    today: dt.date | None = None,
    jobs: int = 1,
    on_done: Callable[[FileReport], None] | None = None,
    mem_limit: int | None = DEFAULT_MEM_LIMIT,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    work: Callable[[Path, dt.date | None], FindingTable] = check_findings,
) -> list[FileReport]:
    """Check every file, `jobs` at a time, each in a child; reports in input order.

    `work` runs in the child (a module-level function); tests pass one that aborts to prove a
    crash costs one file.
    """

    def report(outcome: Outcome[FindingTable]) -> FileReport:
        return FileReport(outcome.path, outcome.result or FindingTable(), outcome.error)

    def done(outcome: Outcome[FindingTable]) -> None:
        if on_done is not None:
            on_done(report(outcome))

    outcomes = run_isolated(paths, work, (today,), jobs, done, mem_limit, time_limit)
    return [report(o) for o in outcomes]
