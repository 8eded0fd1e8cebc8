"""Order-level helpers shared by the calc, ship, trade and L/C rules.

Sheets are joined on Order No the way schema-duplicate-key compares keys (trimmed, ignoring
case), through integer keys built once per book; the first row of a repeated Order No stands
for the order. Cancelled orders are out of
scope (RULES.md §1). Everything here is vectorised: a rule loops only over failing rows.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.book import Book, SheetData
from sheetsync.contract.codelists import LC_PAYMENT_TERMS, ZERO_DECIMAL_CURRENCIES
from sheetsync.findings import Finding
from sheetsync.rules.emit import findings_for

CANCELLED = "Cancelled"
SHIPPED_STATUSES = frozenset({"Shipped", "Closed"})


def order_keys(order_no: pd.Series) -> pd.Series:
    """Join keys for an Order No column: trimmed and lower-cased (Arrow strings), null when blank."""
    keys = order_no.astype("str").str.strip().str.lower()
    return keys.where(keys != "")


@dataclass(frozen=True)
class OrderIndex:
    """Every sheet's rows tied to their order by an integer `key`; built once per book.

    The frames are shared by all rules of the run: read them, never change them in place.
    """

    orders: pd.DataFrame  # the Orders row standing for each order (first of its key)
    live: pd.DataFrame  # orders not Cancelled
    lc: pd.DataFrame  # live orders paid by letter of credit
    children: dict[str, pd.DataFrame]  # sheet -> rows not of a Cancelled order; key -1 = unknown


_INDEXES: dict[int, tuple[tuple[int, ...], OrderIndex]] = {}
CHILD_SHEETS = ("Lines", "Shipments", "Documents")
# What a rule built on the OrderIndex needs (engine `needs`): orders by number, and their Status
# (Cancelled orders are out of scope); a child sheet joins only through its own Order No.
INDEXED = ("Orders.order_no", "Orders.status")
LINES = ("Lines.order_no",)
SHIPMENTS = ("Shipments.order_no",)
DOCUMENTS = ("Documents.order_no",)


def order_index(book: Book) -> OrderIndex:
    """The book's OrderIndex, cached while the book and its frames are the same objects."""
    stamp = tuple(id(sd.frame) for sd in book.sheets.values())
    cached = _INDEXES.get(id(book))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if cached is None:
        weakref.finalize(book, _INDEXES.pop, id(book), None)
    built = _build_index(book)
    _INDEXES[id(book)] = (stamp, built)
    return built


def _build_index(book: Book) -> OrderIndex:
    names = ["Orders"] + [
        name for name in CHILD_SHEETS if (sd := book.get(name)) is not None and sd.has("order_no")
    ]
    frames = [book.sheets[name].frame for name in names]
    parts = [order_keys(frame["order_no"]) for frame in frames]
    codes, uniques = pd.factorize(pd.concat(parts, ignore_index=True))
    bounds = np.cumsum([0, *(len(p) for p in parts)])
    order_codes = codes[: bounds[1]]
    first = (order_codes >= 0) & ~pd.Series(order_codes).duplicated().to_numpy()
    key_of_code = np.full(len(uniques) + 1, -1)  # code -1 (a blank Order No) reads the last: -1
    key_of_code[order_codes[first]] = np.arange(int(first.sum()))
    orders = frames[0].loc[first].assign(key=np.arange(int(first.sum())))
    cancelled = (orders["status"] == CANCELLED).to_numpy(dtype=bool, na_value=False)
    children = {}
    for i, name in enumerate(names[1:], start=1):
        child_codes = codes[bounds[i] : bounds[i + 1]]
        keys = key_of_code[child_codes]
        linked = keys >= 0
        keep = np.ones(len(keys), dtype=bool)
        keep[linked] = ~cancelled[keys[linked]]
        children[name] = frames[i].loc[keep].assign(key=keys[keep])
    live = orders.loc[~cancelled]
    return OrderIndex(orders, live, live.loc[live["payment_terms"].isin(LC_PAYMENT_TERMS)], children)


def live_orders(book: Book) -> pd.DataFrame:
    """Orders in scope of the calc/ship/trade/lc rules: not Cancelled."""
    return order_index(book).live


