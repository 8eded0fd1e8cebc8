"""A book read and judged -> the rows the store keeps: canonical text values, keys, digests, money.

Runs in the isolated child that read the book (see `sheetsync.actions.sync`), so it is built
column by column: each value becomes canonical text once (dates ISO, numbers in their shortest
form), each row one JSON object (contract key -> text), digested in bulk (SipHash, 128 bits). An order is
identified by (normalised Buyer, Order No); lines, shipments and documents take the buyer of
their order in the same book. Money is integer minor units, rounded half-up from the cell's
shortest decimal text, never through a float sum.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheetsync.book import Book, Rate, SheetData
from sheetsync.contract.model import Column, Kind
from sheetsync.findings import Finding, finding
from sheetsync.money import from_minor, line_minor, minor_exponent, to_minor
from sheetsync.rules.orderdata import order_keys
from sheetsync.rules.parties import normalise_party

ORDER_AMOUNT = "order_amount"  # an order's total over its lines, kept with its values
KINDS = ("orders", "lines", "shipments", "documents")
SHEET_OF_KIND = {"orders": "Orders", "lines": "Lines", "shipments": "Shipments", "documents": "Documents"}
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


@dataclass
class Extract:
    """What the store keeps of one book (a table in `COLUMNS` per kind) and what sync found.

    The tables are Arrow: the child hands them to the parent as a few flat buffers, and the
    parent writes them in bulk without a Python object per cell.
    """

    rows: dict[str, pa.Table]
    rates: list[Rate]
    base_currency: str
    findings: list[Finding] = field(default_factory=list)

    def row_list(self, kind: str) -> list[Row]:
        """One kind's rows as tuples in `COLUMNS` order (none when the book has no such sheet)."""
        table = self.rows.get(kind)
        if table is None:
            return []
        return list(zip(*(table.column(n).to_pylist() for n in COLUMNS), strict=True))


SCHEMA = pa.schema([
    ("row_key", pa.string()), ("buyer_key", pa.string()), ("order_key", pa.string()), ("sheet", pa.string()),
    ("excel_row", pa.int64()), ("digest", pa.string()), ("currency", pa.string()),
    ("amount_minor", pa.int64()), ("data", pa.string()),
])  # fmt: skip


def _strings(values: Any) -> pa.Array:
    """A column of text as an Arrow string array (nulls kept)."""
    return pa.array(values, type=pa.large_string()).cast(pa.string())


def _json_member(column: Column, values: pd.Series) -> pa.Array:
    """Each row's `"key":"text",` JSON member for one contract column ("" when blank).

    Each distinct value is formatted once (`pd.factorize`: a column holds far fewer distinct
    values than rows), dates and numbers in bulk, and the members are taken from those.
    """
    codes, uniques = pd.factorize(values)
    if column.kind is Kind.DATE:
        texts = pd.DatetimeIndex(uniques).strftime("%Y-%m-%d").tolist()
    elif column.kind is Kind.TIMESTAMP:
        texts = [str(pd.Timestamp(u).isoformat()) for u in uniques]
    elif column.kind in (Kind.DECIMAL, Kind.INT):  # the shortest text that reads back as the float
        shortest = np.asarray(uniques, dtype=float).astype(str).tolist()
        texts = [t[:-2] if t.endswith(".0") else t for t in shortest]
    else:
        texts = [encode_basestring(str(u))[1:-1] for u in uniques.to_numpy(dtype=object).tolist()]
    head = encode_basestring(column.key)[:-1] + '":"'
    members = [f'{head}{t}",' for t in texts]
    members.append("")
    return pa.array(members, type=pa.string()).take(pa.array(np.where(codes < 0, len(texts), codes)))


def _json(members: list[pa.Array], rows: int) -> pa.Array:
    """Each row's JSON object from its members (blank columns left out)."""
    if not members:
        return pa.array(["{}"] * rows, type=pa.string())
    joined = pc.binary_join_element_wise(pa.scalar("{"), *members, "")
    return pc.binary_join_element_wise(pc.ascii_rtrim(joined, characters=","), pa.scalar("}"), "")


def _digests(data: pa.Array) -> pa.Array:
    """A 128-bit digest of each row's JSON, in bulk: SipHash-2-4 under two fixed keys (pandas'
    `hash_array`), as 32 hex digits. It only tells a changed row from an unchanged one."""
    values = data.to_numpy(zero_copy_only=False)
    pair = np.empty((len(values), 2), dtype=">u8")
    pair[:, 0] = pd.util.hash_array(values, hash_key=_HASH_KEYS[0], categorize=False)
    pair[:, 1] = pd.util.hash_array(values, hash_key=_HASH_KEYS[1], categorize=False)
    hexed = np.frombuffer(binascii.hexlify(pair.tobytes()), dtype="S32")
    return pa.array(hexed, type=pa.binary()).cast(pa.string())


_HASH_KEYS = ("sheetsync-store1", "sheetsync-store2")


