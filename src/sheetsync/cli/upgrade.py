"""`sheetsync upgrade`: add what a newer contract has to an existing book, touching nothing else."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from sheetsync.actions.runner import run_isolated
from sheetsync.actions.upgrade import Upgraded, upgrade_file
from sheetsync.cli.app import app
from sheetsync.cli.common import make_console
from sheetsync.cli.mark import BookArgument, NoBackupOption, OutOption, _fail
from sheetsync.contract import CONTRACT_VERSION


@app.command()
def upgrade(
    book: BookArgument,
    out: OutOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be added; write nothing.")
    ] = False,
    no_backup: NoBackupOption = False,
) -> None:
    """Add what the workbook contract has and the book lacks: optional columns (to the right of
    each sheet's columns; an Excel Table grows to take them), Settings keys (below the last one)
    and Lists tables (headers only). Nothing the book holds is moved or changed.

    \b
    Examples:
      sheetsync upgrade orders.xlsx --dry-run
      sheetsync upgrade orders.xlsx --out orders-v1.1.xlsx
    """
    (outcome,) = run_isolated([book], upgrade_file, (out, dry_run, not no_backup))
    if outcome.error is not None:
        _fail(book, outcome.error)
    done: Upgraded = outcome.result  # type: ignore[assignment]
    console = make_console()
    plan = done.plan
    verb = "Would add" if dry_run else "Added"
    for line in plan.added:
        console.print(f"{verb} {escape(line)}")
    for note in plan.left:
        console.print(f"Left as it is: {escape(note)}")
    if not plan.added:
        console.print(f"Nothing to upgrade: {escape(str(book))} has what contract v{CONTRACT_VERSION} adds.")
    elif done.written is not None:
        where = f"Wrote {escape(str(done.written))}"
        console.print(
            where + (f"; previous version kept as {escape(str(done.backup))}." if done.backup else ".")
        )
