"""`sheetsync status`: a status update per buyer, to send outside the company."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sheetsync.actions.status import file_name, status_files
from sheetsync.cli.app import app
from sheetsync.cli.common import TodayOption, fail, make_console, parse_today
from sheetsync.cli.mark import BookArgument, _fail
from sheetsync.documents.pdf import PdfError
from sheetsync.findings import FileError


@app.command()
def status(
    book: BookArgument,
    buyer: Annotated[str | None, typer.Option("--buyer", help="The buyer, as in Orders.Buyer.")] = None,
    all_buyers: Annotated[
        bool, typer.Option("--all-buyers", help="One workbook per buyer (--out is a folder).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The workbook (or folder with --all-buyers).")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also export each workbook as a PDF here.")
    ] = None,
    today: TodayOption = None,
) -> None:
    """Write "where is my order?" for a buyer: each open order's status, last and next step, late
    or at-risk in plain words, ETD/ETA, vessel, B/L, containers and documents sent.

    A separate workbook holding only that buyer's open orders — nothing internal.

    \b
    Examples:
      sheetsync status orders.xlsx --buyer "Nordic Home AB" --out status.xlsx
      sheetsync status orders.xlsx --all-buyers --out status/
    """
    if (buyer is None) == (not all_buyers):
        raise typer.BadParameter("Name one --buyer, or use --all-buyers.", param_hint="--buyer")
    target = out or (Path(file_name(buyer)) if buyer is not None else Path("status"))
    try:
        made = status_files(book, buyer, target, parse_today(today), pdf)
    except FileError as error:
        _fail(book, error)
    except PdfError as error:
        fail(str(error))
    console = make_console()
    for f in made:
        extra = f" and {escape(str(f.pdf))}" if f.pdf else ""
        orders = f"{f.orders} open order{'' if f.orders == 1 else 's'}"
        console.print(f"{escape(f.buyer)}: {orders} in {escape(str(f.path))}{extra}")
