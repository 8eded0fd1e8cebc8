"""`sheetsync check`: validate books and folders; never writes to them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from sheetsync.actions.check import check_paths
from sheetsync.actions.runner import expand_paths
from sheetsync.cli.app import app
from sheetsync.cli.common import Format, TodayOption, fail, make_console, parse_today
from sheetsync.contract import SETTINGS_SHEET, SHEETS
from sheetsync.finding_table import FindingTable
from sheetsync.findings import FileReport, Severity
from sheetsync.reporting.check_json import exit_status, summarise, write_json
from sheetsync.reporting.check_xlsx import write_report
from sheetsync.rules.judge import collector_paused


class Show(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_MARK = {"error": "E", "warning": "W", "info": "I"}


@app.command()
def check(
    books: Annotated[
        list[Path],
        typer.Argument(help="Workbooks (.xlsx/.xlsm) or folders to scan (recursively).", show_default=False),
    ],
    format: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="text for people, json for scripts, xlsx for a report workbook with links to each cell.",
        ),
    ] = Format.text,
    today: TodayOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Books checked in parallel.")] = 1,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where --format xlsx writes (default: sheetsync-report.xlsx)."),
    ] = None,
    show: Annotated[
        Show, typer.Option("--show", help="Text format: the least severe findings to list (all are counted).")
    ] = Show.warning,
) -> None:
    """Validate order books and print every finding, located to the cell.

    Exit status: 0 no errors, 1 error findings, 2 a file could not be read.

    \b
    Examples:
      sheetsync check orders.xlsx
      sheetsync check //shared/orders --jobs 2 --format xlsx --out report.xlsx
      sheetsync check orders.xlsx --format json --today 2026-11-25
    """
    judged = parse_today(today)
    paths = expand_paths(books)
    if not paths:
        fail(f"No .xlsx or .xlsm workbooks found in {', '.join(map(str, books))}.")
    if format is Format.xlsx:
        out = out or Path("sheetsync-report.xlsx")
        if any(out.resolve() == p.resolve() for p in paths):
            fail(f"--out {out} is one of the books being checked; check never writes to them.")
    with _progress(len(paths), enabled=format is not Format.json) as advance:
        reports = check_paths(paths, judged, jobs=jobs, on_done=advance)
    if format is Format.json:
        write_json(reports, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    elif format is Format.xlsx:
        assert out is not None
        write_report(reports, out)
        _print_summary(make_console(), reports)
        make_console().print(f"Report written to [bold]{escape(str(out))}[/]")
    else:
        _print_text(reports, show)
    raise typer.Exit(exit_status(reports))


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[FileReport], None]]:
    """A progress bar on stderr for batches, only on a terminal."""
    err = make_console(stderr=True)
    if not enabled or total < 2 or not err.is_terminal:
        yield lambda _report: None
        return
    columns = (
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True, auto_refresh=False) as bar:
        task = bar.add_task("", total=total)
        yield lambda report: bar.update(task, advance=1, description=Path(report.path).name, refresh=True)


# Sheets in the contract's order, then Settings, then any other sheet by name.
_SHEET_ORDER = {name: i for i, name in enumerate((*SHEETS, SETTINGS_SHEET))}
_RANK = {s.value: s.rank for s in Severity}


def _print_text(reports: list[FileReport], show: Show) -> None:
    """Every finding as one line, grouped by sheet; written in bulk (500,000 lines in seconds)."""
    console = make_console()
    paint = _Painter(console)
    limit = Severity(show.value).rank
    out = console.file
    for report in reports:
        console.print(f"[bold]{escape(str(report.path))}[/]")
        if report.error:
            console.print(f"  [bold red]cannot read[/] ({report.error.code}): {escape(report.error.message)}")
            continue
        table = FindingTable.of(report.findings)
        if not len(table):
            console.print("  [green]no findings[/]")
        shown = _text_order(table, limit)
        with collector_paused():
            _print_findings(table, shown, paint, out)
        if hidden := len(table) - len(shown):
            console.print(
                f"  [dim]{hidden} less severe finding{'s' * (hidden != 1)} not shown (--show info)[/]"
            )
    _print_summary(console, reports)


def _print_findings(table: FindingTable, shown: list[int], paint: _Painter, out: IO[str]) -> None:
    """The lines of the findings `shown`, a sheet heading before each sheet's first."""
    records = list(table.records())
    sheet = None
    lines: list[str] = []
    for i in shown:
        code, severity, where_sheet, row, column, cell, order, message, value = records[i]
        if where_sheet != sheet:
            sheet = where_sheet
            lines.append(f"  {paint.bold(sheet)}")
        where = cell or (f"row {row}" if row else "")
        lines.append(
            f"    {paint.mark[severity]} {where:<7} {code:<28}{f' {order}' if order else ''} "
            f"{f'{column}: ' if column else ''}{message}{paint.was(value) if value else ''}"
        )
        if len(lines) >= 10_000:
            out.write("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        out.write("\n".join(lines) + "\n")


def _text_order(table: FindingTable, limit: int) -> list[int]:
    """Indexes of the findings at least as severe as `limit`: by sheet, row, then severity."""
    sheets = table.column("sheet")
    names = sorted(set(sheets), key=lambda name: (_SHEET_ORDER.get(name, len(_SHEET_ORDER)), name))
    place = {name: i for i, name in enumerate(names)}
    rank = np.array([_RANK[s] for s in table.column("severity")], dtype=np.int8)
    rows = np.array([r or 0 for r in table.column("row")], dtype=np.int64)
    order = np.lexsort((rank, rows, np.array([place[s] for s in sheets], dtype=np.int32)))
    shown: list[int] = order[rank[order] <= limit].tolist()
    return shown


class _Painter:
    """Styled pieces of a finding line, rendered once (ANSI on a terminal, plain text elsewhere)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.mark = {s: self._render(_MARK[s], _STYLE[s]) for s in _MARK}
        self._dim = self._render("\0", "dim").split("\0")

    def _render(self, text: str, style: str) -> str:
        with self.console.capture() as captured:
            self.console.print(Text(text, style=style), end="")
        return captured.get()

    def bold(self, text: str) -> str:
        return self._render(text, "bold")

    def was(self, value: str) -> str:
        return f"{self._dim[0]} (was {value}){self._dim[-1]}"


def _print_summary(console: Console, reports: list[FileReport]) -> None:
    s = summarise(reports)
    parts = [
        f"{s.files} file{'s' * (s.files != 1)}",
        f"[bold red]{s.errors} errors[/]",
        f"[yellow]{s.warnings} warnings[/]",
        f"[cyan]{s.infos} infos[/]",
    ]
    if s.unreadable:
        parts.append(f"[bold red]{s.unreadable} unreadable[/]")
    console.print(", ".join(parts))
