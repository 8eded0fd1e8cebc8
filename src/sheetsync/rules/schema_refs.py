"""Keys and references between sheets (RULES.md §2): duplicates, unknown refs, orders without lines.

Keys are trimmed and compared ignoring case (a numeric Order No 1001 arrives as "1001").
Vectorised: Python loops only over the failing rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.book import Book, SheetData
from sheetsync.findings import Finding
from sheetsync.rules.emit import findings_for, order_nos
from sheetsync.rules.engine import Context, add_rule, rule

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

    Blank keys are null. Vectorised; numbers other than whole ones below a million go one by one.
    """
    if pd.api.types.is_numeric_dtype(values):
        return _number_text(values)
    text = values.str.strip()
    # casefold runs in Python per cell; on ASCII it equals lower, which Arrow runs natively.
    text = text.str.lower() if text.str.isascii().all() else text.str.casefold()
    # object dtype: its `isin` hashes; the Arrow string `isin` is slow on large lists.
    return text.where(text.notna() & text.ne(""), None).astype(object)


def _number_text(values: pd.Series) -> pd.Series:
    """`f"{v:g}"` of each number, null for blanks; whole numbers below 1e6 (`:g` keeps 6 digits) in bulk."""
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    whole = (numbers == np.round(numbers)) & (np.abs(numbers) < 1e6) & ~((numbers == 0) & np.signbit(numbers))
    text = np.full(len(numbers), None, dtype=object)
    text[whole] = numbers[whole].astype(np.int64).astype(str)
    rest = ~whole & ~np.isnan(numbers)
    text[rest] = [f"{v:g}" for v in numbers[rest].tolist()]
    return pd.Series(text, index=values.index, dtype=object)


def column_keys(ctx: Context, sheet: SheetData, column: str) -> pd.Series:
    """`key_text` of one column, worked out once per run: the three rules compare the same keys."""
    name = f"key-text:{sheet.name}:{column}"
    kept = ctx.shared.get(name)
    if kept is None or kept[0] is not sheet.frame:
        kept = ctx.shared[name] = (sheet.frame, key_text(sheet.frame[column]))
    keys: pd.Series = kept[1]
    return keys


def sheet_keys(ctx: Context, sheet: SheetData, columns: tuple[str, ...]) -> pd.Series:
    """The key of every row (null when any part is blank), as one string per row."""
    parts = [column_keys(ctx, sheet, c) for c in columns]
    complete = pd.concat(parts, axis=1).notna().all(axis=1)
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined + "\x1f" + part.fillna("")
    return joined.where(complete, None)


def duplicate_keys(book: Book, ctx: Context, name: str) -> Iterable[Finding]:
    """A key of sheet `name` used again: the 2nd and later rows, naming the first."""
    columns = KEYS[name]
    sheet = book.sheets[name]
    key = sheet_keys(ctx, sheet, columns).dropna()
    repeated = key.duplicated(keep="first")
    if not repeated.any():
        return
    first_rows = pd.Series(key[~repeated].index, index=key[~repeated].to_numpy())
    again = key[repeated]
    yield from _bulk(sheet, "schema-duplicate-key", again.index.tolist(), columns[-1],
                     first_row=first_rows.loc[again.to_numpy()].tolist())  # fmt: skip


def _shown(value: object) -> object:
    return f"{value:g}" if isinstance(value, float) else value


def unknown_refs(book: Book, ctx: Context, name: str, column: str, target: str) -> Iterable[Finding]:
    """An Order No or Shipment No of sheet `name` that names no row of the `target` sheet."""
    sheet, referred = book.sheets[name], book.sheets[target]
    known = pd.Index(column_keys(ctx, referred, KEYS[target][0]).dropna().unique())
    return _unknown(column_keys(ctx, sheet, column), sheet, column, known)


@rule("schema-unknown-ref", needs=("Documents.sheet",))
def unknown_tabs(book: Book, ctx: Context) -> Iterable[Finding]:
    """A Documents.Sheet tab that is gone."""
    documents = book.sheets["Documents"]
    tabs = pd.Index([tab.strip().casefold() for tab in book.sheet_names])
    return _unknown(key_text(documents.frame["sheet"]), documents, "sheet", tabs)


def _register() -> None:
    """A duplicate-key rule per sheet and an unknown-reference rule per reference: each needs its columns."""
    for name, columns in KEYS.items():
        needs = tuple(f"{name}.{c}" for c in columns)
        add_rule(
            f"duplicate_keys: {name}", ("schema-duplicate-key",), needs, partial(duplicate_keys, name=name)
        )
    for name, column, target in REFS:
        needs = (f"{name}.{column}", f"{target}.{KEYS[target][0]}")
        fn = partial(unknown_refs, name=name, column=column, target=target)
        add_rule(f"unknown_refs: {name}.{column}", ("schema-unknown-ref",), needs, fn)


_register()


def _unknown(keys: pd.Series, sheet: SheetData, column: str, known: pd.Index) -> list[Finding]:
    missing = keys.notna() & ~keys.isin(known)
    return _bulk(sheet, "schema-unknown-ref", keys.index[missing].tolist(), column)


@rule("schema-order-no-lines", needs=("Orders.order_no", "Orders.status", "Lines.order_no"))
def orders_without_lines(book: Book, ctx: Context) -> Iterable[Finding]:
    """A live (not Cancelled) order with no Lines rows."""
    orders = book.sheets["Orders"]
    keys = column_keys(ctx, orders, "order_no")
    with_lines = pd.Index(column_keys(ctx, book.sheets["Lines"], "order_no").dropna().unique())
    live = orders.frame["status"].ne(CANCELLED)
    rows = keys.index[keys.notna() & live & ~keys.isin(with_lines)].tolist()
    return _bulk(orders, "schema-order-no-lines", rows, "order_no")


def _bulk(sheet: SheetData, code: str, rows: list[int], key: str, **fields: Any) -> list[Finding]:
    """One finding per row on its `key` cell, showing the cell as typed (numbers as `12`)."""
    shown = [_shown(value) for value in sheet.frame[key].reindex(rows).tolist()]
    return findings_for(code, sheet, rows, key, order_nos(sheet, rows), shown, **fields)
