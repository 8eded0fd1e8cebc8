"""Cell values and range addresses as Excel's object model takes them (shared by the port's writers)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sheetsync.edits import Formula, Value
from sheetsync.io.guard.xml_guard import column_number
from sheetsync.io.ooxml.highlights import areas

MAX_ADDRESS = 255  # characters Excel accepts in a Range address
_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9][0-9]*)$")


def split_ref(ref: str) -> tuple[int, int]:
    """'B12' -> (12, 2): 1-based row and column."""
    found = _A1.match(ref.strip().upper())
    if found is None:
        raise ValueError(f"not a cell address: {ref!r}")
    return int(found.group(2)), column_number(found.group(1))


def address_chunks(cells: Iterable[str], limit: int = MAX_ADDRESS) -> list[str]:
    """Comma-joined range addresses of at most `limit` characters covering `cells` (compact areas)."""
    chunks: list[str] = []
    current = ""
    for area in areas(tuple(cells)):
        candidate = f"{current},{area}" if current else area
        if len(candidate) > limit and current:
            chunks.append(current)
            candidate = area
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def cell_value(value: Value) -> Any:
    """A value as written into Excel: text always stays text (an apostrophe keeps `=cmd` and
    `1001` from being read as a formula or a number); a `Formula` is written as its expression."""
    if isinstance(value, Formula):
        return value.expression
    if isinstance(value, str):
        return "'" + value if value else None
    return value


def hyperlink(target: str, shown: Value) -> str:
    """A HYPERLINK formula to an in-book location such as `'Orders'!B12`."""
    text = "" if shown is None else str(shown.expression if isinstance(shown, Formula) else shown)
    quote = '"'
    return f'=HYPERLINK("#{target.replace(quote, quote * 2)}","{text.replace(quote, quote * 2)}")'
