"""How a header (or a sheet name) as people write it maps to the contract (WORKBOOK.md).

Headers match ignoring case, spaces and punctuation except `%` and `#` (`header_key`). A unit
written after the name is read, not dropped: `Gross Weight (kgs)` and `Volume, cbm` are the
contract's kg and m3 columns; `Gross Weight (lbs)` names the column in another unit, which the
reader reports instead of reading pounds as kilograms. An alias that two columns share (`Item`:
the line number in some books, the goods description in others) is decided by the cells.
A team's own names come from the Column Map table on the Lists sheet.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sheetsync.contract.model import Column, Sheet, header_key

# A unit after the name: `Gross Weight (kg)`, `N.W (KGS)`, `Volume, m3`, `G.W.[lbs]`.
_UNIT = re.compile(
    r"^(?P<base>.*?\w.*?)[\s,;:/(\[-]+(?P<unit>kgs?|kilos?|kilograms?|lbs?|pounds?|cbm|cum|m3|cu\.?\s?m)"
    r"\s*[)\]]?\s*\.?\s*$"
)
UNITS: dict[str, str] = {
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"), "kg"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "lb"),
    **dict.fromkeys(("cbm", "cum", "m3", "cu m", "cu.m", "cum.", "cu.m."), "m3"),
}


def split_unit(text: str) -> tuple[str, str | None]:
    """(`Gross Weight`, `kg`) for `Gross Weight (KGS)`; (text, None) when no unit is written."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    m = _UNIT.match(folded)
    if m is None:
        return text, None
    unit = UNITS.get(m.group("unit").replace(" ", ""), UNITS.get(m.group("unit")))
    return (m.group("base"), unit) if unit else (text, None)


@dataclass(frozen=True)
class HeaderMatch:
    """What one header names: contract keys (one; several when ambiguous; none), and its unit.

    `wrong_unit` is the column the header would name but for its unit (`Gross Weight (lbs)`).
    """

    keys: tuple[str, ...] = ()
    wrong_unit: Column | None = None
    unit: str | None = None


class HeaderMatcher:
    """The headers of one contract sheet, plus the team's own from the Column Map."""

    def __init__(self, sheet: Sheet, mapped: Mapping[str, str] | None = None) -> None:
        self.sheet = sheet
        table: dict[str, list[str]] = {}
        for column in sheet.columns:
            for key in column.match_keys():
                if column.key not in table.setdefault(key, []):
                    table[key].append(column.key)
        for written, key in (mapped or {}).items():  # the Column Map overrides the contract
            table[header_key(written)] = [key]
        self.table = {key: tuple(found) for key, found in table.items()}

    def match(self, text: str) -> HeaderMatch:
        """The contract column(s) a header names."""
        found = self.table.get(header_key(text))
        if found:
            return HeaderMatch(found)
        base, unit = split_unit(text)
        if unit is None:
            return HeaderMatch()
        for key in self.table.get(header_key(base), ()):
            column = self.sheet.column(key)
            if column.unit is None:
                continue
            if column.unit == unit:
                return HeaderMatch((key,), unit=unit)
            return HeaderMatch(wrong_unit=column, unit=unit)
        return HeaderMatch()

    def nearest(self, text: str, count: int = 2) -> list[str]:
        """The contract headers closest to an unmapped header (for a helpful message)."""
        close = difflib.get_close_matches(header_key(text), list(self.table), n=6, cutoff=0.6)
        headers = dict.fromkeys(self.sheet.column(k).header for key in close for k in self.table[key])
        return list(headers)[:count]


# Words after a sheet's name that leave it the same sheet: `Orders 2024`, `Orders (new)`, `Lines_v2`.
_SUFFIX = re.compile(
    r"^(?:(?:19|20)\d\d|fy\d{2,4}|v?\d{1,2}|q[1-4]|h[12]|new|old|copy|current|live|final|all|list)+$"
)


def sheet_key(name: str) -> str:
    """A sheet name compared like a header: case, spaces and punctuation ignored."""
    return header_key(name)


def sheet_fit(name: str, wanted: str) -> int | None:
    """How well a workbook sheet name fits a contract name: 0 exact, 1 with a year or suffix, else None."""
    have, want = sheet_key(name), sheet_key(wanted)
    if not want:
        return None
    if have == want:
        return 0
    for stem in dict.fromkeys((want, want.removesuffix("s"))):
        if have == stem:
            return 1
        for rest in (have.removeprefix(stem), have.removesuffix(stem)):
            if rest != have and rest and _SUFFIX.match(rest):
                return 1
    return None
