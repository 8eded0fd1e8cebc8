"""`sheetsync new`: the standard blank workbook of the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sheetsync.cli.app import app
from sheetsync.cli.common import fail, make_console
from sheetsync.contract import TABLE_SHEETS
from sheetsync.workbook.template import LISTS_SHEET, SETTINGS_SHEET, build_template

HELP = (
    "Create a blank order-tracking workbook in the standard layout (contract v1.1).\n\n"
    "It has the Excel tables Orders, Lines, Shipments and Documents with their headers, formats "
    "and dropdowns (Incoterms, currencies, countries, units, statuses...), the Amount formula on "
    "Lines, a Lists sheet holding the code lists, a port alias table you can extend and a Column Map "
    "(your own headers -> contract columns, e.g. Handled By -> Coordinator), and a Settings sheet "
    "(exporter, Date Order DMY/MDY, tolerances, Milestones Not Tracked). Fill it in, then run "
    "`sheetsync check BOOK`.\n\n"
    "\b\nExamples:\n"
    "  sheetsync new orders.xlsx\n"
    "  sheetsync new workbook_templates/order_tracker.xlsx --force"
)


@app.command(help=HELP)
def new(
    book: Annotated[Path, typer.Argument(help="Where to write the workbook (.xlsx).", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace BOOK if it exists.")] = False,
) -> None:
    """Write the blank workbook; refuse to replace an existing file without --force."""
    book.parent.mkdir(parents=True, exist_ok=True)
    try:
        build_template(book, force=force)
    except FileExistsError:
        fail(f"{book} exists; add --force to replace it.")
    tables = ", ".join(s.name for s in TABLE_SHEETS)
    make_console().print(
        f"Wrote {escape(str(book))}: tables {tables}; sheets {LISTS_SHEET} (code lists, port aliases, "
        f"Column Map) and {SETTINGS_SHEET}."
    )
