"""The Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="sheetsync",
    help=(
        "Order-tracking workbooks for export coordinators.\n\n"
        "Create the standard workbook (new), fill a realistic one (demo), validate books and "
        "folders (check), and more. Run `sheetsync COMMAND --help` for each command."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
