"""Build the standard order-tracking workbook (`sheetsync new`) from the contract, optionally filled.

Every header, format, width, dropdown and formula comes from `sheetsync.contract`. xlsxwriter writes
the skeleton (tables, formats, dropdowns, names, Lists, Settings); the data rows are then streamed
into it (`template_cells`, `template_zip`), so that demo and benchmark books of several hundred
thousand rows stay fast and small in memory. The file is written through `io.atomic.atomic_output`, so a
failed build never leaves half a book.

An empty template has one blank data row per table: Excel needs at least one, and on Lines it
carries the Amount formula, which Excel copies into every row added to the table (the table's
calculated column). Pre-sized blank rows would be rows that every reader and check must skip.
"""

from __future__ import annotations

import datetime as dt
import io
import numbers
from collections.abc import Mapping, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from sheetsync.contract import CONTRACT_VERSION, TABLE_SHEETS, Sheet
from sheetsync.contract.sheets import COLUMN_MAP_EXAMPLES, COLUMN_MAP_HEADERS, RATES_EXAMPLES, RATES_HEADERS
from sheetsync.io.atomic import atomic_output
from sheetsync.io.new_workbook import OPTIONS
from sheetsync.workbook.cells import RowXml, table_formula
from sheetsync.workbook.lists import (
    DATE_ORDERS,
    ERROR_MESSAGE,
    LOCODE,
    MAX_TITLE,
    PORT_ALIAS,
    PORT_ALIASES_NAME,
    SETTINGS_HEADERS,
    input_message,
    list_columns,
    list_name,
    settings_rows,
)
from sheetsync.workbook.splice import SheetRows, splice

TableRows = Sequence[Mapping[str, object]]
Rows = Mapping[str, TableRows]
RateRow = tuple[str, float | str, dt.date | str | None]  # currency, rate to base, as of

DATE_FMT = "yyyy-mm-dd"
CREATED = dt.datetime(2026, 1, 1)  # fixed, so that two builds are identical
TABLE_STYLE = "Table Style Medium 2"
LAST_ROW = 1_048_575  # Excel's last row (0-based): dropdowns cover the whole column
LISTS_SHEET = "Lists"
SETTINGS_SHEET = "Settings"


def build_template(
    path: Path,
    rows: Rows | None = None,
    settings: Mapping[str, object] | None = None,
    *,
    force: bool = False,
    rates: Sequence[RateRow] = (),
) -> Path:
    """Write the workbook to `path` (refusing to replace a file unless `force`); return `path`.

    `rows` maps a sheet name (Orders, Lines, Shipments, Documents) to its data rows, each a dict
    keyed by header or contract key. Lines get the Amount formula unless a row gives an Amount.
    `settings` overrides Settings values by key (e.g. `{"Date Order": "DMY"}`); `rates` fills the
    Rates table on Lists: (currency, rate to the base currency, as of).
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists; use force=True (--force) to replace it")
    unknown = sorted(set(rows or {}) - {s.name for s in TABLE_SHEETS})
    if unknown:
        raise ValueError(f"Unknown sheet(s) in rows: {', '.join(unknown)}")
    with atomic_output(path) as tmp:
        _write_book(tmp, rows or {}, settings, rates)
    return path


def _write_book(
    target: Path, rows: Rows, settings: Mapping[str, object] | None, rates: Sequence[RateRow] = ()
) -> None:
    """The skeleton with xlsxwriter (everything but data rows), then the rows spliced in."""
    skeleton = io.BytesIO()
    workbook = xlsxwriter.Workbook(skeleton, {"in_memory": True, **OPTIONS})
    formats = Formats(workbook)
    counts = {sheet.name: max(len(rows.get(sheet.name, ())), 1) for sheet in TABLE_SHEETS}
    for sheet in TABLE_SHEETS:
        _write_table_sheet(workbook.add_worksheet(sheet.name), sheet, formats)
    _write_lists(workbook, formats, rates)
    _write_settings(workbook.add_worksheet(SETTINGS_SHEET), settings, formats)
    workbook.set_properties(
        {"title": "Order tracker", "subject": f"sheetsync workbook contract v{CONTRACT_VERSION}",
         "author": "sheetsync", "created": CREATED,
         "comments": "Created by sheetsync new. See docs/contract.md."}
    )  # fmt: skip
    workbook.set_custom_property("sheetsync contract", CONTRACT_VERSION)
    workbook.close()
    date_style = formats.style(DATE_FMT)
    parts = [
        SheetRows(
            part=f"xl/worksheets/sheet{n}.xml",
            table=str(sheet.table),
            last_col=xl_col_to_name(len(sheet.columns) - 1),
            data_rows=counts[sheet.name],
            chunks=RowXml(sheet, [formats.style(c.number_format) for c in sheet.columns], date_style).chunks(
                rows.get(sheet.name, ())
            ),
        )
        for n, sheet in enumerate(TABLE_SHEETS, start=1)
    ]
    splice(skeleton.getvalue(), target, parts)


def _write_table_sheet(ws: Worksheet, sheet: Sheet, fm: Formats) -> None:
    """One contract table without data: widths and formats, the Excel Table, freeze, dropdowns."""
    assert sheet.table is not None
    columns: list[dict[str, object]] = []
    for i, column in enumerate(sheet.columns):
        ws.set_column(i, i, column.width, fm.number(column.number_format))
        spec: dict[str, object] = {"header": column.header, "header_format": fm.header}
        if column.number_format:
            spec["format"] = fm.number(column.number_format)
        if column.formula:
            spec["formula"] = table_formula(column.formula, sheet.table)
        columns.append(spec)
    ws.add_table(0, 0, 1, len(columns) - 1, {"name": sheet.table, "style": TABLE_STYLE, "columns": columns})
    ws.freeze_panes(1, 1 if sheet.name == "Orders" else 0)
    for i, column in enumerate(sheet.columns):
        if column.codelist:
            _dropdown(ws, 1, i, LAST_ROW, column.header, column.codelist)


def _dropdown(ws: Worksheet, first: int, col: int, last: int, title: str, codelist: str) -> None:
    """A list dropdown fed by a Lists column; "warning" style so that aliases may still be typed."""
    ws.data_validation(first, col, last, col, {
        "validate": "list", "source": "=" + list_name(codelist), "error_type": "warning",
        "input_title": title[:MAX_TITLE], "input_message": input_message(codelist),
        "error_title": "Not in the list", "error_message": ERROR_MESSAGE,
    })  # fmt: skip


def _write_lists(workbook: xlsxwriter.Workbook, fm: Formats, rates: Sequence[RateRow] = ()) -> None:
    """The Lists sheet: one column per code list behind a defined name, the port table, the Column Map,
    the Rates table."""
    ws = workbook.add_worksheet(LISTS_SHEET)
    columns = list_columns()
    for i, (header, values) in enumerate(columns.items()):
        ws.set_column(i, i, max(12, len(header) + 2))
        if header not in (PORT_ALIAS, LOCODE):
            workbook.define_name(list_name(header), _lists_range(i, i, len(values)))
    alias_col = list(columns).index(PORT_ALIAS)
    workbook.define_name(PORT_ALIASES_NAME, _lists_range(alias_col, alias_col + 1, len(columns[LOCODE])))
    ws.write_row(0, 0, list(columns), fm.header)
    ws.freeze_panes(1, 0)
    height = max(len(values) for values in columns.values())
    for r in range(height):
        for i, values in enumerate(columns.values()):
            if r < len(values):
                ws.write_string(r + 1, i, values[r])
    _write_column_map(ws, len(columns) + 1, fm)
    _write_rates(ws, len(columns) + len(COLUMN_MAP_HEADERS) + 2, fm, rates)


def _write_column_map(ws: Worksheet, first_col: int, fm: Formats) -> None:
    """The Column Map table on Lists: a team's own headers -> contract columns, with examples."""
    ws.set_column(first_col, first_col + len(COLUMN_MAP_HEADERS) - 1, 20)
    ws.write_row(0, first_col, list(COLUMN_MAP_HEADERS), fm.header)
    for r, row in enumerate(COLUMN_MAP_EXAMPLES, start=1):
        ws.write_row(r, first_col, list(row))


