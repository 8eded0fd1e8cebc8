"""A book read and judged -> the rows the store keeps: canonical text values, keys, digests, money.

Runs in the isolated child that read the book (see `sheetsync.actions.sync`), so it must be cheap
and vectorised: values become text column by column, each row one JSON object (pandas' C writer),
digested with BLAKE2b. An order is identified by (normalised Buyer, Order No); lines, shipments
and documents take the buyer of their order in the same book.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

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
COLUMNS = [
    "row_key",
    "buyer_key",
    "order_key",
    "sheet",
    "excel_row",
    "digest",
    "currency",
    "amount_minor",
    "data",
]


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
    """What the store keeps of one book (frames with `COLUMNS`, by kind) and what sync found."""

    rows: dict[str, pd.DataFrame]
    rates: list[Rate]
    base_currency: str
    findings: list[Finding] = field(default_factory=list)


def _text_values(sd: SheetData) -> pd.DataFrame:
    """Every contract column as canonical text (null when blank): dates ISO, numbers shortest."""
    out: dict[str, pd.Series] = {}
    frame = sd.frame
    for column in sd.contract.columns:
        values = frame[column.key]
        blank = values.isna().to_numpy()
        if column.kind is Kind.DATE:
            text = values.to_numpy(dtype="datetime64[D]").astype(str).astype(object)
        elif column.kind is Kind.TIMESTAMP:
            text = values.to_numpy(dtype="datetime64[s]").astype(str).astype(object)
        elif column.kind in (Kind.DECIMAL, Kind.INT):
            as_text = values.astype(float).astype(str)
            text = as_text.str.removesuffix(".0").to_numpy(dtype=object)
        else:
            text = values.to_numpy(dtype=object)
        text[blank] = None
        out[column.key] = pd.Series(text, index=frame.index, dtype=object)
    return pd.DataFrame(out, index=frame.index)


def _json_and_digest(values: pd.DataFrame) -> tuple[list[str], list[str]]:
    if values.empty:
        return [], []
    lines = values.to_json(orient="records", lines=True, force_ascii=False).rstrip("\n").split("\n")
    return lines, [hashlib.blake2b(line.encode(), digest_size=12).hexdigest() for line in lines]


def _unique_keys(keys: pd.Series) -> pd.Series:
    """Row keys, a repeat or a blank one made unique by its Excel row (`key@row`)."""
    rows = keys.index.astype(str)
    bad = keys.isna() | keys.duplicated()
    return keys.fillna("").where(~bad, keys.fillna("") + "@" + rows)


def _frame(
    kind: str, sd: SheetData, row_key: pd.Series, order_key: pd.Series, buyer: pd.Series
) -> pd.DataFrame:
    data, digest = _json_and_digest(_text_values(sd))
    return pd.DataFrame(
        {
            "row_key": _unique_keys(row_key).to_numpy(dtype=object),
            "buyer_key": buyer.fillna("").to_numpy(dtype=object),
            "order_key": order_key.fillna("").to_numpy(dtype=object),
            "sheet": sd.name,
            "excel_row": sd.frame.index.to_numpy(dtype=np.int64),
            "digest": digest,
            "currency": None,
            "amount_minor": None,
            "data": data,
        },
        columns=COLUMNS,
    ).astype({"currency": object, "amount_minor": object})


def extract(book: Book) -> Extract:
    """The store's rows of a book already judged (its codes normalised by `check_book`)."""
    orders = book.sheets["Orders"]
    okeys = order_keys(orders.frame["order_no"])
    buyers = orders.frame["buyer"].map(lambda b: normalise_party(b) if isinstance(b, str) else "")
    first = ~okeys.duplicated() & okeys.notna()
    buyer_of = dict(zip(okeys[first], buyers[first], strict=True))
    currency_of = dict(zip(okeys[first], orders.frame["currency"][first], strict=True))
    rows = {"orders": _frame("orders", orders, okeys, okeys, buyers)}
    rows["orders"]["currency"] = orders.frame["currency"].to_numpy(dtype=object)
    for kind in ("lines", "shipments", "documents"):
        sd = book.get(SHEET_OF_KIND[kind])
        if sd is None:
            continue
        keys = order_keys(sd.frame["order_no"])
        own = {"lines": None, "shipments": "shipment_no", "documents": "doc_no"}[kind]
        if own is None:
            line = sd.frame["line"].astype(float).astype(str).str.removesuffix(".0")
            row_key = keys.fillna("") + "|" + line.where(sd.frame["line"].notna(), "")
        else:
            row_key = order_keys(sd.frame[own])
        rows[kind] = _frame(kind, sd, row_key, keys, keys.map(buyer_of))
        if kind == "lines":
            _line_money(rows[kind], sd, keys.map(currency_of))
    _order_money(rows)
    found = _missing_rates(book, orders)
    return Extract(rows, list(book.rates), book.settings.base_currency.strip().upper(), found)


def _line_money(frame: pd.DataFrame, sd: SheetData, currency: pd.Series) -> None:
    """Each line's amount (Amount, else Quantity x Unit Price) in its order's minor units."""
    amount = sd.frame["amount"].fillna(sd.frame["quantity"] * sd.frame["unit_price"])
    cur = currency.to_numpy(dtype=object)
    frame["currency"] = [c if isinstance(c, str) else None for c in cur]
    frame["amount_minor"] = [
        None if a != a or not isinstance(c, str) else to_minor(a, c)
        for a, c in zip(amount.to_numpy(dtype=float), cur, strict=True)
    ]


def _order_money(rows: dict[str, pd.DataFrame]) -> None:
    """An order's amount = the sum of its lines' (None without lines)."""
    lines = rows.get("lines")
    if lines is None or lines.empty:
        return
    known = lines[lines["amount_minor"].notna()]
    totals = known.groupby("order_key")["amount_minor"].sum()
    orders = rows["orders"]
    total = orders["order_key"].map(totals)
    orders["amount_minor"] = [None if t != t else int(t) for t in total.to_numpy(dtype=object)]
    data, digest = [], []
    for text, minor, currency in zip(orders["data"], orders["amount_minor"], orders["currency"], strict=True):
        amount = (
            None if minor is None else str(from_minor(minor, currency if isinstance(currency, str) else None))
        )
        line = text[:-1] + "," + json.dumps(ORDER_AMOUNT) + ":" + json.dumps(amount) + "}"
        data.append(line)
        digest.append(hashlib.blake2b(line.encode(), digest_size=12).hexdigest())
    orders["data"], orders["digest"] = data, digest


def _missing_rates(book: Book, orders: SheetData) -> list[Finding]:
    """fx-rate-missing on each order whose currency has no rate to the Base Currency."""
    base = book.settings.base_currency.strip().upper()
    if not base:
        return []
    known = {r.currency for r in book.rates} | {base}
    currency = orders.frame["currency"]
    missing = currency.notna() & ~currency.isin(known)
    return [
        finding(
            "fx-rate-missing",
            orders.name,
            int(row),
            orders.header("currency"),
            orders.cell(int(row), "currency"),
            order,
            value,
            base=base,
        )
        for row, value, order in zip(
            currency.index[missing], currency[missing], orders.frame["order_no"][missing], strict=True
        )
    ]


__all__ = [
    "COLUMNS",
    "KINDS",
    "SHEET_OF_KIND",
    "Extract",
    "extract",
    "from_minor",
    "minor_exponent",
    "to_minor",
]
