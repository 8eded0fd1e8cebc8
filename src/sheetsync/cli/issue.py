"""`sheetsync issue`: freeze a generated document once it is sent, and number it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sheetsync.actions.issue import issue_file
from sheetsync.cli.app import app
from sheetsync.cli.common import fail, make_console
from sheetsync.cli.mark import BookArgument, NoBackupOption, OutOption, _fail
from sheetsync.documents.plan import PlanError
from sheetsync.findings import FileError


@app.command("issue")
def issue_command(
    book: BookArgument,
    doc: Annotated[
        str, typer.Option("--doc", help="The Doc No in the Documents register.", show_default=False)
    ],
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Folder for the PDF (default: beside the book).")
    ] = None,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Do not export the PDF.")] = False,
    out: OutOption = None,
    no_backup: NoBackupOption = False,
) -> None:
    """Freeze a document sent to the bank or the buyer: its formulas become values, it takes the
    next number of the Settings key `Doc No Series`, and the register marks it issued.

    Later changes to the order are reported by `check` as doc-stale; the document stays as sent.

    \b
    Example:
      sheetsync issue orders.xlsx --doc "CI PO-1001 R1"
    """
    try:
        done = issue_file(book, doc, pdf, out, not no_backup, pdf=not no_pdf)
    except FileError as error:
        _fail(book, error)
    except PlanError as error:
        fail(str(error))
    console = make_console()
    console.print(
        f"Issued {escape(done.old_no)} as {escape(done.doc_no)} (tab {escape(done.tab)}, now values)."
    )
    if done.pdf:
        console.print(f"PDF: {escape(str(done.pdf))}")
    if done.pdf_error:
        make_console(stderr=True).print(f"[yellow]warning:[/] {escape(done.pdf_error)}")
    where = f"Wrote {escape(str(done.written))}"
    console.print(where + (f"; previous version kept as {escape(str(done.backup))}." if done.backup else "."))
