"""Shipments against their order (RULES.md §4): packages, weights, dates, containers.

Sums are compared only when every contributing cell holds a number, so a blank or mistyped
cell (already reported by the schema rules) never produces a second, derived finding.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from sheetsync.book import Book
from sheetsync.findings import Finding
from sheetsync.rules.engine import Context, rule
from sheetsync.rules.orderdata import (
    INDEXED,
    LINES,
    SHIPMENTS,
    SHIPPED_STATUSES,
    above,
    at_rows,
    by_key,
    child_rows,
    complete,
    hits,
    live_orders,
    lookup,
    number,
)

NEEDS = (*INDEXED, *LINES, *SHIPMENTS)


def order_totals(book: Book, line_col: str, ship_col: str) -> pd.DataFrame:
    """Live orders with lines and shipments: Σ lines `line_col` (a), Σ shipments `ship_col` (b)."""
    orders = live_orders(book)
    lines = child_rows(book, "Lines")
    ships = child_rows(book, "Shipments")
    a = lines.groupby("key")[line_col].sum().where(complete(lines, line_col))
    b = ships.groupby("key")[ship_col].sum().where(complete(ships, ship_col))
    totals = orders[["order_no", "status"]].assign(a=by_key(orders["key"], a), b=by_key(orders["key"], b))
    totals = totals.loc[totals["a"].notna() & totals["b"].notna()]
    return totals.assign(shipped=totals["status"].isin(SHIPPED_STATUSES))


@rule("ship-packages", needs=(*NEEDS, "Lines.cartons", "Shipments.packages"))
def packages(book: Book, ctx: Context) -> Iterator[Finding]:
    """Σ Packages may not exceed Σ Cartons, and must equal it once Shipped or Closed."""
    t = order_totals(book, "cartons", "packages")
    hit = hits(t, (t["b"] > t["a"]) | (t["shipped"] & (t["b"] != t["a"])))
    yield from at_rows(
        "ship-packages", book.sheets["Orders"], hit, None,
        shipped=[number(x) for x in hit["b"]], ordered=[number(x) for x in hit["a"]],
    )  # fmt: skip


@rule("ship-weight", needs=(*NEEDS, "Lines.gross_kg", "Shipments.gross_kg"))
def weight(book: Book, ctx: Context) -> Iterator[Finding]:
    """Σ Shipments gross agrees with Σ Lines gross within Weight Tolerance % once Shipped."""
    t = order_totals(book, "gross_kg", "gross_kg")
    allowed = t["a"] * book.settings.weight_tolerance_pct / 100
    excess = above(t["b"], t["a"] + allowed)
    differs = t["shipped"] & above((t["b"] - t["a"]).abs(), allowed)
    hit = hits(t, excess | differs)
    yield from at_rows(
        "ship-weight", book.sheets["Orders"], hit, None,
        b=[number(x) for x in hit["b"]], a=[number(x) for x in hit["a"]],
    )  # fmt: skip


@rule("ship-dates", needs=(*INDEXED, *SHIPMENTS, *(f"Shipments.{k}" for k in ("etd", "eta", "atd", "ata"))))
def arrival_before_departure(book: Book, ctx: Context) -> Iterator[Finding]:
    """A shipment cannot arrive (ETA/ATA) before it departs (ETD/ATD); equal is fine."""
    ships = child_rows(book, "Shipments")
    for arrival, departure in (("eta", "etd"), ("ata", "atd")):
        early = ships[arrival].dt.normalize() < ships[departure].dt.normalize()
        yield from at_rows("ship-dates", book.sheets["Shipments"], hits(ships, early), arrival)


@rule(
    "ship-etd-mismatch",
    needs=(*INDEXED, *SHIPMENTS, "Orders.etd_actual", "Orders.eta_actual", "Shipments.atd", "Shipments.ata"),
)
def order_dates_vs_shipments(book: Book, ctx: Context) -> Iterator[Finding]:
    """Orders ETD Actual = earliest ATD and ETA Actual = latest ATA, when both sides are set."""
    orders = live_orders(book)
    by_order = child_rows(book, "Shipments").groupby("key")
    for key, shipped in (("etd_actual", by_order["atd"].min()), ("eta_actual", by_order["ata"].max())):
        theirs = by_key(orders["key"], shipped).dt.normalize()
        ours = orders[key].dt.normalize()
        differ = ours.notna() & theirs.notna() & (ours != theirs)
        yield from at_rows("ship-etd-mismatch", book.sheets["Orders"], hits(orders, differ), key)


@rule(
    "ship-container-missing",
    needs=(*INDEXED, *SHIPMENTS, "Orders.transport_mode", "Shipments.atd", "Shipments.container_no"),
)
def container_missing(book: Book, ctx: Context) -> Iterator[Finding]:
    """A departed sea shipment names its container(s); LCL cargo travels in one too."""
    ships = child_rows(book, "Shipments")
    sea = lookup(live_orders(book), ships["key"], "transport_mode") == "Sea"
    missing = sea & ships["atd"].notna() & ships["container_no"].isna()
    yield from at_rows(
        "ship-container-missing", book.sheets["Shipments"], hits(ships, missing), "container_no"
    )
