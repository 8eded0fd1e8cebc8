"""The Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="sheetsync",
    help=(
        "Order-tracking workbooks for export coordinators.\n\n"
        "Create the standard workbook (new) or a realistic filled one (demo); validate books and "
        "whole folders (check); report on-time KPIs and a dashboard (kpi); write findings back "
        "into a book (mark) and take them out again (clear); add linked document tabs (generate, "
        "issue, remove) and buyer status updates (status); bring an older book up to the contract "
        "(upgrade); sync many books into one store (sync, history, report, pull); build the Excel "
        "add-in (addin).\n\n"
        "Start with:  sheetsync demo orders.xlsx && sheetsync check orders.xlsx\n\n"
        "Run `sheetsync COMMAND --help` for each command."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        from sheetsync import __version__
        from sheetsync.contract import CONTRACT_VERSION

        typer.echo(f"sheetsync {__version__} (workbook contract v{CONTRACT_VERSION})")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Order-tracking workbooks for export coordinators."""
