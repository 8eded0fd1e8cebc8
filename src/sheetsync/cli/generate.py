"""`sheetsync generate`: linked document tabs from the order rows, registered in Documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sheetsync.actions.generate import PlanError, generate_file
from sheetsync.cli.app import app
from sheetsync.cli.common import TodayOption, fail, make_console, parse_today
from sheetsync.cli.mark import BookArgument, NoBackupOption, OutOption, _fail
from sheetsync.contract.codelists import DOC_TYPE_SLUGS
from sheetsync.documents.pdf import PdfError, export_pdf
from sheetsync.findings import FileError


@app.command()
def generate(
    book: BookArgument,
    order: Annotated[list[str], typer.Option("--order", help="Order No (repeat for several).")] = [],  # noqa: B006
    all_shipped: Annotated[
        bool, typer.Option("--all-shipped", help="Every Shipped or Closed order without an invoice.")
    ] = False,
    shipment: Annotated[
        str | None, typer.Option("--shipment", help="Only this shipment's documents.")
    ] = None,
    doc: Annotated[
        list[str],
        typer.Option("--doc", help=f"Document type (repeatable): {', '.join(DOC_TYPE_SLUGS)}. "
                     "Default: those of the order's status."),
    ] = [],  # noqa: B006
    out: OutOption = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also export each tab as a PDF into this folder.")
    ] = None,
    today: TodayOption = None,
    no_backup: NoBackupOption = False,
) -> None:  # fmt: skip
    """Add print-ready document tabs whose cells are live formulas on the order's rows.

    Each tab is registered in Documents with its totals; generating again replaces the tab
    and adds the next revision to the register.

    \b
    Examples:
      sheetsync generate orders.xlsx --order PO-1001
      sheetsync generate orders.xlsx --order PO-1001 --doc invoice --doc packing-list
      sheetsync generate orders.xlsx --all-shipped --out orders-docs.xlsx
    """
    unknown = [d for d in doc if d not in DOC_TYPE_SLUGS]
    if unknown:
        raise typer.BadParameter(
            f"{', '.join(unknown)}: use {', '.join(DOC_TYPE_SLUGS)}.", param_hint="--doc"
        )
    try:
        done = generate_file(book, order, doc, shipment, out, parse_today(today), not no_backup, all_shipped)
    except FileError as error:
        _fail(book, error)
    except PlanError as error:
        fail(str(error))
    console = make_console()
    for d in done.plan.documents:
        t = d.totals
        amount = f"amount {t['amount']:,.2f}, " if d.type in ("Proforma", "Commercial Invoice") else ""
        console.print(
            f"{escape(d.tab):<20} {d.type:<22} {escape(d.doc_no)} (revision {d.revision}): {amount}"
            f"{t['quantity']:,g} units, {t['packages']:,g} packages, {t['gross_kg']:,.2f} kg gross"
        )
    for note in done.plan.skipped:
        console.print(f"Left as it is: {escape(note)}")
    if done.plan.documents:
        where = f"Wrote {escape(str(done.written))}"
        console.print(
            where + (f"; previous version kept as {escape(str(done.backup))}." if done.backup else ".")
        )
    if pdf is not None and done.plan.documents:
        try:
            for d in done.plan.documents:
                console.print(f"PDF: {escape(str(export_pdf(done.written, d.tab, pdf)))}")
        except PdfError as error:
            fail(str(error))
