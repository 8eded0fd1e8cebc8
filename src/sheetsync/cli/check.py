"""`sheetsync check`: validate books and folders; never writes to them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from itertools import groupby
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sheetsync.actions.check import check_paths
from sheetsync.actions.runner import expand_paths
from sheetsync.cli.app import app
from sheetsync.cli.common import Format, TodayOption, parse_today
from sheetsync.findings import FileReport, Severity
from sheetsync.reporting.check_json import exit_status, summarise, to_json
from sheetsync.reporting.check_xlsx import write_report


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
        _fail(f"No .xlsx or .xlsm workbooks found in {', '.join(map(str, books))}.")
    if format is Format.xlsx:
        out = out or Path("sheetsync-report.xlsx")
        if any(out.resolve() == p.resolve() for p in paths):
            _fail(f"--out {out} is one of the books being checked; check never writes to them.")
    with _progress(len(paths), enabled=format is not Format.json) as advance:
        reports = check_paths(paths, judged, jobs=jobs, on_done=advance)
    if format is Format.json:
        sys.stdout.write(json.dumps(to_json(reports), ensure_ascii=False, indent=1) + "\n")
    elif format is Format.xlsx:
        assert out is not None
        write_report(reports, out)
        _print_summary(Console(), reports)
        Console().print(f"Report written to [bold]{escape(str(out))}[/]")
    else:
        _print_text(reports, show)
    raise typer.Exit(exit_status(reports))


def _fail(message: str) -> None:
    Console(stderr=True).print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(2)


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[FileReport], None]]:
    """A progress bar on stderr for batches, only on a terminal."""
    err = Console(stderr=True)
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
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("", total=total)
        yield lambda report: bar.update(task, advance=1, description=Path(report.path).name)


_SHEET_ORDER = {name: i for i, name in enumerate(("Orders", "Lines", "Shipments", "Documents", "Settings"))}


def _print_text(reports: list[FileReport], show: Show) -> None:
    console = Console(highlight=False, soft_wrap=True)
    limit = Severity(show.value).rank
    for report in reports:
        console.print(f"[bold]{escape(str(report.path))}[/]")
        if report.error:
            console.print(f"  [bold red]cannot read[/] ({report.error.code}): {escape(report.error.message)}")
            continue
        shown = [f for f in report.findings if f.severity.rank <= limit]
        hidden = len(report.findings) - len(shown)
        if not report.findings:
            console.print("  [green]no findings[/]")
        shown.sort(key=lambda f: (_SHEET_ORDER.get(f.sheet, 9), f.sheet, f.row or 0, f.severity.rank))
        for sheet, group in groupby(shown, key=lambda f: f.sheet):
            console.print(f"  [bold]{escape(sheet)}[/]")
            for f in group:
                where = f.cell or (f"row {f.row}" if f.row else "")
                mark = f"[{_STYLE[f.severity.value]}]{_MARK[f.severity.value]}[/]"
                order = f" {escape(f.order)}" if f.order else ""
                column = f"{escape(f.column)}: " if f.column else ""
                value = f" [dim](was {escape(f.value)})[/]" if f.value else ""
                console.print(f"    {mark} {where:<7} {f.code:<28}{order} {column}{escape(f.message)}{value}")
        if hidden:
            console.print(
                f"  [dim]{hidden} less severe finding{'s' * (hidden != 1)} not shown (--show info)[/]"
            )
    _print_summary(console, reports)


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
