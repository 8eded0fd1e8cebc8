"""A book read and judged -> the rows the store keeps: canonical text values, keys, digests, money.

Runs in the isolated child that read the book (see `sheetsync.actions.sync`), so it is built
column by column: each value becomes canonical text once (dates ISO, numbers in their shortest
form), each row one JSON object (contract key -> text), digested with BLAKE2b. An order is
identified by (normalised Buyer, Order No); lines, shipments and documents take the buyer of
their order in the same book. Money is integer minor units, rounded half-up from the cell's
shortest decimal text, never through a float sum.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from json.encoder import encode_basestring
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.book import Book, Rate, SheetData
from sheetsync.contract.codelists import ZERO_DECIMAL_CURRENCIES
from sheetsync.contract.model import Kind
from sheetsync.findings import Finding, finding
from sheetsync.rules.orderdata import order_keys
from sheetsync.rules.parties import normalise_party

ORDER_AMOUNT = "order_amount"  # an order's total over its lines, kept with its values
KINDS = ("orders", "lines", "shipments", "documents")
SHEET_OF_KIND = {"orders": "Orders", "lines": "Lines", "shipments": "Shipments", "documents": "Documents"}
THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
COLUMNS = (
    "row_key",
    "buyer_key",
    "order_key",
    "sheet",
    "excel_row",
    "digest",
    "currency",
    "amount_minor",
    "data",
)
Row = tuple[str, str, str, str, int, str, str | None, int | None, str]  # in COLUMNS order


def minor_exponent(currency: str | None) -> int:
    """Digits after the point in `currency`'s minor unit (ISO 4217): JPY 0, USD 2, KWD 3."""
    if currency in ZERO_DECIMAL_CURRENCIES:
        return 0
    return 3 if currency in THREE_DECIMAL_CURRENCIES else 2


