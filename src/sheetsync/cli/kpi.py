"""`sheetsync kpi`: the coordinator's KPIs, as text, JSON or a dashboard workbook."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sheetsync.actions.kpi import kpis, read_kpi_books
from sheetsync.actions.runner import expand_paths
from sheetsync.book import Book
from sheetsync.cli.app import app
from sheetsync.cli.common import Format, TodayOption, fail, make_console, parse_today
from sheetsync.reporting.dashboard import build_dashboard
from sheetsync.reporting.kpi import RATIOS, GroupBy, KpiReport, Metric


class By(StrEnum):
    coordinator = "coordinator"
    buyer = "buyer"
    month = "month"


GROUPS: dict[By, GroupBy] = {By.coordinator: "coordinator", By.buyer: "buyer", By.month: "month"}


@app.command()
def kpi(
    books: Annotated[
        list[Path],
        typer.Argument(help="Workbooks or folders (searched recursively).", show_default=False),
    ],
    format: Annotated[
        Format,
        typer.Option("--format", "-f", help="text, json, or xlsx (the dashboard workbook)."),
    ] = Format.text,
    by: Annotated[By | None, typer.Option("--by", help="Also per coordinator, buyer or month.")] = None,
    today: TodayOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where --format xlsx writes (default: sheetsync-dashboard.xlsx)."),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store", metavar="URL", help="Judge on time against the first Plan in this store's history."
        ),
    ] = None,
) -> None:
    """On-time delivery, OTIF, perfect orders, cycle times, fill and backorder rates, document accuracy.

    Each figure comes with its numerator and denominator; orders left out are counted.

    Never writes to the books. Exit status 2 when a file could not be read.

    \b
    Examples:
      sheetsync kpi orders.xlsx
      sheetsync kpi //shared/orders --by coordinator --today 2026-11-25
      sheetsync kpi //shared/orders --format xlsx --out monday.xlsx
    """
    judged = parse_today(today)
    paths = expand_paths(books)
    target = out or Path("sheetsync-dashboard.xlsx")
    if format is Format.xlsx and any(target.resolve() == p.resolve() for p in paths):
        fail(f"--out {target} is one of the books; the dashboard is always a separate file.")
    if format is Format.xlsx and store is not None:
        fail("--store works with --format text or json; the dashboard does not use the store's history yet.")
    found = read_kpi_books(paths)
    read, errors = found.books, found.left_out
    for path, why in errors.items():
        make_console(stderr=True).print(f"[bold red]cannot use[/] {escape(str(path))}: {escape(why)}")
    if not read:
        fail(f"No order book to measure in {', '.join(map(str, books))}.")
    group: GroupBy | None = None if by is None else GROUPS[by]
    if format is Format.xlsx:
        report = build_dashboard(target, read, judged, group)
        _print_text(report)
        make_console().print(f"Dashboard written to [bold]{escape(str(target))}[/]")
    else:
        commits, note = _commit_dates(store)
        report = kpis(read, judged, group, commit_dates=commits)
        if note:
            report.notes.insert(0, note)
        if format is Format.json:
            _print_json(report, read, errors)
        else:
            _print_text(report)
    raise typer.Exit(2 if errors else 0)


def _commit_dates(store: str | None) -> tuple[dict[str, dt.date] | None, str]:
    """The first committed dates from the store's history (`--store`), and a note saying so."""
    if store is None:
        return None, ""
    from sheetsync.actions.store_views import commit_dates

    url, dates = commit_dates(store)
    return dates, f"commit date = the first Plan recorded in the store {url.shown} ({len(dates)} orders)"


def _print_json(report: KpiReport, read: list[Book], errors: dict[Path, str]) -> None:
    files: list[dict[str, str | None]] = [{"path": str(b.path), "status": "ok", "error": None} for b in read]
    files += [{"path": str(p), "status": "error", "error": e} for p, e in errors.items()]
    sys.stdout.write(json.dumps({"files": files, **report.as_dict()}, ensure_ascii=False, indent=1) + "\n")


def _value(m: Metric) -> str:
    if m.value is None:
        return "—"
    return f"{m.value:.1%}" if m.name in RATIOS else f"{m.value:,.1f}"


def _number(x: float | None) -> str:
    return "" if x is None else f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _print_values(console: Console, report: KpiReport) -> None:
    """Order value in the base currency per group, the rates used, the orders without a rate."""
    values = report.values
    assert values is not None
    month = " (month of the order date)" if report.by == "month" else ""
    table = Table(title=f"Order value in base currency{month}", title_justify="left")
    columns = (("Group", "left"), ("Base", "left"), ("Value", "right"), ("Orders valued", "right"),
               ("Not valued", "right"))  # fmt: skip
    for header, justify in columns:
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for group, totals in values.groups.items():
        for t in totals:
            table.add_row(group, t.base, f"{t.value:,.2f}", f"{t.orders:,}", f"{t.not_valued:,}")
    console.print(table)
    for r in values.rates:
        as_of = f" as of {r.as_of.isoformat()}" if r.as_of else ""
        console.print(
            f"Rate used: 1 {r.currency} = {r.rate} {r.base}{as_of} ({escape(r.book)}, {r.orders:,} orders)"
        )
    for f in values.missing:
        console.print(
            f"[yellow]{f.code}[/] {f.sheet} row {f.row}: order {escape(str(f.order))}: {escape(f.message)}"
        )
    if values.not_valued_books:
        console.print(
            f"Not valued (no Base Currency in Settings): {escape(', '.join(values.not_valued_books))}"
        )


def _print_text(report: KpiReport) -> None:
    console = make_console()
    for group, metrics in report.groups.items():
        title = f"KPIs — {group}" + (f" (as of {report.today.isoformat()})" if group == "All" else "")
        table = Table(title=title, title_justify="left")
        for header, justify in (("Metric", "left"), ("Numerator", "right"), ("Denominator", "right"),
                                ("Value", "right"), ("Note", "left")):  # fmt: skip
            table.add_column(header, justify=justify)  # type: ignore[arg-type]
        for m in metrics:
            table.add_row(m.name, _number(m.numerator), _number(m.denominator), _value(m), m.note)
        console.print(table)
    if report.values is not None:
        _print_values(console, report)
    left_out = ", ".join(f"{why}: {n}" for why, n in report.excluded.items() if n) or "none"
    console.print(f"Left out: {escape(left_out)}")
    for note in report.notes:
        console.print(f"[dim]{escape(note)}[/]")
