"""The typed fast path: clean contract columns straight from fastexcel's Arrow to the frame.

fastexcel infers one type per column (strict: a column mixing types raises). A column that
is all numbers, all dates or all text converts without per-cell Python; the rarer columns
whose cells must be looked at one by one (text in a number or date column, booleans)
go through the same coercers as the calamine path, with the same Python values. Anything
this path cannot render exactly as the calamine path does returns None, and the caller
reads that sheet the calamine way.
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from pathlib import Path
from typing import Any

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sheetsync.book import SheetData
from sheetsync.contract import Kind
from sheetsync.contract.headers import HeaderMatcher
from sheetsync.excel_dates import epoch
from sheetsync.findings import FileError, Finding
from sheetsync.io.ooxml.package import Package
from sheetsync.io.read import coerce
from sheetsync.io.read.sheet_head import OTHER, Unsure, head_rows
from sheetsync.io.read.table import (
    HEADER_SCAN_ROWS,
    NA_KEYS,
    NeedsCells,
    assemble,
    find_header,
    map_headers,
)

# Whatever goes wrong reading the XML head leaves the sheet to the calamine path, which
# reports a damaged part as the FileError it is.
_HEAD_ERRORS = (Unsure, KeyError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)
# fastexcel logs "falling back to string" for all-empty columns; we handle those ourselves.
logging.getLogger("fastexcel").setLevel(logging.ERROR)
_SAFE_HEADER_INDEX = HEADER_SCAN_ROWS - 10  # margin for where calamine's range starts
_SERIAL_MAX = 2958466  # Excel's serial range ends at 9999-12-31
_TEXT = (Kind.TEXT, Kind.CODE)
_NUMBER = (Kind.DECIMAL, Kind.INT)
_DATES = (Kind.DATE, Kind.TIMESTAMP)


class _Fallback(Exception):
    """This column needs the calamine path."""


def _keep_mask(arrays: list[pa.Array], n: int) -> Any:
    """Rows where some contract cell is truthy (not empty, 0, "" or FALSE), as the calamine path."""
    keep = np.zeros(n, dtype=bool)
    for array in arrays:
        if pa.types.is_null(array.type):
            continue
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            truthy = pc.greater(pc.utf8_length(array), 0)
        elif pa.types.is_floating(array.type) or pa.types.is_integer(array.type):
            truthy = pc.not_equal(array, 0)
        elif pa.types.is_boolean(array.type):
            truthy = array
        else:
            truthy = pc.is_valid(array)
        keep |= pc.fill_null(truthy, False).to_numpy(zero_copy_only=False)
        if keep.all():  # usually after the first column (the order number)
            break
    return keep


def _serials(values: Any, date1904: bool) -> coerce.Coerced:
    """Excel serial numbers in a date column -> days (out of range: a type problem)."""
    valid = ~np.isnan(values)
    ok = valid & (values >= 1) & (values < _SERIAL_MAX)
    day_zero = np.datetime64(epoch(date1904), "D")
    days = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    days[ok] = day_zero + np.floor(values[ok]).astype(np.int64)
    problems = [(int(i), coerce.TYPE) for i in np.flatnonzero(valid & ~ok)]
    return coerce.Coerced(days.astype("datetime64[us]"), problems)


def _numbers(values: Any, integer: bool) -> coerce.Coerced:
    """A number column; an INT column reports its non-whole cells."""
    if not integer:
        return coerce.Coerced(values)
    broken = ~np.isnan(values) & (values != np.round(values))
    if not broken.any():
        return coerce.Coerced(values)
    out = values.copy()
    out[broken] = np.nan
    return coerce.Coerced(out, [(int(i), coerce.TYPE) for i in np.flatnonzero(broken)])


def _column(array: pa.Array, kind: Kind, key: str, date_order: str | None, date1904: bool) -> coerce.Coerced:
    """One typed column, converted exactly as the calamine path would convert its cells."""
    kind_of = array.type
    if pa.types.is_null(kind_of) or array.null_count == len(array):
        return coerce.Coerced(
            np.full(len(array), None, dtype=object) if kind in _TEXT else _blank(kind, len(array))
        )
    if pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of):
        if kind in _TEXT:
            return coerce.Coerced(coerce.clean_string_array(array))
        return _per_cell(array.to_pylist(), kind, key, date_order, date1904)
    if pa.types.is_boolean(kind_of):
        return _per_cell(array.to_pylist(), kind, key, date_order, date1904)
    if pa.types.is_floating(kind_of) or pa.types.is_integer(kind_of):
        if kind in _TEXT:  # numbers typed into a text column: numeric_text needs each cell
            return coerce.coerce_text(array.to_pylist())
        values = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        return _numbers(values, kind is Kind.INT) if kind in _NUMBER else _serials(values, date1904)
    if (pa.types.is_timestamp(kind_of) or pa.types.is_date(kind_of)) and kind in _DATES:
        days = pc.cast(array, pa.timestamp("us")).to_numpy(zero_copy_only=False).astype("datetime64[D]")
        return coerce.Coerced(days.astype("datetime64[us]"))
    raise _Fallback(f"{key}: {kind_of} in a {kind} column")


def _blank(kind: Kind, n: int) -> Any:
    if kind in _NUMBER:
        return np.full(n, np.nan)
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")


def _per_cell(raw: list[Any], kind: Kind, key: str, date_order: str | None, date1904: bool) -> coerce.Coerced:
    if kind in _TEXT:
        return coerce.coerce_text(raw)
    if kind in _NUMBER:
        return coerce.coerce_number(raw, integer=kind is Kind.INT)
    return coerce.coerce_date(raw, date_order, date1904, allow_not_applicable=key in NA_KEYS)


def read_table_fast(
    reader: fastexcel.ExcelReader,
    package: Package,
    name: str,
    matcher: HeaderMatcher,
    date_order: str | None,
    date1904: bool,
    findings: list[Finding],
) -> SheetData | None:
    """The sheet read the typed way, or None when only the calamine path can read it exactly."""
    sheet = matcher.sheet
    part = package.sheet(name)
    if part is None or part.name != name or not part.is_worksheet:
        return None
    try:
        first, rows = head_rows(package, part.part, HEADER_SCAN_ROWS)
    except _HEAD_ERRORS:
        return None
    h = find_header(rows, matcher)
    if h is None or h >= _SAFE_HEADER_INDEX or any(v is OTHER for v in rows[h]):
        return None
    header_row = first + h + 1
    found: list[Finding] = []
    try:
        columns, extra = map_headers(name, matcher, rows[h], header_row, 0, found)
    except NeedsCells:
        return None
    if not columns:
        return None
    wanted = {ref.index: key for key, ref in columns.items()}
    try:
        batch = reader.load_sheet(
            name,
            header_row=header_row - 1,
            schema_sample_rows=None,
            dtype_coercion="strict",
            use_columns=lambda c: c.absolute_index in wanted,
        ).to_arrow()
    except fastexcel.FastExcelError:
        return None
    if batch.num_columns != len(wanted):
        return None
    arrays: dict[str, pa.Array] = {}
    for i, index in enumerate(sorted(wanted)):
        if batch.schema.field(i).name != rows[h][index]:
            return None  # fastexcel did not pick the header cells we mapped
        arrays[wanted[index]] = batch.column(i)
    keep = _keep_mask(list(arrays.values()), batch.num_rows)
    excel_rows = np.flatnonzero(keep) + header_row + 1
    if not keep.all():
        mask = pa.array(keep)
        arrays = {key: pc.filter(array, mask) for key, array in arrays.items()}
    try:
        coerced = {
            key: _column(array, sheet.column(key).kind, key, date_order, date1904)
            for key, array in arrays.items()
        }
    except _Fallback:
        return None
    raw = {key: arrays[key] for key, c in coerced.items() if c.problems}
    data = assemble(name, sheet, header_row, columns, extra, excel_rows, coerced, _pylist(raw), found)
    data.fast_path = True
    findings.extend(found)
    return data


def _pylist(arrays: dict[str, pa.Array]) -> Any:
    return lambda key: arrays[key].to_pylist()


class TypedReader:
    """fastexcel and the zip package of one workbook, opened on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader: fastexcel.ExcelReader | None = None
        self._package: Package | None = None

    def read(
        self,
        name: str,
        matcher: HeaderMatcher,
        date_order: str | None,
        date1904: bool,
        findings: list[Finding],
    ) -> SheetData | None:
        """The sheet via the typed path, or None: read it the calamine way."""
        if self._reader is None or self._package is None:
            try:
                self._reader = fastexcel.read_excel(self.path)
                self._package = Package(self.path)
            except (fastexcel.FastExcelError, FileError, KeyError, zipfile.BadZipFile):
                return None  # the calamine path says what is wrong with the file
        return read_table_fast(self._reader, self._package, name, matcher, date_order, date1904, findings)

    @property
    def package(self) -> Package | None:
        """The workbook's zip package, once a sheet was read the typed way (else None)."""
        return self._package

    def close(self) -> None:
        if self._package is not None:
            self._package.close()