def _write_rates(ws: Worksheet, first_col: int, fm: Formats, rates: Sequence[RateRow]) -> None:
    """The Rates table on Lists: 1 Currency = Rate to Base units of the Settings Base Currency."""
    ws.set_column(first_col, first_col + len(RATES_HEADERS) - 1, 14)
    ws.write_row(0, first_col, list(RATES_HEADERS), fm.header)
    for r, (currency, rate, as_of) in enumerate([*RATES_EXAMPLES, *rates], start=1):
        ws.write_string(r, first_col, str(currency))
        ws.write_number(r, first_col + 1, float(rate))
        if isinstance(as_of, dt.date):
            ws.write_datetime(r, first_col + 2, dt.datetime.combine(as_of, dt.time()), fm.number(DATE_FMT))


def _lists_range(first_col: int, last_col: int, count: int) -> str:
    """`=Lists!$A$2:$A$12`: `count` values below the header of Lists columns first..last."""
    first, last = xl_col_to_name(first_col), xl_col_to_name(last_col)
    return f"={LISTS_SHEET}!${first}$2:${last}${count + 1}"


def _write_settings(ws: Worksheet, overrides: Mapping[str, object] | None, fm: Formats) -> None:
    """The Settings sheet: Setting | Value | Explanation, with a DMY/MDY dropdown on Date Order."""
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 80)
    ws.write_row(0, 0, list(SETTINGS_HEADERS), fm.header)
    ws.freeze_panes(1, 0)
    for r, (key, value, explanation) in enumerate(settings_rows(overrides), start=1):
        ws.write_string(r, 0, key)
        if key == "Today":
            ws.write_blank(r, 1, None, fm.number(DATE_FMT))
        if key == "Date Order":
            ws.data_validation(r, 1, r, 1, {
                "validate": "list", "source": list(DATE_ORDERS), "error_type": "stop",
                "input_title": "Date Order", "input_message": explanation,
            })  # fmt: skip
        if value is not None and value != "":
            _write_value(ws, r, value, fm)
        ws.write_string(r, 2, explanation)


def _write_value(ws: Worksheet, row: int, value: object, fm: Formats) -> None:
    """A setting's value in column B, typed: text, date (yyyy-mm-dd) or number."""
    if isinstance(value, str):
        ws.write_string(row, 1, value)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, 1, value, fm.number(DATE_FMT))
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        ws.write_number(row, 1, float(value))
    else:
        raise TypeError(f"Setting values are text, dates or numbers, not {value!r}")


class Formats:
    """One xlsxwriter Format per number format, made once per workbook."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._by_number: dict[str, Format] = {}
        self.header: Format = workbook.add_format({"bold": True})

    def number(self, number_format: str | None) -> Format | None:
        if number_format is None:
            return None
        if number_format not in self._by_number:
            self._by_number[number_format] = self._workbook.add_format({"num_format": number_format})
        return self._by_number[number_format]

    def style(self, number_format: str | None) -> int:
        """The cell style index (`s="..."`) of a number format, once the skeleton is written."""
        fmt = self.number(number_format)
        if fmt is None:
            return 0
        if fmt.xf_index is None:
            raise RuntimeError(f"Number format {number_format!r} was not written to the styles")
        return int(fmt.xf_index)
