"""Data rows of the template's tables as worksheet XML: typed cells and formulas with cached results.

Rows are serialised here rather than through xlsxwriter's cell API, which costs ~10 µs a cell and
made a 100,000-order book take minutes. A formula cell also stores its result, because readers that
do not recalculate (calamine, pandas) see only that cached value; it is computed the way Excel does.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from xlsxwriter.utility import xl_col_to_name

from sheetsync.contract import Sheet
from sheetsync.excel_dates import excel_serial

_REF = re.compile(r"\[@(?:\[([^\]]+)\]|([^\[\]]+))\]")
# The one formula shape the contract uses: a product of this row's cells, blank when it errors.
_PRODUCT = re.compile(r'^=IFERROR\((\[@[^,]+?)\s*,\s*""\)$')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_CHUNK = 2000  # rows per string handed to the zip writer


def table_formula(formula: str, table: str) -> str:
    """`[@Quantity]` -> `Lines[[#This Row],[Quantity]]`: the form Excel stores and LibreOffice reads."""
    return _REF.sub(lambda m: f"{table}[[#This Row],[{m.group(1) or m.group(2)}]]", formula)


def product_refs(formula: str) -> tuple[str, ...]:
    """Headers multiplied by a contract formula (`=IFERROR([@A]*[@[B C]],"")` -> `("A", "B C")`)."""
    match = _PRODUCT.match(formula)
    if match is None:
        raise ValueError(f'Template formulas must be =IFERROR(<[@col]*...>,""), not {formula}')
    return tuple(m.group(1) or m.group(2) for m in _REF.finditer(match.group(1)))


def cached_product(values: Sequence[object]) -> float | str:
    """Excel's result of IFERROR(a*b*...,""): blanks count as 0, anything else not a number is ""."""
    if all(v is None for v in values):
        return ""  # a row with no inputs yet: blank rather than a stray 0.00
    result = 1.0
    for value in values:
        if value is None:
            result *= 0.0
        elif isinstance(value, numbers.Real | Decimal) and not isinstance(value, bool):
            result *= float(value)
        else:
            return ""
    return result


def text_xml(value: str) -> str:
    """Escape text for a `<t>` element (XML specials, control characters as `_xHHHH_`)."""
    if _SPECIAL.search(value) is None:
        return value
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: "_x005F" + m[0] if len(m[0]) > 1 else f"_x{ord(m[0]):04X}_", value)
    return escape(value)


class RowXml:
    """Serialises the data rows of one contract table; rows are keyed by header or contract key."""

    def __init__(self, sheet: Sheet, styles: Sequence[int], date_style: int) -> None:
        assert sheet.table is not None
        self.sheet = sheet
        self.letters = [xl_col_to_name(i) for i in range(len(sheet.columns))]
        self.index = {c.header: i for i, c in enumerate(sheet.columns)}
        self.index.update({c.key: i for i, c in enumerate(sheet.columns)})
        self.styles = [f' s="{s}"' if s else "" for s in styles]
        self.date_styles = [f' s="{s or date_style}"' for s in styles]
        headers = [c.header for c in sheet.columns]
        self.formulas: dict[int, tuple[str, tuple[int, ...]]] = {}
        for i, column in enumerate(sheet.columns):
            if column.formula:
                refs = tuple(headers.index(h) for h in product_refs(column.formula))
                self.formulas[i] = (escape(table_formula(column.formula, sheet.table)[1:]), refs)

    def chunks(self, rows: Sequence[Mapping[str, object]]) -> Iterator[str]:
        """XML for every data row (from Excel row 2), in strings of a few thousand rows."""
        batch: list[str] = []
        for number, row in enumerate(rows or [{}], start=2):
            batch.append(self.row(number, row))
            if len(batch) == _CHUNK:
                yield "".join(batch)
                batch.clear()
        yield "".join(batch)

    def row(self, number: int, values: Mapping[str, object]) -> str:
        """One `<row>`: given cells in column order, then formulas where no value was given."""
        by_index: dict[int, object] = {}
        for name, value in values.items():
            if name not in self.index:
                raise ValueError(f"{self.sheet.name}: unknown column {name!r}")
            by_index[self.index[name]] = value
        cells = {i: self.cell(i, number, v) for i, v in by_index.items() if v is not None}
        for i, (formula, refs) in self.formulas.items():
            if i not in cells:
                cells[i] = self.formula_cell(i, number, formula, [by_index.get(r) for r in refs])
        if not cells:
            return ""
        return f'<row r="{number}">' + "".join(cells[i] for i in sorted(cells)) + "</row>"

    def cell(self, i: int, number: int, value: object) -> str:
        """One typed `<c>`: text stays text (never a formula), dates become serials."""
        ref = f"{self.letters[i]}{number}"
        kind = type(value)
        if kind is str:
            text: str = value  # type: ignore[assignment]
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            return f'<c r="{ref}"{self.styles[i]} t="inlineStr"><is><t{space}>{text_xml(text)}</t></is></c>'
        if kind is float or kind is int:
            return f'<c r="{ref}"{self.styles[i]}><v>{_number(value)}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{ref}"{self.date_styles[i]}><v>{_number(excel_serial(value))}</v></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{self.styles[i]} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, str):
            return self.cell(i, number, str(value))
        if isinstance(value, numbers.Real | Decimal):
            return f'<c r="{ref}"{self.styles[i]}><v>{_number(value)}</v></c>'
        raise TypeError(f"{self.sheet.name} {ref}: cannot write a {type(value).__name__}")

    def formula_cell(self, i: int, number: int, formula: str, inputs: list[object]) -> str:
        ref = f"{self.letters[i]}{number}"
        cached = cached_product(inputs)
        if isinstance(cached, str):
            return f'<c r="{ref}"{self.styles[i]} t="str"><f>{formula}</f><v></v></c>'
        return f'<c r="{ref}"{self.styles[i]}><f>{formula}</f><v>{_number(cached)}</v></c>'


def _number(value: object) -> str:
    """A finite number as OOXML text (integers without `.0`)."""
    if type(value) is int:
        return str(value)
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise ValueError(f"Cannot write {value!r} to a cell")
    text = repr(number)
    return text[:-2] if text.endswith(".0") else text
