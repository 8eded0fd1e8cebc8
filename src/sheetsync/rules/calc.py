"""Arithmetic on order lines (RULES.md §4): line amounts and gross vs net weight."""

from __future__ import annotations

from collections.abc import Iterator

from sheetsync.book import Book
from sheetsync.findings import Finding
from sheetsync.rules.engine import Context, rule
from sheetsync.rules.orderdata import (
    INDEXED,
    LINES,
    above,
    amount_tolerance,
    at_rows,
    child_rows,
    hits,
    live_orders,
    lookup,
    money,
)


@rule(
    "calc-line-amount",
    needs=(*INDEXED, *LINES, "Orders.currency", "Lines.quantity", "Lines.unit_price", "Lines.amount"),
)
def line_amount(book: Book, ctx: Context) -> Iterator[Finding]:
    """Amount must equal Quantity × Unit Price within Amount Tolerance."""
    lines = child_rows(book, "Lines")
    currency = lookup(live_orders(book), lines["key"], "currency")
    expected = (lines["quantity"] * lines["unit_price"]).round(6)
    tolerance = amount_tolerance(book, currency)
    hit = hits(lines, above((lines["amount"] - expected).abs(), tolerance))
    should_be = [money(x, c) for x, c in zip(expected[hit.index], currency[hit.index], strict=True)]
    yield from at_rows("calc-line-amount", book.sheets["Lines"], hit, "amount", expected=should_be)


@rule("calc-gross-lt-net", needs=(*INDEXED, *LINES, "Lines.gross_kg", "Lines.net_kg"))
def gross_below_net(book: Book, ctx: Context) -> Iterator[Finding]:
    """Gross weight includes packing, so it is never below net weight."""
    lines = child_rows(book, "Lines")
    hit = hits(lines, lines["gross_kg"] < lines["net_kg"])
    yield from at_rows("calc-gross-lt-net", book.sheets["Lines"], hit, "gross_kg")
