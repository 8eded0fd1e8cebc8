"""Read the registered document tabs: cached values and which cells still hold a formula.

A document tab is a page or two of cells, so its XML is read whole and scanned once; a book
with hundreds of tabs costs one pass over the file for all their parts (`Parts.read_small`)
and one regex pass over each (no calamine sheet, no DataFrame, no formula text copied).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from xml.sax.saxutils import unescape

from sheetsync.book import Tab
from sheetsync.contract.doc_layout import CHECKED_BOXES, KINDS, TITLE_CELL, DocKind
from sheetsync.io.ooxml.package import Package
from sheetsync.io.ooxml.xml_text import text_of
from sheetsync.io.read.sheet_head import CELL

_REF = re.compile(rb'(?:^|\s)r="([A-Z]+\d+)"')
_TYPE = re.compile(rb'(?:^|\s)t="(\w+)"')
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b")


# The shape Excel, LibreOffice and sheetsync write a cell in: r, then s, then t; an optional
# formula; a value or an inline string. A tab with any other shape is read cell by cell.
# Groups: ref, type, "<f" when a formula, "<v>" and the value, "<is>" and the inline text
# (markers, so that an empty value or string is told from none without copying the formula).
# Possessive quantifiers: nothing here needs backtracking, and not trying saves a third.
_PLAIN = re.compile(
    rb'<c r="([A-Z]++\d++)"(?: s="\d++")?+(?: t="(\w++)")?+\s*+(?:/>|>(?:(<f)\b[^>]*+>(?:[^<]*+</f>)?+)?+'
    rb'(?:(<v>)([^<]*+)</v>|(<is>)<t(?: xml:space="preserve")?+>([^<]*+)</t></is>)?+</c>)'
)
_OPEN = re.compile(rb"<(?:[\w.-]+:)?c\b")
# What `_PLAIN` counts on: every cell element opens as `<c ` (no namespace prefix, no other
# whitespace). `_STARTS` counts every `<c` but `<co…` (`<cols>`, `<col>`): on a tab of usual
# cells and nothing else of that kind (`<cfRule`, `<customSheetView`), as many as `_PLAIN`
# found; where they differ, or a `:c` element may be prefixed, the cells are counted exactly.
_STARTS = re.compile(rb"<c(?!o)")
_PREFIXED = re.compile(rb":c[\s>/]")
# `_PLAIN` for the printed columns of the line table, and every reference to a cell of those
# columns, whatever its shape (see `_head_patterns`).
_TABLE = re.compile(_PLAIN.pattern.replace(rb"([A-Z]++\d++)", rb"([A-H]\d++)", 1))
_TABLE_REFS = re.compile(rb'r="[A-H]')
_ENTITIES = {"&quot;": '"', "&apos;": "'"}
Cells = dict[str, str | float | bool | None]


def read_tabs(
    book: Path | Package, names: Iterable[str], layouts: Mapping[str, DocKind] | None = None
) -> dict[str, Tab]:
    """The tabs of `names` that the book has (compared as Excel does), by the name asked for.

    `book` is the workbook's path, or its package already open (then left open). A tab with
    its document kind in `layouts` (by the name asked for) is read for what the doc rules
    look at: the title, the values of the CHECKED_BOXES, and every printed column (A-H) from
    the line table's first row down; any other tab, whole.
    """
    layouts = layouts or {}
    wanted = {n.strip().casefold(): n for n in names if n and n.strip()}
    if not wanted:
        return {}
    package = Package(book) if isinstance(book, Path) else book
    try:
        shared: list[Callable[[int], str]] = []

        def lookup(index: int) -> str:
            if not shared:
                shared.append(package.shared_text())
            return shared[0](index)

        parts: dict[str, str] = {}  # part -> the name asked for
        for sheet in package.sheets():
            name = wanted.get(sheet.name.casefold())
            if name is not None and sheet.is_worksheet:
                parts[sheet.part] = name
        out: dict[str, Tab] = {}
        for part, xml in package.read_small(parts).items():
            kind = layouts.get(parts[part])
            laid_out = _laid_out(xml, kind, lookup) if kind is not None else None
            out[parts[part]] = laid_out or _plain(xml, lookup) or _any(xml, lookup)
        return out
    finally:
        if package is not book:
            package.close()


def _value(kind: bytes | None, raw: bytes, shared: Callable[[int], str]) -> str | float | bool | None:
    if kind == b"s":
        return shared(int(raw)) if raw.strip().isdigit() else None
    if kind in (b"str", b"e", b"inlineStr"):
        text = raw.decode("utf-8")
        return unescape(text, _ENTITIES) if "&" in text else text
    if kind == b"b":
        return raw.strip() in (b"1", b"true")
    return float(raw) if raw.strip() else None


def _laid_out(xml: bytes, kind: DocKind, shared: Callable[[int], str]) -> Tab | None:
    """The cells the doc rules read, where `kind` lays them out; None when the tab is not in
    the usual shape (then it is read whole): above the line table's first row, the title and
    the checked boxes' values; from that row on, columns A-H. Every one of those cells must be
    of the usual shape, or nothing is taken from here."""
    table = xml.find(b'<row r="%d"' % (kind.table_row + 1))  # the first line (or the Total row)
    if table < 0 or _PREFIXED.search(xml):
        return None
    cells, refs = _head_patterns(kind)
    head, rows = cells.findall(xml, 0, table), _TABLE.findall(xml, table)
    if len(head) != len(refs.findall(xml, 0, table)):
        return None
    if len(rows) != len(_TABLE_REFS.findall(xml, table)):
        return None
    return _tab(head + rows, shared)


_HEADS: dict[str, tuple[DocKind, re.Pattern[bytes], re.Pattern[bytes]]] = {}


def _head_patterns(kind: DocKind) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """`_PLAIN` for the title and the checked boxes of `kind`, and every reference to those
    cells whatever the cell's shape (a row's `r` is a number; another attribute that happens
    to match only sends the tab to the whole read)."""
    found = _HEADS.get(kind.type)
    if found is None or found[0] is not kind:
        boxes = [ref for label in CHECKED_BOXES if (ref := kind.box_cell(label))]
        refs = "|".join([TITLE_CELL, *dict.fromkeys(boxes)]).encode()
        cells = re.compile(_PLAIN.pattern.replace(rb"([A-Z]++\d++)", b"(" + refs + b")", 1))
        found = _HEADS[kind.type] = (kind, cells, re.compile(b'r="(?:' + refs + b')"'))
    return found[1], found[2]


for _kind in KINDS.values():  # compiled with the module, as its other patterns
    _head_patterns(_kind)


def _plain(xml: bytes, shared: Callable[[int], str]) -> Tab | None:
    """The tab from cells of the usual shape, or None when a cell has another shape."""
    found = _PLAIN.findall(xml)
    usual = len(_STARTS.findall(xml)) == len(found) and not _PREFIXED.search(xml)
    if not usual and len(found) != len(_OPEN.findall(xml)):
        return None
    return _tab(found, shared)


def _tab(found: list[tuple[bytes, ...]], shared: Callable[[int], str]) -> Tab:
    """The tab from `_PLAIN`'s matches."""
    cells: Cells = {}
    formulas = []
    for ref, kind, formula, has_value, raw, has_text, text in found:
        a1 = ref.decode()
        if formula:
            formulas.append(a1)
        if has_text:
            inline = text.decode("utf-8")
            cells[a1] = unescape(inline, _ENTITIES) if "&" in inline else inline
        elif not has_value:
            cells[a1] = None
        elif not kind or kind == b"n":
            cells[a1] = float(raw) if raw.strip() else None
        else:
            cells[a1] = _value(kind, raw, shared)
    return Tab(cells, frozenset(formulas))


def _any(xml: bytes, shared: Callable[[int], str]) -> Tab:
    """The tab cell by cell, whatever the attribute order or namespace prefix."""
    cells: Cells = {}
    formulas = set()
    for cell in CELL.finditer(xml):
        attrs, body = cell.group("attrs"), cell.group("body") or b""
        ref = _REF.search(attrs)
        if ref is None:
            continue
        a1 = ref.group(1).decode()
        if _FORMULA.search(body):
            formulas.add(a1)
        kind = m.group(1) if (m := _TYPE.search(attrs)) else b"n"
        if kind == b"inlineStr":
            cells[a1] = text_of(body, b"t")
        elif kind in (b"str", b"e"):
            cells[a1] = text_of(body, b"v")
        else:
            cells[a1] = _value(kind, text_of(body, b"v").encode(), shared) if _VALUE.search(body) else None
    return Tab(cells, frozenset(formulas))