def lc_orders(book: Book) -> pd.DataFrame:
    """Live orders paid by letter of credit: the scope of every lc-* rule."""
    return order_index(book).lc


def child_rows(book: Book, sheet: str) -> pd.DataFrame:
    """Rows of Lines/Shipments/Documents whose order is not Cancelled, with their order `key`."""
    return order_index(book).children[sheet]


def by_key(keys: pd.Series, per_key: pd.Series) -> pd.Series:
    """`per_key[k]` for each key k in `keys`, null for keys it lacks; keeps the index of `keys`.

    (`Series.map` with an empty datetime mapper fails in pandas 3.1, hence reindex.)
    """
    return per_key.reindex(keys.to_numpy()).set_axis(keys.index)


def lookup(orders: pd.DataFrame, keys: pd.Series, column: str) -> pd.Series:
    """The orders' `column` for each key in `keys` (null for unknown orders)."""
    return by_key(keys, orders.set_index("key")[column])


def bad_mask(sd: SheetData, key: str, index: pd.Index | None = None) -> np.ndarray[Any, Any]:
    """True for rows whose `key` cell failed schema-type (they must not cause findings)."""
    rows = {row for row, k in sd.bad_cells if k == key}
    return np.asarray((sd.frame.index if index is None else index).isin(rows), dtype=bool)


def complete(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per key: True when every row of the key has a value in `column` (sums are trustworthy)."""
    return frame[column].notna().groupby(frame["key"]).all()


def amount_tolerance(book: Book, currency: pd.Series) -> pd.Series:
    """Settings Amount Tolerance, else one minor unit of each row's currency."""
    if book.settings.amount_tolerance is not None:
        return pd.Series(float(book.settings.amount_tolerance), index=currency.index)
    return pd.Series(np.where(currency.isin(ZERO_DECIMAL_CURRENCIES), 1.0, 0.01), index=currency.index)


def above(value: pd.Series, limit: pd.Series | float) -> pd.Series:
    """value > limit, ignoring float noise of the order of the values (nulls give False)."""
    slack = 1e-9 * np.maximum(1.0, np.abs(limit))
    return (value - limit) > slack


def money(value: Any, currency: object) -> str:
    """`USD 4,200.00`; no decimals for zero-decimal currencies such as JPY."""
    code = currency if isinstance(currency, str) else ""
    places = 0 if code in ZERO_DECIMAL_CURRENCIES else 2
    return f"{code} {float(value):,.{places}f}".strip()


def number(value: Any) -> str:
    """A quantity or weight as people write it: `1,234.5`, `50`."""
    return f"{float(value):,.3f}".rstrip("0").rstrip(".")


def day(value: object) -> str:
    """A date cell as ISO text."""
    return pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]


def text(value: object) -> str | None:
    """A cell value for `Finding.order` / `Finding.value`: None for blanks."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


Field = pd.Series | Sequence[object] | str


def at_rows(
    code: str, sd: SheetData, hit: pd.DataFrame, key: str | None, value: Field | None = None, **fields: Field
) -> list[Finding]:
    """One finding per row of `hit` on its `key` cell; `value` defaults to that cell's value.

    `value` and `fields` are Series aligned with `hit`, lists in its order, or one text for all.
    """

    def column(field: Field | None) -> list[object]:
        if isinstance(field, pd.Series):
            return list(field.reindex(hit.index).tolist())
        if isinstance(field, str) or field is None:
            return [field] * len(hit)
        return list(field)

    values = column(hit[key] if value is None and key else value)
    filled: dict[str, Any] = {name: column(field) for name, field in fields.items()}
    orders = [text(order_no) for order_no in hit["order_no"].tolist()]
    return findings_for(code, sd, hit.index.tolist(), key, orders, [text(v) for v in values], **filled)


def hits(frame: pd.DataFrame, mask: pd.Series | np.ndarray[Any, Any]) -> pd.DataFrame:
    """The rows of `frame` where `mask` (aligned with it) holds; nulls count as False."""
    if isinstance(mask, pd.Series):
        mask = mask.reindex(frame.index).to_numpy(dtype=bool, na_value=False)
    return frame.loc[np.asarray(mask, dtype=bool)]