def to_minor(amount: float, currency: str | None) -> int:
    """A float cell's amount in integer minor units, read through its shortest decimal text."""
    exponent = minor_exponent(currency)
    return int(Decimal(repr(float(amount))).scaleb(exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(minor: int, currency: str | None) -> Decimal:
    return Decimal(minor).scaleb(-minor_exponent(currency))


@dataclass
class Extract:
    """What the store keeps of one book (rows in `COLUMNS` order, by kind) and what sync found."""

    rows: dict[str, list[Row]]
    rates: list[Rate]
    base_currency: str
    findings: list[Finding] = field(default_factory=list)


def _json_texts(sd: SheetData) -> list[list[str]]:
    """Per contract column, each row's `"key":"text"` JSON member ("" when blank, left out).

    Each distinct value is formatted once (`pd.factorize`): a column holds far fewer distinct
    values than rows.
    """
    members: list[list[str]] = []
    for column in sd.contract.columns:
        codes, uniques = pd.factorize(sd.frame[column.key])
        head = encode_basestring(column.key) + ":"
        texts = [head + encode_basestring(_canonical(column.kind, u)) for u in uniques] + [""]
        members.append(np.array(texts, dtype=object)[codes].tolist())
    return members


def _canonical(kind: Kind, value: Any) -> str:
    """One cell's canonical text: dates ISO, numbers in their shortest decimal form, text as is."""
    if kind is Kind.DATE:
        return str(pd.Timestamp(value).date().isoformat())
    if kind is Kind.TIMESTAMP:
        return str(pd.Timestamp(value).isoformat())
    if kind in (Kind.DECIMAL, Kind.INT):
        text = repr(float(value))
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def _rows(sd: SheetData, row_key: list[str], order_key: list[str], buyer: list[str],
          money: tuple[list[str | None], list[int | None]] | None = None,
          extra: list[str] | None = None) -> list[Row]:  # fmt: skip
    """The store's rows of one sheet: keys, source location, digest, money, JSON values."""
    members = _json_texts(sd)
    if extra is not None:
        members.append(extra)
    data = (
        ["{" + ",".join(filter(None, parts)) + "}" for parts in zip(*members, strict=True)] if members else []
    )
    digests = [hashlib.blake2b(d.encode(), digest_size=12).hexdigest() for d in data]
    rows = sd.frame.index.to_numpy(dtype=np.int64).tolist()
    currency, amount = money if money is not None else ([None] * len(rows), [None] * len(rows))
    return list(zip(_unique(row_key, rows), buyer, order_key, [sd.name] * len(rows), rows, digests,
                    currency, amount, data, strict=True))  # fmt: skip


def _unique(keys: list[str], rows: list[int]) -> list[str]:
    """Row keys, a repeat or a blank one made unique by its Excel row (`key@row`)."""
    seen: set[str] = set()
    out = []
    for key, row in zip(keys, rows, strict=True):
        out.append(key if key and key not in seen else f"{key}@{row}")
        seen.add(key)
    return out


def _texts(series: pd.Series) -> list[str]:
    return ["" if v is None or v != v else str(v) for v in series.to_numpy(dtype=object)]


def extract(book: Book) -> Extract:
    """The store's rows of a book already judged (its codes normalised by `check_book`)."""
    orders = book.sheets["Orders"]
    okeys = _texts(order_keys(orders.frame["order_no"]))
    buyers = [normalise_party(b) if b else "" for b in _texts(orders.frame["buyer"])]
    currencies = [c or None for c in _texts(orders.frame["currency"])]
    buyer_of: dict[str, str] = {}
    currency_of: dict[str, str | None] = {}
    for key, buyer, currency in zip(okeys, buyers, currencies, strict=True):
        if key and key not in buyer_of:
            buyer_of[key], currency_of[key] = buyer, currency
    rows: dict[str, list[Row]] = {}
    totals: dict[str, int] = {}
    for kind in ("lines", "shipments", "documents"):
        sd = book.get(SHEET_OF_KIND[kind])
        if sd is None:
            continue
        keys = _texts(order_keys(sd.frame["order_no"]))
        own = {"lines": "line", "shipments": "shipment_no", "documents": "doc_no"}[kind]
        if kind == "lines":
            lines = ["" if n != n else _canonical(Kind.INT, n) for n in sd.frame["line"].tolist()]
            row_key = [f"{k}|{n}" for k, n in zip(keys, lines, strict=True)]
            money = _line_money(sd, [currency_of.get(k) for k in keys])
            for key, minor in zip(keys, money[1], strict=True):
                if key and minor is not None:
                    totals[key] = totals.get(key, 0) + minor
        else:
            row_key, money = _texts(order_keys(sd.frame[own])), None
        rows[kind] = _rows(sd, row_key, keys, [buyer_of.get(k, "") for k in keys], money)
    amounts = [totals.get(k) if k else None for k in okeys]
    amount_text = [
        "" if a is None else f'"{ORDER_AMOUNT}":"{from_minor(a, c)}"'
        for a, c in zip(amounts, currencies, strict=True)
    ]
    rows["orders"] = _rows(orders, okeys, okeys, buyers, (currencies, amounts), amount_text)
    found = _missing_rates(book, orders)
    return Extract({k: rows[k] for k in KINDS if k in rows}, list(book.rates),
                   book.settings.base_currency.strip().upper(), found)  # fmt: skip


def _line_money(sd: SheetData, currency: list[str | None]) -> tuple[list[str | None], list[int | None]]:
    """Each line's amount (Amount, else Quantity x Unit Price) in its order's minor units.

    Scaled and rounded in bulk; a value within a hair of a half (where a float could round the
    wrong way) is rounded again through its decimal text.
    """
    amount = sd.frame["amount"].fillna(sd.frame["quantity"] * sd.frame["unit_price"]).to_numpy(dtype=float)
    exponent = np.array([minor_exponent(c) for c in currency], dtype=float)
    scaled = amount * 10.0**exponent
    rounded = np.floor(scaled + 0.5)
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    minor: list[int | None] = []
    for a, r, half, c in zip(amount, rounded, near_half, currency, strict=True):
        if c is None or a != a:
            minor.append(None)
        else:
            minor.append(to_minor(a, c) if half else int(r))
    return currency, minor


def _missing_rates(book: Book, orders: SheetData) -> list[Finding]:
    """fx-rate-missing on each order whose currency has no rate to the Base Currency."""
    base = book.settings.base_currency.strip().upper()
    if not base:
        return []
    known = {r.currency for r in book.rates} | {base}
    currency = orders.frame["currency"]
    missing = currency.notna() & ~currency.isin(known)
    return [
        finding("fx-rate-missing", orders.name, int(row), orders.header("currency"),
                orders.cell(int(row), "currency"), order, value, base=base)
        for row, value, order in zip(currency.index[missing], currency[missing],
                                     orders.frame["order_no"][missing], strict=True)
    ]  # fmt: skip


__all__ = ["COLUMNS", "KINDS", "ORDER_AMOUNT", "SHEET_OF_KIND", "Extract", "Row", "extract", "from_minor",
           "minor_exponent", "to_minor"]  # fmt: skip
