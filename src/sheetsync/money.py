"""Money kept exact: amounts in integer minor units of their currency, Decimal out, never a float sum.

A cell's float is read through its shortest decimal text (`repr`), so `0.1` is 0.10, not
0.1000000000000000055...; lines are rounded half-up to their currency's minor unit (ISO 4217:
JPY 0 digits, USD 2, KWD 3) once, then summed as integers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from sheetsync.book import Rate, SheetData
from sheetsync.contract.codelists import ZERO_DECIMAL_CURRENCIES

THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
CENT = Decimal("0.01")


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


def line_minor(lines: SheetData, currency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each line's amount (Amount, else Quantity x Unit Price) in minor units of `currency` (one per
    line, None when unknown), and which lines have one (a currency and an amount).

    Scaled and rounded in bulk; a value within a hair of a half (where a float could round the
    wrong way) is rounded again through its decimal text.
    """
    frame = lines.frame
    amount = frame["amount"].fillna(frame["quantity"] * frame["unit_price"]).to_numpy(dtype=float)
    known = pd.notna(currency)
    codes, uniques = pd.factorize(currency)
    exponents = np.array([*(minor_exponent(c) for c in uniques), 2], dtype=float)
    scaled = amount * 10.0 ** exponents[np.where(codes < 0, len(uniques), codes)]
    valid = known & ~np.isnan(amount)
    near_half = valid & (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    minor = np.where(valid, np.floor(scaled + 0.5), 0).astype(np.int64)
    for i in np.flatnonzero(near_half):
        minor[i] = to_minor(float(amount[i]), currency[i])
    return minor, valid


def rate_table(rates: list[Rate], base: str) -> dict[str, Rate]:
    """Currency -> the rate in force for it: the latest As Of wins (an undated rate loses to a
    dated one; among equals, the lower row). The base currency itself needs no rate."""
    chosen: dict[str, Rate] = {}
    for rate in sorted(rates, key=lambda r: (r.as_of is not None, r.as_of or 0, -r.row)):
        if rate.currency != base:
            chosen[rate.currency] = rate
    return chosen


__all__ = ["CENT", "from_minor", "line_minor", "minor_exponent", "rate_table", "to_minor"]
