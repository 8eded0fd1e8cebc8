"""`sheetsync demo`: a realistic filled workbook, with the mistakes real teams make."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sheetsync.cli.app import app
from sheetsync.cli.common import fail, make_console, parse_today
from sheetsync.demo import demo_rows, write_demo


@app.command()
def demo(
    book: Annotated[Path, typer.Argument(help="Where to write the workbook (.xlsx).", show_default=False)],
    orders: Annotated[int, typer.Option("--orders", "-n", min=1, help="How many orders.")] = 60,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same book.")] = 7,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Spread milestones around this date and store it as the Settings key Today "
            "(default: the computer's date).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace BOOK if it exists.")] = False,
) -> None:
    """Write a realistic order book: buyers, real ports and HS codes, L/C and T/T orders,
    partial shipments, milestones around today — and a few deliberate mistakes to find.

    The same --orders, --seed and --today always give the same book. Then run
    `sheetsync check BOOK` to see every mistake located.

    \b
    Examples:
      sheetsync demo demo/orders.xlsx
      sheetsync demo big.xlsx --orders 2000 --seed 1 --today 2026-11-25 --force
    """
    around = parse_today(today) or dt.date.today()
    if book.exists() and not force:  # before building the rows, which takes a while on big books
        fail(f"{book} exists; add --force to replace it.")
    data = demo_rows(orders, seed, around)
    book.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_demo(book, data, force=force)
    except FileExistsError:
        fail(f"{book} exists; add --force to replace it.")
    out = make_console()
    out.print(
        f"Wrote {escape(str(book))}: {len(data.orders)} orders, {len(data.lines)} lines, "
        f"{len(data.shipments)} shipments, around {around.isoformat()} (seed {seed})."
    )
    statuses = Counter(str(o["Status"]) for o in data.orders)
    out.print("Orders by status: " + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())))
    mistakes = Counter(i.code for i in data.injected)
    out.print(f"{len(data.injected)} mistakes put in on purpose:")
    for code, count in sorted(mistakes.items()):
        out.print(f"  {code:<28} {count}")
