"""`pull`: a buyer's or a coordinator's orders from the store into a fresh contract workbook.

The book is the template (tables, dropdowns, formats) filled with the stored rows, values typed
back from their canonical text. Its Settings key `Store View` says it is a view of the store, so
`sync` skips it instead of reporting every order as a conflict. An order held by several books
is taken from the book synced last.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from sheetsync.contract import SHEETS
from sheetsync.contract.model import Kind
from sheetsync.rules.parties import normalise_party
from sheetsync.store import schema as s
from sheetsync.store.extract import SHEET_OF_KIND
from sheetsync.workbook.template import build_template


def _typed(kind: str, data: dict[str, str | None]) -> dict[str, Any]:
    sheet = SHEETS[SHEET_OF_KIND[kind]]
    row: dict[str, Any] = {}
    for column in sheet.columns:
        text = data.get(column.key)
        if text is None:
            row[column.header] = None
        elif column.kind is Kind.DATE or column.kind is Kind.TIMESTAMP:
            row[column.header] = dt.datetime.fromisoformat(text)
        elif column.kind is Kind.INT:
            row[column.header] = int(float(text))
        elif column.kind is Kind.DECIMAL:
            row[column.header] = float(text)
        else:
            row[column.header] = text
    return row


def pull(
    conn: sa.Connection,
    out: Path,
    shown_store: str,
    *,
    buyer: str | None = None,
    coordinator: str | None = None,
    force: bool = False,
) -> int:
    """Write the chosen orders (by buyer or coordinator) and their rows to `out`; the number of orders."""
    if (buyer is None) == (coordinator is None):
        raise ValueError("pull needs one of buyer or coordinator")
    r, b = s.records.c, s.books.c
    query = (
        sa.select(r.book_id, r.buyer_key, r.order_key, r.data)
        .join(s.books, b.id == r.book_id)
        .where(r.kind == "orders")
        .order_by(b.synced_at.desc(), r.excel_row)
    )
    if buyer is not None:
        query = query.where(r.buyer_key == normalise_party(buyer))
    chosen: dict[tuple[str, str], int] = {}
    orders: list[dict[str, Any]] = []
    wanted = normalise_party(coordinator) if coordinator is not None else None
    for row in conn.execute(query):
        data = json.loads(row.data)
        if wanted is not None and normalise_party(data.get("coordinator") or "") != wanted:
            continue
        if (row.buyer_key, row.order_key) in chosen:
            continue
        chosen[(row.buyer_key, row.order_key)] = row.book_id
        orders.append(_typed("orders", data))
    rows: dict[str, list[dict[str, Any]]] = {"Orders": orders}
    for kind in ("lines", "shipments", "documents"):
        rows[SHEET_OF_KIND[kind]] = _children(conn, kind, chosen)
    who = f"buyer {buyer}" if buyer is not None else f"coordinator {coordinator}"
    view = f"{who}, pulled from {shown_store} on {dt.date.today().isoformat()}"
    build_template(out, rows, {"Store View": view}, force=force)
    return len(orders)


def _children(conn: sa.Connection, kind: str, chosen: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    if not chosen:
        return []
    r = s.records.c
    books = sorted(set(chosen.values()))
    query = (
        sa.select(r.book_id, r.buyer_key, r.order_key, r.data)
        .where(r.kind == kind, r.book_id.in_(books))
        .order_by(r.book_id, r.excel_row)
    )
    return [
        _typed(kind, json.loads(row.data))
        for row in conn.execute(query)
        if chosen.get((row.buyer_key, row.order_key)) == row.book_id
    ]


__all__ = ["pull"]
