"""Letter-of-credit amounts, quantities and partial shipments (RULES.md §6).

The invoiced figures come from the Documents register's Commercial Invoice rows; a
regenerated invoice replaces the earlier one for the same order and shipment. Without a
register only the Lines total is checked against the credit.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from sheetsync.book import Book
from sheetsync.contract.codelists import COUNTED_UNITS, MEASURED_UNITS, ZERO_DECIMAL_CURRENCIES
from sheetsync.findings import Finding
from sheetsync.rules.engine import Context, rule
from sheetsync.rules.orderdata import (
    INDEXED,
    LINES,
    SHIPMENTS,
    SHIPPED_STATUSES,
    above,
    at_rows,
    bad_mask,
    by_key,
    child_rows,
    complete,
    hits,
    lc_orders,
    money,
    number,
    order_keys,
)

INVOICE = "Commercial Invoice"
BULK_TOLERANCE_PCT = 5.0  # UCP 600 30(b): goods not counted in units
LC = (*INDEXED, "Orders.payment_terms")  # what lc_orders() reads
# The register columns `invoices()` reads: a register without them would change the totals.
REGISTER = ("Documents.order_no", "Documents.type", "Documents.shipment_no", "Documents.generated")


def invoices(book: Book) -> pd.DataFrame | None:
    """The latest Commercial Invoice per (order, shipment) in the register, or None without one."""
    register = book.get("Documents")
    if register is None or not all(register.has(n.split(".")[1]) for n in REGISTER):
        return None
    docs = child_rows(book, "Documents")
    ci = docs.loc[docs["type"] == INVOICE]
    ci = ci.assign(shipment=order_keys(ci["shipment_no"]).fillna(""), excel_row=ci.index)
    latest = ci.sort_values(["generated", "excel_row"], na_position="first")
    return latest.drop_duplicates(["key", "shipment"], keep="last")


def summed(frame: pd.DataFrame, keys: pd.Series, column: str) -> pd.Series:
    """Σ `column` per key, mapped onto `keys`; null where a contributing cell is blank."""
    total = frame.groupby("key")[column].sum().where(complete(frame, column))
    return by_key(keys, total)


def trusted(book: Book, orders: pd.DataFrame, *keys: str) -> pd.DataFrame:
    """The orders whose `keys` cells did not fail schema-type."""
    sd = book.sheets["Orders"]
    ok = np.ones(len(orders), dtype=bool)
    for key in keys:
        ok &= ~bad_mask(sd, key, orders.index)
    return orders.loc[ok]


def in_minor_units(values: pd.Series, currency: pd.Series) -> pd.Series:
    """Money rounded to the currency's minor unit, so sums compare without float noise."""
    return values.round(2).where(~currency.isin(ZERO_DECIMAL_CURRENCIES), values.round(0))


@rule(
    "lc-amount-exceeded",
    needs=(
        *LC,
        *LINES,
        "Orders.lc_amount",
        "Orders.tolerance_pct",
        "Orders.currency",
        "Lines.amount",
        *(f"?{n}" for n in (*REGISTER, "Documents.amount")),
    ),
)
def amount_exceeded(book: Book, ctx: Context) -> Iterator[Finding]:
    """Neither the order total nor the invoiced total may draw more than the Ceiling."""
    orders = trusted(book, lc_orders(book), "tolerance_pct")
    ceiling = orders["lc_amount"] * (1 + orders["tolerance_pct"].fillna(0) / 100)
    drawn = summed(child_rows(book, "Lines"), orders["key"], "amount")
    ci = invoices(book)
    if ci is not None:
        drawn = pd.concat([drawn, summed(ci, orders["key"], "amount")], axis=1).max(axis=1)
    currency = orders["currency"]
    over = above(in_minor_units(drawn, currency), in_minor_units(ceiling, currency))
    hit = hits(orders, over)
    x = [money(v, c) for v, c in zip(drawn[hit.index], hit["currency"], strict=True)]
    y = [money(v, c) for v, c in zip(ceiling[hit.index], hit["currency"], strict=True)]
    yield from at_rows("lc-amount-exceeded", book.sheets["Orders"], hit, "lc_amount", x=x, y=y)


def quantity_tolerance(lines: pd.DataFrame, orders: pd.DataFrame) -> pd.Series:
    """t: Tolerance % if entered, else 0 when any line is counted, 5 when all are measured."""
    unit = lines["unit"]
    counted = by_key(orders["key"], unit.isin(COUNTED_UNITS).groupby(lines["key"]).any()).eq(True)
    measured = by_key(orders["key"], unit.isin(MEASURED_UNITS).groupby(lines["key"]).all()).eq(True)
    default = pd.Series(np.where(counted, 0.0, np.where(measured, BULK_TOLERANCE_PCT, np.nan)), orders.index)
    return orders["tolerance_pct"].fillna(default)


@rule(
    "lc-quantity-over",
    "lc-quantity-short",
    needs=(
        *LC,
        *LINES,
        *REGISTER,
        "Orders.tolerance_pct",
        "Lines.unit",
        "Lines.quantity",
        "Documents.quantity",
    ),
)
def quantity(book: Book, ctx: Context) -> Iterator[Finding]:
    """Invoiced quantity within ordered ± t (UCP 600 art. 30); short only once shipped."""
    ci = invoices(book)
    if ci is None:
        return
    orders = trusted(book, lc_orders(book), "tolerance_pct")
    orders = orders.loc[orders["key"].isin(ci["key"])]
    lines = child_rows(book, "Lines")
    t = quantity_tolerance(lines, orders)
    ordered = summed(lines, orders["key"], "quantity")
    invoiced = summed(ci, orders["key"], "quantity")
    over = above(invoiced, ordered * (1 + t / 100))
    short = orders["status"].isin(SHIPPED_STATUSES) & above(ordered * (1 - t / 100), invoiced)
    for code, mask in (("lc-quantity-over", over), ("lc-quantity-short", short)):
        hit = hits(orders, mask)
        yield from at_rows(
            code, book.sheets["Orders"], hit, None,
            value=[number(q) for q in invoiced[hit.index]], t=[number(p) for p in t[hit.index]],
        )  # fmt: skip


@rule("lc-partial-shipment", needs=(*LC, *SHIPMENTS, "Shipments.vessel", "Shipments.etd", "Shipments.atd"))
def partial_shipment(book: Book, ctx: Context) -> Iterator[Finding]:
    """Shipments on more than one Vessel/Flight + ETD are a partial shipment (art. 31)."""
    orders = lc_orders(book)
    ships = child_rows(book, "Shipments")
    ships = ships.loc[ships["key"].isin(orders["key"])]
    vessel = (
        ships["vessel"]
        .astype(object)
        .map(lambda v: " ".join(v.casefold().split()) if isinstance(v, str) else "")
    )
    departure = ships["etd"].fillna(ships["atd"]).dt.normalize()
    voyages = pd.DataFrame({"key": ships["key"], "vessel": vessel, "etd": departure}).drop_duplicates()
    several = by_key(orders["key"], voyages.groupby("key").size()) > 1
    yield from at_rows("lc-partial-shipment", book.sheets["Orders"], hits(orders, several), None)
