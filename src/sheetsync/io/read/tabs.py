"""Read the registered document tabs: cached values and which cells still hold a formula.

A document tab is a page or two of cells, so its XML is read whole and scanned once; a book
with hundreds of tabs costs one pass over each small part (no calamine sheet, no DataFrame).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sheetsync.book import Tab
from sheetsync.io.ooxml.package import Package
from sheetsync.io.ooxml.xml_text import text_of
from sheetsync.io.read.sheet_head import CELL

_REF = re.compile(rb'(?:^|\s)r="([A-Z]+\d+)"')
_TYPE = re.compile(rb'(?:^|\s)t="(\w+)"')
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")


def read_tabs(path: Path, names: Iterable[str]) -> dict[str, Tab]:
    """The tabs of `names` that the book has (compared as Excel does), by the name asked for."""
    wanted = {n.strip().casefold(): n for n in names if n and n.strip()}
    if not wanted:
        return {}
    package = Package(path)
    try:
        shared = None
        out: dict[str, Tab] = {}
        for sheet in package.sheets():
            name = wanted.get(sheet.name.casefold())
            if name is None or not sheet.is_worksheet:
                continue
            cells: dict[str, str | float | bool | None] = {}
            formulas = set()
            for cell in CELL.finditer(package.read(sheet.part)):
                attrs, body = cell.group("attrs"), cell.group("body") or b""
                ref = _REF.search(attrs)
                if ref is None:
                    continue
                a1 = ref.group(1).decode()
                if _FORMULA.search(body):
                    formulas.add(a1)
                kind = m.group(1) if (m := _TYPE.search(attrs)) else b"n"
                if kind == b"s":
                    shared = shared or package.shared_text()
                    index = text_of(body, b"v").strip()
                    cells[a1] = shared(int(index)) if index.isdigit() else None
                elif kind == b"inlineStr":
                    cells[a1] = text_of(body, b"t")
                elif kind in (b"str", b"e"):
                    cells[a1] = text_of(body, b"v")
                else:
                    raw = text_of(body, b"v").strip()
                    cells[a1] = (raw in ("1", "true")) if kind == b"b" else (float(raw) if raw else None)
            out[name] = Tab(cells, frozenset(formulas))
        return out
    finally:
        package.close()