def _table(sd: SheetData, row_key: pa.Array, order_key: pa.Array, buyer: pa.Array,
           money: tuple[pa.Array, pa.Array] | None = None,
           extra: pa.Array | None = None) -> pa.Table:  # fmt: skip
    """The store's rows of one sheet: keys, source location, digest, money, JSON values."""
    members = [_json_member(c, sd.frame[c.key]) for c in sd.contract.columns]
    if extra is not None:
        members.append(extra)
    n = len(sd.frame)
    data = _json(members, n)
    rows = pa.array(sd.frame.index.to_numpy(dtype=np.int64))
    currency, amount = money if money is not None else (pa.nulls(n, pa.string()), pa.nulls(n, pa.int64()))
    sheet = pa.array([sd.name] * n, type=pa.string())
    columns = [_unique(row_key, rows), buyer, order_key, sheet, rows, _digests(data), currency, amount, data]
    return pa.Table.from_arrays(columns, schema=SCHEMA)


def _unique(keys: pa.Array, rows: pa.Array) -> pa.Array:
    """Row keys, a repeat or a blank one made unique by its Excel row (`key@row`)."""
    series = pd.Series(keys.to_numpy(zero_copy_only=False), dtype=object)
    clash = (series == "").to_numpy() | series.duplicated().to_numpy()
    if not clash.any():
        return keys
    at = pc.binary_join_element_wise(keys, pc.cast(rows, pa.string()), "@")
    return pc.if_else(pa.array(clash), at, keys)


def _keys(series: pd.Series) -> pa.Array:
    """Order keys (trimmed, lower-cased; "" when blank) as Arrow strings."""
    return pc.fill_null(_strings(order_keys(series).array), "")


def extract(book: Book) -> Extract:
    """The store's rows of a book already judged (its codes normalised by `check_book`)."""
    orders = book.sheets["Orders"]
    okeys = _keys(orders.frame["order_no"])
    codes, names = pd.factorize(orders.frame["buyer"])
    normal = [normalise_party(str(n)) if n else "" for n in names]
    buyers = pa.array([*normal, ""], type=pa.string()).take(pa.array(np.where(codes < 0, len(normal), codes)))
    currencies = pc.if_else(pc.equal(_strings(orders.frame["currency"].array), ""), None,
                            _strings(orders.frame["currency"].array))  # fmt: skip
    first = pd.DataFrame({"key": okeys.to_numpy(zero_copy_only=False),
                          "buyer": buyers.to_numpy(zero_copy_only=False),
                          "currency": currencies.to_numpy(zero_copy_only=False)})  # fmt: skip
    first = first[first["key"] != ""].drop_duplicates("key").set_index("key")
    tables: dict[str, pa.Table] = {}
    totals = pd.Series(dtype="int64")
    for kind in ("lines", "shipments", "documents"):
        sd = book.get(SHEET_OF_KIND[kind])
        if sd is None:
            continue
        keys = _keys(sd.frame["order_no"])
        key_list = keys.to_numpy(zero_copy_only=False)
        of_order = first.reindex(key_list)
        buyer = pc.fill_null(_strings(of_order["buyer"].to_numpy(dtype=object)), "")
        money = None
        if kind == "lines":
            number = sd.frame["line"].to_numpy(dtype=float)
            lines = _int_texts(number)
            row_key = pc.binary_join_element_wise(keys, pa.array(lines, type=pa.string()), "|")
            money = _line_money(sd, of_order["currency"].to_numpy(dtype=object))
            amounts = pd.Series(money[1].to_numpy(zero_copy_only=False), dtype="Int64")
            valid = (key_list != "") & amounts.notna().to_numpy()
            totals = amounts[valid].groupby(key_list[valid]).sum()
        else:
            own = {"shipments": "shipment_no", "documents": "doc_no"}[kind]
            row_key = _keys(sd.frame[own])
        tables[kind] = _table(sd, row_key, keys, buyer, money)
    order_list = okeys.to_numpy(zero_copy_only=False)
    amounts = totals.reindex(order_list)
    amount_list: list[int | None] = [None if a is pd.NA or k == "" else int(a)
                                     for a, k in zip(amounts.tolist(), order_list, strict=True)]  # fmt: skip
    amount_text = [
        "" if a is None else f'"{ORDER_AMOUNT}":"{from_minor(a, c)}",'
        for a, c in zip(amount_list, currencies.to_pylist(), strict=True)
    ]
    money = (currencies, pa.array(amount_list, type=pa.int64()))
    tables["orders"] = _table(orders, okeys, okeys, buyers, money, pa.array(amount_text, type=pa.string()))
    found = _missing_rates(book, orders)
    return Extract({k: tables[k] for k in KINDS if k in tables}, list(book.rates),
                   book.settings.base_currency.strip().upper(), found)  # fmt: skip


def _int_texts(number: np.ndarray) -> np.ndarray:
    """Line numbers in their shortest text (`3`, `2.5`), blanks as ""."""
    texts = np.where(np.isnan(number), 0.0, number).astype(str).astype(object)
    whole = np.char.endswith(texts.astype(str), ".0")
    texts[whole] = [t[:-2] for t in texts[whole]]
    texts[np.isnan(number)] = ""
    return texts


def _line_money(sd: SheetData, currency: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Each line's currency (its order's) and amount in minor units (`money.line_minor`)."""
    minor, valid = line_minor(sd, currency)
    currencies = pa.array([c if k else None for c, k in zip(currency, pd.notna(currency), strict=True)],
                          type=pa.string())  # fmt: skip
    return currencies, pa.array(minor, mask=~valid)


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
