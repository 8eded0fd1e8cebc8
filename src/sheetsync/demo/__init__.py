"""A realistic, deterministic order book for `sheetsync demo` and the benchmarks.

`demo_rows(orders, seed, today)` returns the rows of Orders, Lines and Shipments (dicts keyed
by contract header), the Settings, and a manifest of the mistakes it put in on purpose, each
with the (code, sheet, Excel row, column) of the finding `sheetsync check` must give.
`write_demo(path, data)` writes them as the standard workbook.
"""

from __future__ import annotations

import datetime as dt
import random

from sheetsync.demo.catalogue import EXPORTER_ADDRESS, EXPORTER_NAME
from sheetsync.demo.inject import inject
from sheetsync.demo.messy import RENAMED, TITLE_ROWS, mess_up
from sheetsync.demo.model import DemoData, Injected, Row
from sheetsync.demo.orders import BASE_CURRENCY, base_rates, day, make_order
from sheetsync.demo.workbook import write_demo

__all__ = ["DemoData", "Injected", "Row", "demo_rows", "write_demo"]


def order_dates(rng: random.Random, count: int, today: dt.date) -> list[dt.date]:
    """Order dates over the last ~7 months, oldest first, denser recently (more orders in flight)."""
    ages = sorted(
        (
            rng.randint(0, 12) if rng.random() < 0.08 else int(rng.triangular(0, 220, 30))
            for _ in range(count)
        ),
        reverse=True,
    )
    return [today - dt.timedelta(days=age) for age in ages]


def demo_rows(
    orders: int, seed: int, today: dt.date, *, mistakes: bool = True, messy: bool = True
) -> DemoData:
    """`orders` orders placed before `today`; with `mistakes`, a few deliberate ones (see `injected`).

    With `messy`, the Orders sheet starts below a two-row title block, two Lines headers use
    aliases, and a few cells hold valid text dates, text numbers, spaces and lower-case codes.
    """
    rng = random.Random(seed)
    bundles = [make_order(rng, seq, when, today) for seq, when in enumerate(order_dates(rng, orders, today))]
    pending = inject(rng, bundles, today) if mistakes else []
    if messy:
        mess_up(rng, bundles)
    data = DemoData(
        today=today,
        orders=[row for b in bundles for row in (b.order, *b.extra_orders)],
        lines=[line for b in bundles for line in b.lines],
        shipments=[s for b in bundles for s in b.shipments],
        settings={
            "Exporter Name": EXPORTER_NAME,
            "Exporter Address": EXPORTER_ADDRESS,
            "Today": day(today),
            "Due Soon Days": 7,
            "Base Currency": BASE_CURRENCY,
        },
        title_rows={"Orders": TITLE_ROWS} if messy else {},
        headers=RENAMED if messy else {},
        rates=base_rates(today),
    )
    data.injected = data.number(pending)
    return data
