"""`sheetsync mark` and `sheetsync clear`: write findings into the book, and take them out again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from sheetsync.actions.mark import Marked, clear_file, mark_file
from sheetsync.actions.runner import run_isolated
from sheetsync.cli.app import app
from sheetsync.cli.common import TodayOption, fail, make_console, parse_today
from sheetsync.excel_limits import MAX_HYPERLINKS
from sheetsync.findings import FileError

BookArgument = Annotated[Path, typer.Argument(help="The workbook (.xlsx or .xlsm).", show_default=False)]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write to this file instead of changing the book in place."),
]
NoBackupOption = Annotated[
    bool,
    typer.Option("--no-backup", help="Do not keep the previous version as BOOK.bak.xlsx."),
]


def _fail(book: Path, error: FileError) -> NoReturn:
    """The error, naming the book (write errors name only the file, some none), and exit 2."""
    where = "" if error.message.startswith((str(book), book.name)) else f"{book}: "
    fail(where + error.message, error.code)


def _written(book: Path, out: Path | None, backup: Path | None) -> str:
    where = f"Wrote {escape(str(out or book))}"
    return where + (f"; previous version kept as {escape(str(backup))}" if backup else "")


@app.command()
def mark(book: BookArgument, out: OutOption = None, today: TodayOption = None,
         no_backup: NoBackupOption = False) -> None:  # fmt: skip
    """Check the book, then write the Issues sheet and highlight each cell a finding points at.

    Your own cells are never rewritten: highlights are one conditional format per sheet, which
    `sheetsync clear` removes exactly. Running mark again replaces, never stacks.

    \b
    Examples:
      sheetsync mark orders.xlsx
      sheetsync mark orders.xlsx --out orders-marked.xlsx --today 2026-11-25
    """
    judged = parse_today(today)
    (outcome,) = run_isolated([book], mark_file, (judged, out, not no_backup))
    if outcome.error is not None:
        _fail(book, outcome.error)
    done: Marked = outcome.result  # type: ignore[assignment]
    console = make_console()
    if done.nothing:
        console.print(f"Nothing to mark: {escape(done.nothing)}")
        return
    console.print(
        f"{done.listed:,} findings in the Issues sheet; {done.cells:,} cells highlighted on "
        f"{done.sheets} sheet{'' if done.sheets == 1 else 's'}. {_written(book, out, done.backup)}."
    )
    if done.listed < done.findings:
        console.print(f"{done.findings - done.listed:,} more findings did not fit (Excel's row limit).")
    if done.linked == MAX_HYPERLINKS:
        console.print(
            f"Cell links go on the first {MAX_HYPERLINKS:,} rows, Excel's limit per sheet; "
            "the Cell column names the rest."
        )


@app.command()
def clear(book: BookArgument, out: OutOption = None, no_backup: NoBackupOption = False) -> None:
    """Remove everything `sheetsync mark` added: the Issues sheet and the highlights.

    \b
    Example:
      sheetsync clear orders.xlsx
    """
    (outcome,) = run_isolated([book], clear_file, (out, not no_backup))
    if outcome.error is not None:
        _fail(book, outcome.error)
    backup = outcome.result
    make_console().print(f"Cleared sheetsync's marks. {_written(book, out, backup)}.")
