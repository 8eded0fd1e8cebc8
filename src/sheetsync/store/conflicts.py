"""Orders that two books disagree on: the same (Buyer, Order No) with different values.

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

from sheetsync.contract import ORDERS
from sheetsync.findings import Finding, finding
from sheetsync.store import schema as s
from sheetsync.store.extract import ORDER_AMOUNT


@dataclass(frozen=True)
class Conflict:
    """One finding about one book's order row; `path` is that book."""

    path: Path
    finding: Finding


def order_conflicts(conn: sa.Connection, book_ids: Collection[int] | None = None) -> list[Conflict]:
    """sync-conflict findings for every order held by 2+ books with different values.

    With `book_ids`, only conflicts that involve one of those books.
    """
    r, b = s.records.c, s.books.c
    disagree = (
        sa.select(r.buyer_key, r.order_key)
        .where(r.kind == "orders", r.order_key != "")
        .group_by(r.buyer_key, r.order_key)
        .having(sa.func.count(sa.distinct(r.book_id)) > 1, sa.func.count(sa.distinct(r.digest)) > 1)
        .subquery()
    )
    query = (
        sa.select(r.book_id, b.path, r.buyer_key, r.order_key, r.sheet, r.excel_row, r.data)
        .join(s.books, b.id == r.book_id)
        .join(disagree, sa.and_(disagree.c.buyer_key == r.buyer_key, disagree.c.order_key == r.order_key))
        .where(r.kind == "orders")
        .order_by(r.buyer_key, r.order_key, b.path, r.excel_row)
    )
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in conn.execute(query):
        groups.setdefault((row.buyer_key, row.order_key), []).append(row)
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
                        found.append(Conflict(Path(row.path), _finding(row, key, mine, theirs, other.path)))
    return found


def _finding(
    row: Any,
    key: str,
    mine: dict[str, str | None],
    theirs: dict[str, str | None],
    other: str,
) -> Finding:
    header = ORDERS.by_key[key].header if key in ORDERS.by_key else key
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


__all__ = ["Conflict", "order_conflicts"]
