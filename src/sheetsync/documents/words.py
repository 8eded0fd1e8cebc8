"""The amount in words, as banks expect it on an invoice: `SAY US DOLLAR ... AND 50/100 ONLY`."""

from __future__ import annotations

import decimal

import pycountry
from num2words import num2words

# ISO 4217 currencies without minor units (the amount is written in whole units).
_NO_MINOR = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "IDR"})


def amount_in_words(amount: float, currency: str) -> str:
    """`4200.5, "USD"` -> `SAY US DOLLAR FOUR THOUSAND TWO HUNDRED AND 50/100 ONLY`.

    The number is spelled by num2words; the cents are written as a fraction of 100, the form
    commercial invoices and L/C documents use.
    """
    code = currency.strip().upper()
    found = pycountry.currencies.get(alpha_3=code) if len(code) == 3 else None
    name = found.name.upper() if found else code
    places = decimal.Decimal(1) if code in _NO_MINOR else decimal.Decimal("0.01")
    exact = decimal.Decimal(repr(abs(amount))).quantize(places, rounding=decimal.ROUND_HALF_UP)
    whole, minor = int(exact), int((exact - int(exact)) * 100)
    words = num2words(whole, lang="en").replace(",", "").replace("-", " ").upper()
    cents = f" AND {minor:02d}/100" if places < 1 and minor else ""
    return f"SAY {name} {words}{cents} ONLY"
