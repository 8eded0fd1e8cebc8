"""Rows that two books disagree on: the same order (Buyer, Order No), line (Buyer, Order No, Line)
or shipment (Buyer, Order No, Shipment No) held with different values.

Computed from the stored rows whenever asked (sync, report), so a conflict shows for as long as
the books disagree and disappears once they agree; never resolved by sheetsync.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from sheetsync.contract import LINES, ORDERS, SHIPMENTS
from sheetsync.findings import Finding, finding
from sheetsync.store import schema as s
from sheetsync.store.extract import ORDER_AMOUNT


@dataclass(frozen=True)
class Conflict:
    """One finding about one book's order row; `path` is that book."""

    path: Path
    finding: Finding


CONTRACT_OF = {"orders": ORDERS, "lines": LINES, "shipments": SHIPMENTS}


def row_conflicts(conn: sa.Connection, book_ids: Collection[int] | None = None) -> list[Conflict]:
    """sync-conflict findings for every order, line and shipment held by 2+ books with different
    values, on each book's row, one per field that differs.

    With `book_ids`, only conflicts that involve one of those books. A row whose key was blank or
    repeated in its book (kept as `key@row`) is matched with nothing.
    """
    found: list[Conflict] = []
    for kind in CONTRACT_OF:
        found += _conflicts(conn, kind, book_ids)
    return found


def _conflicts(conn: sa.Connection, kind: str, book_ids: Collection[int] | None) -> list[Conflict]:
    r, b = s.records.c, s.books.c
    keys = [r.buyer_key, r.order_key] + ([] if kind == "orders" else [r.row_key])
    where = [r.kind == kind, r.order_key != ""]
    if kind != "orders":
        where.append(sa.not_(r.row_key.contains("@", autoescape=True)))
    # Only orders two books hold can disagree (a line or shipment is keyed by its order), and with
    # `book_ids` only orders one of those books holds: the store is not scanned whole each sync.
    scope = sa.select(r.buyer_key, r.order_key).where(r.kind == "orders", r.order_key != "")
    if book_ids is not None:
        mine = s.records.alias("mine")
        ours = (
            sa.select(mine.c.buyer_key, mine.c.order_key)
            .where(mine.c.kind == "orders", mine.c.book_id.in_(sorted(book_ids)), mine.c.order_key != "")
            .distinct()
            .subquery()
        )
        scope = scope.join(ours, sa.and_(ours.c.buyer_key == r.buyer_key, ours.c.order_key == r.order_key))
    shared = scope.group_by(r.buyer_key, r.order_key).having(sa.func.count(sa.distinct(r.book_id)) > 1)
    held = shared.subquery()
    candidates = (
        sa.select(*keys)
        .where(*where)
        .join(held, sa.and_(held.c.buyer_key == r.buyer_key, held.c.order_key == r.order_key))
    )
    disagree = (
        candidates.group_by(*keys)
        .having(sa.func.count(sa.distinct(r.book_id)) > 1, sa.func.count(sa.distinct(r.digest)) > 1)
        .subquery()
    )
    query = (
        sa.select(r.book_id, b.path, r.buyer_key, r.order_key, r.row_key, r.sheet, r.excel_row, r.data)
        .join(s.books, b.id == r.book_id)
        .join(disagree, sa.and_(*(disagree.c[k.name] == k for k in keys)))
        .where(*where)
        .order_by(*keys, b.path, r.excel_row)
    )
    groups: dict[tuple[str, ...], list[Any]] = {}
    for row in conn.execute(query):
        groups.setdefault(tuple(getattr(row, k.name) for k in keys), []).append(row)
    found: list[Conflict] = []
    for rows in groups.values():
        if book_ids is not None and not any(row.book_id in book_ids for row in rows):
            continue
        values = [json.loads(row.data) for row in rows]
        for i, (row, mine) in enumerate(zip(rows, values, strict=True)):
            for j, (other, theirs) in enumerate(zip(rows, values, strict=True)):
                if i == j or other.book_id == row.book_id:
                    continue
                for key in sorted(mine.keys() | theirs.keys()):
                    if mine.get(key) != theirs.get(key):
                        conflict = _finding(kind, row, key, mine, theirs, other.path)
                        found.append(Conflict(Path(row.path), conflict))
    return found


def _finding(
    kind: str,
    row: Any,
    key: str,
    mine: dict[str, str | None],
    theirs: dict[str, str | None],
    other: str,
) -> Finding:
    contract = CONTRACT_OF[kind]
    header = contract.by_key[key].header if key in contract.by_key else key
    header = "Order Amount (lines)" if key == ORDER_AMOUNT else header
    here, there = mine.get(key) or "(blank)", theirs.get(key) or "(blank)"
    return finding(
        "sync-conflict",
        row.sheet,
        row.excel_row,
        header,
        None,
        mine.get("order_no"),
        here,
        field=header,
        here=here,
        there=there,
        other=Path(other).name,
    )


__all__ = ["Conflict", "row_conflicts"]
