"""What changed on an order between syncs, and the first Plan each order committed to.

An order is (normalised Buyer, Order No); `--buyer` settles an Order No two buyers share.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from sheetsync.contract import SHEETS
from sheetsync.rules.parties import normalise_party
from sheetsync.store import schema as s
from sheetsync.store.extract import ORDER_AMOUNT, SHEET_OF_KIND
from sheetsync.store.load import ROW

COMMIT_PLANS = ("cargo_ready_plan", "etd_plan", "eta_plan")  # the plans a delivery is judged against


class AmbiguousOrder(Exception):
    """Several buyers use this Order No: name one with --buyer."""

    def __init__(self, order_no: str, buyers: list[str]) -> None:
        super().__init__(f"Order {order_no} belongs to {len(buyers)} buyers ({', '.join(buyers)}): name one.")
        self.buyers = buyers


@dataclass(frozen=True)
class Change:
    """One field of one row changed (or the row added/removed) in one sync."""

    changed_at: dt.datetime
    book: str
    sheet: str
    row: int
    what: str  # "Order", "Line 2", "Shipment SH-1"...
    field: str  # the column header, or "(row)"
    old: str | None
    new: str | None


def order_key(order_no: str) -> str:
    return order_no.strip().lower()


def buyers_of(conn: sa.Connection, order_no: str) -> list[str]:
    """The buyers (as written) of every stored order with this Order No."""
    r = s.records.c
    query = sa.select(r.buyer_key, r.data).where(r.kind == "orders", r.order_key == order_key(order_no))
    found: dict[str, str] = {}
    for row in conn.execute(query):
        found.setdefault(row.buyer_key, json.loads(row.data).get("buyer") or "(blank)")
    history = sa.select(s.changes.c.buyer_key).where(s.changes.c.order_key == order_key(order_no)).distinct()
    for key in conn.execute(history).scalars():
        found.setdefault(key, key)
    return sorted(found.values())


def order_history(conn: sa.Connection, order_no: str, buyer: str | None = None) -> list[Change]:
    """Every change to the order's rows (Orders, Lines, Shipments, Documents), oldest first."""
    c = s.changes.c
    where = [c.order_key == order_key(order_no)]
    if buyer is not None:
        where.append(c.buyer_key == normalise_party(buyer))
    else:
        buyers = set(conn.execute(sa.select(c.buyer_key).where(*where).distinct()).scalars())
        if len(buyers) > 1:
            raise AmbiguousOrder(order_no, buyers_of(conn, order_no))
    query = (
        sa.select(
            c.changed_at, s.books.c.path, c.sheet, c.excel_row, c.kind, c.row_key, c.field, c.old, c.new
        )
        .join(s.books, s.books.c.id == c.book_id)
        .where(*where)
        .order_by(c.changed_at, c.id)
    )
    return [_change(row) for row in conn.execute(query)]


def _change(row: Any) -> Change:
    sheet = SHEETS[SHEET_OF_KIND[row.kind]]
    header = sheet.by_key[row.field].header if row.field in sheet.by_key else row.field
    header = "Order Amount (lines)" if row.field == ORDER_AMOUNT else header
    own = row.row_key.split("|", 1)[1] if row.kind == "lines" and "|" in row.row_key else row.row_key
    what = {
        "orders": "Order",
        "lines": f"Line {own}",
        "shipments": f"Shipment {own}",
        "documents": f"Document {own}",
    }[row.kind]
    old = "(row)" if row.field == ROW and row.new == "removed" else row.old
    at = row.changed_at if row.changed_at.tzinfo else row.changed_at.replace(tzinfo=dt.UTC)
    return Change(at, row.path, row.sheet, row.excel_row, what, header, old, row.new)


def first_plans(conn: sa.Connection) -> dict[tuple[str, str], tuple[str | None, dict[str, dt.date]]]:
    """(buyer key, order key) -> (Incoterm, {plan key: the first Plan recorded}) for every stored order.

    The first Plan is the value before the order's earliest change of that Plan, else its
    current value; across books, the earliest recorded wins.
    """
    r, c = s.records.c, s.changes.c
    current: dict[tuple[str, str], tuple[str | None, dict[str, dt.date]]] = {}
    for row in conn.execute(sa.select(r.buyer_key, r.order_key, r.data).where(r.kind == "orders")):
        data = json.loads(row.data)
        plans = {k: dt.date.fromisoformat(data[k]) for k in COMMIT_PLANS if data.get(k)}
        current.setdefault((row.buyer_key, row.order_key), (data.get("incoterm"), plans))
    query = (
        sa.select(c.buyer_key, c.order_key, c.field, c.old, c.new)
        .where(c.kind == "orders", c.field.in_(COMMIT_PLANS))
        .order_by(c.changed_at, c.id)
    )
    seen: set[tuple[str, str, str]] = set()
    for change in conn.execute(query):
        key = (change.buyer_key, change.order_key)
        if key not in current or (*key, change.field) in seen:
            continue
        if change.old is None:
            continue  # a Plan set for the first time: its first value is the current or a later one
        seen.add((*key, change.field))
        current[key][1][change.field] = dt.date.fromisoformat(change.old)
    return current


def history_rows(changes: Iterable[Change]) -> list[dict[str, object]]:
    return [
        {
            "changed_at": ch.changed_at.isoformat(timespec="seconds"),
            "book": ch.book,
            "sheet": ch.sheet,
            "row": ch.row,
            "what": ch.what,
            "field": ch.field,
            "old": ch.old,
            "new": ch.new,
        }
        for ch in changes
    ]


__all__ = [
    "COMMIT_PLANS",
    "AmbiguousOrder",
    "Change",
    "buyers_of",
    "first_plans",
    "history_rows",
    "order_history",
]
