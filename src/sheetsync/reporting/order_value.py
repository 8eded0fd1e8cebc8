"""Order value in the base currency, for `kpi`: totals per group, the rates used, the rates missing.

Each live (not Cancelled) order's value is the sum of its lines (Amount, else Quantity x Unit
Price) in integer minor units of its currency, then x the Rates table's rate to the book's
Settings `Base Currency` (Decimal, rounded to the cent per order). An order whose currency has
no rate gets no value and an `fx-rate-missing` finding, never a zero; a book without a Base
Currency is not valued, and said so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

from sheetsync.book import Book
from sheetsync.findings import Finding, finding
from sheetsync.money import CENT, from_minor, line_minor, rate_table
from sheetsync.rules.orderdata import order_keys

Group = Literal["coordinator", "buyer", "month"]


@dataclass
class ValueTotal:
    """One group's total in one base currency."""

    base: str
    value: Decimal = Decimal(0)
    orders: int = 0  # valued
    not_valued: int = 0  # in a currency without a rate, or without an amount


@dataclass(frozen=True)
class RateUsed:
    book: str
    currency: str
    base: str
    rate: str
    as_of: dt.date | None
    orders: int


@dataclass
class OrderValues:
    groups: dict[str, list[ValueTotal]]  # "All" and one per group label
    rates: list[RateUsed]
    missing: list[Finding] = field(default_factory=list)  # fx-rate-missing
    not_valued_books: list[str] = field(default_factory=list)  # books without a Base Currency

    def as_dict(self) -> dict[str, Any]:
        return {
            "groups": {
                g: [{"base": t.base, "value": str(t.value), "orders": t.orders, "not_valued": t.not_valued}
                    for t in totals]
                for g, totals in self.groups.items()
            },
            "rates": [{"book": r.book, "currency": r.currency, "base": r.base, "rate": r.rate,
                       "as_of": r.as_of.isoformat() if r.as_of else None, "orders": r.orders}
                      for r in self.rates],
            "missing": [f.as_dict() for f in self.missing],
            "books_without_base_currency": self.not_valued_books,
        }  # fmt: skip


def order_values(books: Iterable[Book], by: Group | None = None) -> OrderValues:
    """Every live order's value in its book's base currency, totalled for all and per `by`."""
    groups: dict[str, dict[str, ValueTotal]] = {"All": {}}
    used: dict[tuple[str, str], RateUsed] = {}
    missing: list[Finding] = []
    no_base: list[str] = []
    for book in books:
        base = book.settings.base_currency.strip().upper()
        if not base:
            no_base.append(book.path.name)
            continue
        rates = rate_table(book.rates, base)
        for order in _orders(book):
            currency, amount = order["currency"], order["amount"]
            rate = Decimal(1) if currency == base else None
            if currency in rates:
                r = rates[currency]
                rate = Decimal(r.rate)
                key = (book.path.name, currency)
                before = used.get(key)
                used[key] = RateUsed(
                    key[0], currency, base, r.rate, r.as_of, before.orders + 1 if before else 1
                )
            elif currency and currency != base:
                missing.append(finding("fx-rate-missing", order["sheet"], order["row"], order["header"],
                                       order["cell"], order["order_no"], currency, base=base))  # fmt: skip
            for label in ["All"] if by is None else ["All", order[by]]:
                total = groups.setdefault(label, {}).setdefault(base, ValueTotal(base))
                if rate is None or amount is None:
                    total.not_valued += 1
                else:
                    total.value += (amount * rate).quantize(CENT, ROUND_HALF_UP)
                    total.orders += 1
    ordered = ["All", *sorted(g for g in groups if g != "All")]
    totals = {g: [groups[g][b] for b in sorted(groups[g])] for g in ordered}
    return OrderValues(totals, [used[k] for k in sorted(used)], missing, no_base)


def _orders(book: Book) -> list[dict[str, Any]]:
    """Each live order of a book (the first Orders row of its Order No): where it is, its
    coordinator, buyer and order month, its currency and its amount over its lines (Decimal)."""
    orders, lines = book.sheets["Orders"], book.sheets["Lines"]
    frame = orders.frame
    keys = order_keys(frame["order_no"])
    first = frame[keys.notna() & ~keys.duplicated() & (frame["status"] != "Cancelled")]
    currency_of = dict(zip(keys[first.index], first["currency"], strict=True))
    line_keys = order_keys(lines.frame["order_no"])
    line_currency = np.array([currency_of.get(k) if isinstance(k, str) else None for k in line_keys],
                             dtype=object)  # fmt: skip
    line_currency[pd.isna(line_currency)] = None
    minor, valid = line_minor(lines, line_currency)
    grouped = pd.Series(minor[valid]).groupby(line_keys.to_numpy(dtype=object)[valid]).sum()
    sums: dict[str, int] = {str(k): int(v) for k, v in grouped.items()}
    out = []
    columns = ("order_no", "currency", "coordinator", "buyer", "order_date")
    rows = first.index.to_numpy(dtype=np.int64).tolist()
    cells = zip(*(first[c].tolist() for c in columns), strict=True)
    for row, key, values in zip(rows, keys[first.index].tolist(), cells, strict=True):
        order_no, currency, coordinator, buyer, when = values
        currency = currency if isinstance(currency, str) and currency else None
        amount = from_minor(sums[key], currency) if key in sums and currency else None
        out.append({
            "sheet": orders.name, "header": orders.header("currency"), "row": row,
            "cell": orders.cell(row, "currency"), "order_no": order_no,
            "currency": currency, "amount": amount,
            "coordinator": _text(coordinator), "buyer": _text(buyer),
            "month": pd.Timestamp(when).strftime("%Y-%m") if pd.notna(when) else "(no date)",
        })  # fmt: skip
    return out


def _text(value: Any) -> str:
    return str(value) if isinstance(value, str) and value.strip() else "(blank)"


__all__ = ["OrderValues", "RateUsed", "ValueTotal", "order_values"]
