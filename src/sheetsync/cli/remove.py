"""`sheetsync remove`: take generated document tabs out again, with their register rows."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from sheetsync.actions.remove import remove_file
from sheetsync.cli.app import app
from sheetsync.cli.common import fail, make_console
from sheetsync.cli.mark import BookArgument, NoBackupOption, OutOption, _fail, _written
from sheetsync.documents.plan import PlanError
from sheetsync.findings import FileError


@app.command()
def remove(
    book: BookArgument,
    order: Annotated[list[str], typer.Option("--order", help="Order No (repeat for several).")] = [],  # noqa: B006
    tab: Annotated[list[str], typer.Option("--tab", help="A generated tab (repeat for several).")] = [],  # noqa: B006
    all_tabs: Annotated[bool, typer.Option("--all", help="Every generated tab.")] = False,
    out: OutOption = None,
    no_backup: NoBackupOption = False,
) -> None:
    """Remove the document tabs generated for orders (or named, or all) and their Documents rows.

    The reverse of `sheetsync generate`. Issued documents stay as sent; a tab whose first cell is
    not its document's title is not sheetsync's and is refused.

    \b
    Examples:
      sheetsync remove orders.xlsx --order PO-1001
      sheetsync remove orders.xlsx --all --out orders-clean.xlsx
    """
    if all_tabs == bool(order or tab):
        raise typer.BadParameter("Name --order or --tab, or use --all.", param_hint="--order")
    try:
        done = remove_file(book, order, tab, out, not no_backup)
    except FileError as error:
        _fail(book, error)
    except PlanError as error:
        fail(str(error))
    console = make_console()
    for name in done.removal.tabs:
        console.print(f"Removed {escape(name)}")
    for note in done.removal.kept:
        console.print(f"Kept: {escape(note)}")
    console.print(f"{done.removal.rows} register row(s) removed.")
    if done.removal.edits:
        console.print(_written(book, out, done.backup) + ".")
