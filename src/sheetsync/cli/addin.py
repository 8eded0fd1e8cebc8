"""`sheetsync addin build` and `sheetsync addin install`: the Excel add-in, without Excel."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sheetsync.cli.app import app

addin_app = typer.Typer(
    help="Build the Excel add-in (sheetsync.xlam) and template (order_tracker.xlsm), or install the add-in.",
    no_args_is_help=True,
)
app.add_typer(addin_app, name="addin")


@addin_app.command("build")
def build(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the two files into.")] = Path(
        "dist"
    ),
) -> None:
    """Write sheetsync.xlam (the ribbon add-in) and order_tracker.xlsm (the template with the ribbon).

    Works on any OS, without Excel. The VBA is built from macros/ and the installed xlwings'
    own modules; the ribbon from the action registry.

    \b
    Examples:
      sheetsync addin build
      sheetsync addin build --out build/excel
    """
    from sheetsync.excel.addin import build as build_files

    built = build_files(out)
    Console(highlight=False).print(f"Wrote {escape(str(built.addin))} and {escape(str(built.template))}")


@addin_app.command("install")
def install() -> None:
    """Install the add-in for this user (no admin rights) and point it at this Python.

    Copies sheetsync.xlam into Excel's start-up folder (Windows: XLSTART in %APPDATA%; macOS:
    Excel's Startup folder) and writes sheetsync.conf with the interpreter and PYTHONPATH.
    Restart Excel afterwards. On macOS also run `xlwings runpython install` once.
    """
    from sheetsync.excel.addin import ADDIN
    from sheetsync.excel.addin import build as build_files
    from sheetsync.excel.install import current_system
    from sheetsync.excel.install import install as install_addin

    try:
        system = current_system()
    except RuntimeError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    with tempfile.TemporaryDirectory(prefix="sheetsync-addin-") as work:
        built = build_files(Path(work))
        where = install_addin(built.addin, system, Path.home(), os.environ.get("APPDATA"))
    console = Console(highlight=False)
    console.print(f"Installed {ADDIN} in {escape(str(where.addin))}")
    console.print(f"Configuration written to {escape(str(where.config))}. Restart Excel.")
