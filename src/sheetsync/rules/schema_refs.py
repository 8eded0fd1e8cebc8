"""Keys and references between sheets (RULES.md §2): duplicates, unknown refs, orders without lines.

Keys are trimmed and compared ignoring case (a numeric Order No 1001 arrives as "1001").
Vectorised: Python loops only over the failing rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from sheetsync.book import Book, SheetData
from sheetsync.findings import Finding, finding
from sheetsync.rules.engine import Context, rule

CANCELLED = "Cancelled"
# Sheet -> the columns of its key; the finding goes on the last one.
KEYS: dict[str, tuple[str, ...]] = {
    "Orders": ("order_no",),
    "Lines": ("order_no", "line"),
    "Shipments": ("shipment_no",),
    "Documents": ("doc_no",),
}
# (sheet, column) -> the sheet whose key it refers to.
REFS: tuple[tuple[str, str, str], ...] = (
    ("Lines", "order_no", "Orders"),
    ("Lines", "shipment_no", "Shipments"),
    ("Shipments", "order_no", "Orders"),
    ("Documents", "order_no", "Orders"),
    ("Documents", "shipment_no", "Shipments"),
)


def key_text(values: pd.Series) -> pd.Series:
    """Compare form of a key column: trimmed, casefolded text; numbers as `1`, not `1.0`.

    Blank keys are null. Vectorised for text; numbers (the Line column) go one by one.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.map(lambda v: f"{v:g}", na_action="ignore").astype(object)
    text = values.str.strip().str.casefold()
    # object dtype: its `isin` hashes; the Arrow string `isin` is slow on large lists.
    return text.where(text.notna() & text.ne(""), None).astype(object)


def sheet_keys(sheet: SheetData, columns: tuple[str, ...]) -> pd.Series:
    """The key of every row (null when any part is blank), as one string per row."""
    parts = [key_text(sheet.frame[c]) for c in columns]
    complete = pd.concat(parts, axis=1).notna().all(axis=1)
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined + "\x1f" + part.fillna("")
    return joined.where(complete, None)


def _order_of(sheet: SheetData, row: int) -> str | None:
    if "order_no" not in sheet.frame:
        return None
    value = sheet.frame.at[row, "order_no"]
    return value if isinstance(value, str) else None


def _at(sheet: SheetData, code: str, row: int, key: str, value: object = None, **fields: Any) -> Finding:
    return finding(code, sheet.name, row, sheet.header(key), sheet.cell(row, key),
                   order=_order_of(sheet, row), value=value, **fields)  # fmt: skip


@rule("schema-duplicate-key", needs=())
def duplicate_keys(book: Book, ctx: Context) -> Iterable[Finding]:
    """A key used again: the 2nd and later rows, naming the first."""
    for name, columns in KEYS.items():
        sheet = book.get(name)
        if sheet is None:
            continue
        key = sheet_keys(sheet, columns).dropna()
        repeated = key.duplicated(keep="first")
        if not repeated.any():
            continue
        first_rows = pd.Series(key[~repeated].index, index=key[~repeated].to_numpy())
        for index, value in key[repeated].items():
            row = int(index)  # type: ignore[call-overload]
            shown = sheet.frame.at[row, columns[-1]]
            yield _at(
                sheet,
                "schema-duplicate-key",
                row,
                columns[-1],
                _shown(shown),
                first_row=int(first_rows[value]),
            )


def _shown(value: object) -> object:
    return f"{value:g}" if isinstance(value, float) else value


@rule("schema-unknown-ref", needs=())
def unknown_refs(book: Book, ctx: Context) -> Iterable[Finding]:
    """An Order No or Shipment No that names no row of its sheet; a Documents.Sheet tab that is gone."""
    known: dict[str, pd.Index] = {}
    for name, column, target in REFS:
        sheet, referred = book.get(name), book.get(target)
        if sheet is None or referred is None or not sheet.has(column):
            continue
        if target not in known:
            known[target] = pd.Index(sheet_keys(referred, KEYS[target][:1]).dropna().unique())
        yield from _unknown(sheet, column, known[target])
    documents = book.get("Documents")
    if documents is not None and documents.has("sheet"):
        tabs = pd.Index([tab.strip().casefold() for tab in book.sheet_names])
        yield from _unknown(documents, "sheet", tabs)


def _unknown(sheet: SheetData, column: str, known: pd.Index) -> Iterator[Finding]:
    keys = key_text(sheet.frame[column])
    missing = keys.notna() & ~keys.isin(known)
    for row in keys.index[missing]:
        value = _shown(sheet.frame.at[row, column])
        yield _at(sheet, "schema-unknown-ref", int(row), column, value)


@rule("schema-order-no-lines", needs=("Orders", "Lines"))
def orders_without_lines(book: Book, ctx: Context) -> Iterable[Finding]:
    """A live (not Cancelled) order with no Lines rows."""
    orders = book.sheets["Orders"]
    keys = key_text(orders.frame["order_no"])
    with_lines = pd.Index(key_text(book.sheets["Lines"].frame["order_no"]).dropna().unique())
    live = orders.frame["status"].ne(CANCELLED)
    for row in keys.index[keys.notna() & live & ~keys.isin(with_lines)]:
        yield _at(orders, "schema-order-no-lines", int(row), "order_no", orders.frame.at[row, "order_no"])
