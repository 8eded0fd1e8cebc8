"""`sheetsync sync | history | report | pull`: the store of many books, from the command line.

The store URL comes from --store, else SHEETSYNC_STORE, else the user's config file, else a
SQLite file in the user data folder (sheetsync.store.url); prefer the environment or the config
file for a PostgreSQL password, which other users would see on a command line.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sheetsync.cli.app import app
from sheetsync.cli.common import TodayOption, make_console, parse_today

if TYPE_CHECKING:
    from sheetsync.actions.sync import BookSync, SyncReport

StoreOption = Annotated[
    str | None,
    typer.Option("--store", metavar="URL",
                 help="Store URL (default: $SHEETSYNC_STORE, the config file, else a SQLite file)."),
]  # fmt: skip


class Output(StrEnum):
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    json = "json"


def _needs_store_extra() -> None:
    try:
        import alembic  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        make_console(stderr=True).print("[bold red]error:[/] the store needs: pip install 'sheetsync[store]'")
        raise typer.Exit(2) from None


@app.command()
def sync(
    books: Annotated[list[Path], typer.Argument(help="Workbooks or folders (searched recursively).")],
    store: StoreOption = None,
    format: Annotated[Output, typer.Option("--format", "-f", help="text or json.")] = Output.text,
    today: TodayOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Books read in parallel.")] = 1,
) -> None:
    """Load orders, lines, shipments, documents and findings of many books into one store.

    Only what changed is written, with its history; books that disagree are reported, never
    resolved. Exit status 2 when a file could not be read.

    \b
    Examples:
      sheetsync sync //shared/orders
      SHEETSYNC_STORE=postgresql://sync@db/orders sheetsync sync //shared/orders --jobs 2
    """
    _needs_store_extra()
    from sheetsync.actions.sync import sync as run_sync

    err = make_console(stderr=True)
    report = run_sync(books, store, parse_today(today), jobs, on_book=lambda b: err.print(_line(b)))
    if format is Output.json:
        sys.stdout.write(json.dumps(_as_json(report), ensure_ascii=False, indent=1) + "\n")
    else:
        _print_sync(report)
    raise typer.Exit(2 if any(b.status == "error" for b in report.books) else 0)


def _line(b: BookSync) -> str:
    name = escape(str(b.path))
    if b.status == "error" and b.error is not None:
        return f"[bold red]error[/] {name}: {escape(b.error.code)}: {escape(b.error.message)}"
    if b.status == "synced" and b.written is not None:
        w = b.written
        return (f"synced {name}: {w.added} added, {w.changed} changed ({w.fields_changed} fields), "
                f"{w.moved} moved, {w.removed} removed, {len(b.findings)} findings")  # fmt: skip
    return f"{b.status} {name}: {escape(b.note)}"


def _print_sync(report: SyncReport) -> None:
    console = make_console()
    for b in report.books:
        for f in b.sync_findings():
            console.print(f"{escape(b.path.name)}: {f.severity.value} {f.code}: {escape(f.message)}")
    for c in report.conflicts:
        f = c.finding
        console.print(
            f"{escape(c.path.name)} {f.sheet} row {f.row}: {f.code} order {f.order}: {escape(f.message)}"
        )
    counts = {
        s: sum(b.status == s for b in report.books) for s in ("synced", "unchanged", "skipped", "error")
    }
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no books"
    console.print(f"Store {escape(report.store.shown)} ({report.store.source}): {summary}; "
                  f"{report.rows_written} rows written, {len(report.conflicts)} conflicts.")  # fmt: skip


def _as_json(report: SyncReport) -> dict[str, object]:
    files = []
    for b in report.books:
        w = b.written
        files.append({
            "path": str(b.path), "status": b.status, "note": b.note,
            "error": {"code": b.error.code, "message": b.error.message} if b.error else None,
            "written": None if w is None else {"added": w.added, "changed": w.changed, "moved": w.moved,
                                               "removed": w.removed, "fields_changed": w.fields_changed},
            "findings": [f.as_dict() for f in b.findings],
        })  # fmt: skip
    conflicts = [{"path": str(c.path), **c.finding.as_dict()} for c in report.conflicts]
    return {"store": report.store.shown, "run": report.run_id, "files": files, "conflicts": conflicts}


@app.command()
def history(
    order: Annotated[str, typer.Option("--order", help="The Order No.")],
    buyer: Annotated[
        str | None, typer.Option("--buyer", help="The buyer, when two share the Order No.")
    ] = None,
    store: StoreOption = None,
    format: Annotated[Output, typer.Option("--format", "-f", help="text or json.")] = Output.text,
) -> None:
    """What changed on an order between syncs: when, in which book, old -> new."""
    _needs_store_extra()
    from sheetsync.actions.store_views import history as run_history
    from sheetsync.store.history import AmbiguousOrder, history_rows

    try:
        url, changes = run_history(order, buyer, store)
    except AmbiguousOrder as exc:
        make_console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))} Use --buyer.")
        raise typer.Exit(2) from None
    if format is Output.json:
        sys.stdout.write(json.dumps(history_rows(changes), ensure_ascii=False, indent=1) + "\n")
        return
    console = make_console()
    if not changes:
        console.print(f"No history for order {escape(order)} in {escape(url.shown)}.")
        raise typer.Exit(1)
    table = Table(title=f"Order {order}" + (f" ({buyer})" if buyer else ""), title_justify="left")
    for header in ("When (UTC)", "Book", "Where", "What", "Field", "Old", "New"):
        table.add_column(header)
    for ch in changes:
        table.add_row(ch.changed_at.strftime("%Y-%m-%d %H:%M"), Path(ch.book).name, f"{ch.sheet}!{ch.row}",
                      ch.what, ch.field, _short(ch.old), _short(ch.new))  # fmt: skip
    console.print(table)


def _short(text: str | None) -> str:
    if text is None:
        return ""
    return text if len(text) <= 40 else text[:37] + "..."


@app.command()
def report(
    store: StoreOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="xlsx or json.")] = ReportFormat.xlsx,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write (default: sheetsync-report.xlsx; json: stdout)."),
    ] = None,
) -> None:
    """One workbook of every order across the synced books: values in base currency, late milestones,
    conflicts, a summary per coordinator."""
    _needs_store_extra()
    from sheetsync.actions.store_views import report as run_report

    if format is ReportFormat.json:
        url, view = run_report(out, store, "json")
        if out is None:
            sys.stdout.write(json.dumps(view.as_dict(), ensure_ascii=False, indent=1) + "\n")
        return
    target = out or Path("sheetsync-report.xlsx")
    url, view = run_report(target, store)
    make_console().print(
        f"Report of {len(view.orders)} orders from {escape(url.shown)} "
        f"written to [bold]{escape(str(target))}[/] "
        f"({len(view.late)} late or at risk, {len(view.conflicts)} conflicts, "
        f"{len(view.missing_rates)} orders without a rate)."
    )


@app.command()
def pull(
    book: Annotated[Path, typer.Argument(help="The workbook to write (a fresh file).")],
    buyer: Annotated[str | None, typer.Option("--buyer", help="That buyer's orders.")] = None,
    coordinator: Annotated[
        str | None, typer.Option("--coordinator", help="That coordinator's orders.")
    ] = None,
    store: StoreOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace BOOK if it exists.")] = False,
) -> None:
    """Those orders from the store into a fresh contract workbook, marked as a view (sync skips it)."""
    if (buyer is None) == (coordinator is None):
        raise typer.BadParameter("give one of --buyer or --coordinator")
    _needs_store_extra()
    from sheetsync.actions.store_views import pull as run_pull

    try:
        url, count = run_pull(book, store, buyer=buyer, coordinator=coordinator, force=force)
    except FileExistsError as exc:
        make_console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    make_console().print(f"Pulled {count} orders from {escape(url.shown)} into {escape(str(book))}.")
