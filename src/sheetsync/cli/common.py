"""Options and helpers shared by several commands."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

# A table written to a file or a pipe is as wide as its content up to this, not squeezed to COLUMNS.
PIPE_WIDTH = 240

TodayOption = Annotated[
    str | None,
    typer.Option(
        "--today",
        metavar="YYYY-MM-DD",
        help="Judge lateness on this date (default: the Settings key Today, else the computer's date).",
    ),
]


def parse_today(text: str | None) -> dt.date | None:
    """`--today` as a date; a clear usage error (exit 2) when it is not YYYY-MM-DD."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date; use YYYY-MM-DD.", param_hint="--today") from None


class Format(StrEnum):
    """Output of the reporting commands: text for people, json for scripts, xlsx for a workbook."""

    text = "text"
    json = "json"
    xlsx = "xlsx"


def make_console(stderr: bool = False) -> Console:
    """The console a command prints with: no highlighting guesses; off a terminal, no wrapping.

    Output to a file or a pipe keeps each message on one line (`soft_wrap`) and tables their
    natural width, so a number or a path is never cut in two, whatever COLUMNS says.
    """
    probe = Console(stderr=stderr)
    if probe.is_terminal:
        return Console(stderr=stderr, highlight=False)
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=PIPE_WIDTH)


def fail(message: str, code: str | None = None) -> NoReturn:
    """Say what went wrong on stderr (with the error code, when there is one) and exit 2."""
    suffix = f" [dim]({code})[/]" if code else ""
    make_console(stderr=True).print(f"[bold red]error:[/] {escape(message)}{suffix}")
    raise typer.Exit(2)
