"""The first rows of a worksheet, read straight from its XML without loading the sheet.

The typed fast path needs the header row before it can ask fastexcel for typed columns,
and any full load costs as much as the whole read. Only strings are returned as values;
any other non-empty cell is `OTHER` (enough to find and map a header row). Whatever this
reader cannot render exactly as calamine would raises `Unsure`, and the caller falls back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final

from sheetsync.io.guard.xml_guard import column_number
from sheetsync.io.ooxml.package import Package
from sheetsync.io.ooxml.xml_text import text_of

OTHER: Final = object()  # a non-empty cell that is not text
# A row / cell element of worksheet XML: its namespace prefix, attributes and body (None if empty).
ROW = re.compile(rb"<(?P<p>[\w.-]+:)?row\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?:[\w.-]+:)?row>)", re.S)
CELL = re.compile(rb"<(?:[\w.-]+:)?c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?:[\w.-]+:)?c>)", re.S)
_ROW_R = re.compile(rb'(?:^|\s)r="(\d+)"')
_CELL_R = re.compile(rb'(?:^|\s)r="([A-Z]+)(\d+)"')
_CELL_T = re.compile(rb'(?:^|\s)t="(\w+)"')
_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)\b")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData>")


class Unsure(Exception):
    """The head holds something this reader would not render exactly as calamine does."""


def _text(body: bytes, tags: bytes) -> str:
    if b"<rPh" in body or b"&#" in body:
        raise Unsure("phonetic run or character reference")
    text = text_of(body, tags)
    if "_x" in text:
        raise Unsure("_xHHHH_ escape")
    return text


def shared_strings(package: Package) -> Callable[[int], str]:
    """Shared string by index as calamine renders it; Unsure when it cannot be sure."""
    raw = package.shared_string()

    def lookup(index: int) -> str:
        item = raw(index)
        if item is None:
            raise Unsure(f"shared string {index} missing")
        return _text(item, b"t")

    return lookup


def _cell_value(attrs: bytes, body: bytes | None, shared: Callable[[int], str]) -> object:
    if not body or not _VALUE.search(body):
        return None
    kind = m.group(1) if (m := _CELL_T.search(attrs)) else b"n"
    if kind == b"s":
        return shared(int(_text(body, b"v")))
    if kind in (b"inlineStr", b"str"):
        return _text(body, b"t" if kind == b"inlineStr" else b"v")
    return OTHER


def _rows(chunks: Iterator[bytes]) -> Iterator[tuple[int, bytes]]:
    """(Excel row number, row body) for each row element, streamed."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        last = 0
        for m in ROW.finditer(pending):
            number = _ROW_R.search(m.group("attrs"))
            if number is None:
                raise Unsure("row without a number")
            yield int(number.group(1)), m.group("body") or b""
            last = m.end()
        pending = pending[last:]
        if _SHEET_DATA_END.search(pending):
            return


def head_rows(package: Package, part: str, count: int) -> tuple[int, list[list[object]]]:
    """(0-based row of the first value, `count` rows from there with absolute columns)."""
    shared = shared_strings(package)
    first: int | None = None
    rows: list[list[object]] = [[] for _ in range(count)]
    for number, body in _rows(iter(package.chunks(part))):
        if first is not None and number - 1 >= first + count:
            break
        for cell in CELL.finditer(body):
            ref = _CELL_R.search(cell.group("attrs"))
            if ref is None or int(ref.group(2)) != number:
                raise Unsure("cell without a reference")
            value = _cell_value(cell.group("attrs"), cell.group("body"), shared)
            if value is None:
                continue
            first = number - 1 if first is None else first
            if number - 1 - first >= count:
                break
            row = rows[number - 1 - first]
            col = column_number(ref.group(1).decode()) - 1
            row.extend([None] * (col + 1 - len(row)))
            row[col] = value
    return (first if first is not None else 0), rows
