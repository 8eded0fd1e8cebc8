"""Lay out one document tab: boxes and line table as live formulas on the order's rows.

Every value cell is `INDEX(<bounded column range>, <position>)`, the position found once per
order (hidden cell J1), per shipment (J2) and per line (J<row>) with MATCH / SUMPRODUCT on the
Order No (and Line, Shipment No) — functions Excel 2010+ and LibreOffice both compute. The
key cell holds the Order No as the Orders cell stores it, so the exact MATCH finds it; sorting
the sheets, inserting rows or columns moves the ranges and positions along with the data.
Cached values are computed here from the cells as stored, so the tab reads right at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sheetsync.contract.doc_layout import (
    FIRST_BOX_ROW,
    HELPER_COLUMN,
    LETTERS,
    TITLE_CELL,
    TOTAL_LABEL,
    WIDTHS,
    WORDS_LABEL,
    Box,
    DocKind,
    LineColumn,
    freight_term,
)
from sheetsync.documents.source import EPOCH, Source, Table, as_text, key_of
from sheetsync.documents.words import amount_in_words
from sheetsync.edits import DocCell, DocumentSheet, Formula

Cached = str | float | None
TWO_LINES = 26.0  # points: a box whose text may wrap once
ROW_HEIGHT = 13.0  # points: every other row (the tab's default row height)
# A tab no taller than this many default rows prints on one A4 page even unscaled (58 fit
# between the margins; fitted to the page width, the tabs print at about 76%).
ONE_PAGE_ROWS = 50
MAX_LITERAL = 255  # characters of a text constant inside an Excel formula
H = HELPER_COLUMN
ORDER_POS = f"${H}$1"
SHIP_POS = f"${H}$2"
# A shipment's own Consignee / Port of Discharge, else the order's (WORKBOOK.md Shipments).
FALLBACK = {"consignee": "consignee", "port_of_discharge": "port_of_discharge"}


@dataclass
class Order:
    """What one document is about: the rows it reads and what sheetsync stamps on it."""

    kind: DocKind
    order_row: int  # Excel row in Orders
    line_rows: Sequence[int]  # Excel rows in Lines, in document order
    shipment_row: int | None  # Excel row in Shipments
    doc_no: str
    tab: str
    date: dt.date
    replaces: str | None = None


@dataclass
class Built:
    sheet: DocumentSheet
    totals: dict[str, float]  # stamped: amount, quantity, packages, net_kg, gross_kg


@dataclass
class _Tab:
    cells: dict[str, DocCell] = field(default_factory=dict)
    cached: dict[str, Cached] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)

    def put(self, ref: str, value: str | float | Formula | None, style: str = "text") -> None:
        self.cells[ref] = DocCell(value, style)
        self.cached[ref] = value.cached if isinstance(value, Formula) else value


def _text(rng: str, pos: str, raw: Cached) -> Formula:
    return Formula(f'=IF({pos},""&INDEX({rng},{pos}),"")', as_text(raw))


def _value(rng: str, pos: str, raw: Cached) -> Formula:
    """A date or number: blank stays blank (INDEX of an empty cell would show 0)."""
    item = f"INDEX({rng},{pos})"
    return Formula(f'=IF({pos},IF({item}="","",{item}),"")', "" if raw is None else raw)


def _box_value(
    src: Source, job: Order, box: Box, tab: _Tab, key_cell: str
) -> tuple[str | float | Formula, str]:
    """The value (and style) of a header box."""
    kind, key = box.source
    style = "date" if box.kind == "date" else "text"
    orders = src.tables["Orders"]
    if kind == "key":
        return _key(orders, job), "text"
    if kind == "doc":
        if key == "date":
            return (dt.datetime.combine(job.date, dt.time()) - EPOCH).days * 1.0, "date"
        if key == "doc_no":
            return job.doc_no, "text"
        ships = src.tables.get("Shipments")
        return (
            ships.raw(job.shipment_row, "shipment_no") if ships and job.shipment_row else None
        ) or "", style
    if kind == "settings":
        return _setting(src, key), style
    if kind == "calc" and key == "freight":
        term = tab.cached.get(job.kind.box_cell("Incoterm") or "") or ""
        ref = job.kind.box_cell("Incoterm")
        return Formula(f'=IF(OR(LEFT({ref},1)="C",LEFT({ref},1)="D"),"Prepaid","Collect")',
                       freight_term(str(term))), style  # fmt: skip
    table = src.tables.get("Shipments") if kind == "shipments" else orders
    make = _value if box.kind == "date" else _text
    own = None
    if table is not None and table.has(key):
        row = job.shipment_row if kind == "shipments" else job.order_row
        raw = table.raw(row, key) if row else None
        pos = SHIP_POS if kind == "shipments" else ORDER_POS
        own = make(table.column(key), pos, raw)
    back = FALLBACK.get(key) if kind == "shipments" else None
    if back and orders.has(back):
        theirs = make(orders.column(back), ORDER_POS, orders.raw(job.order_row, back))
        if own is None:
            return theirs, style
        return Formula(f'=IF({own.expression[1:]}<>"",{own.expression[1:]},{theirs.expression[1:]})',
                       own.cached if own.cached not in ("", None) else theirs.cached), style  # fmt: skip
    return (own if own is not None else ""), style


def _key(orders: Table, job: Order) -> str | float:
    raw = orders.raw(job.order_row, "order_no")
    return raw if isinstance(raw, str | float) else as_text(raw)


def _setting(src: Source, key: str) -> str | Formula:
    from sheetsync.contract import header_key

    cells = src.settings
    if cells is None:
        return ""
    raw = cells.values.get(header_key(key))
    found = f'MATCH("{key}",{cells.range(cells.key_column)},0)'
    return Formula(f'=IFERROR(""&INDEX({cells.range(cells.value_column)},{found}),"")', as_text(raw))


def _helpers(src: Source, job: Order, tab: _Tab, key_cell: str, ship_cell: str | None) -> None:
    orders = src.tables["Orders"]
    tab.put(f"{H}1", Formula(f"=IFERROR(MATCH({key_cell},{orders.column('order_no')},0),0)",
                              float(orders.position(job.order_row))), "small")  # fmt: skip
    ships = src.tables.get("Shipments")
    if ships is not None and ship_cell and ships.has("shipment_no"):
        pos = float(ships.position(job.shipment_row)) if job.shipment_row else 0.0
        tab.put(
            f"{H}2", Formula(f"=IFERROR(MATCH({ship_cell},{ships.column('shipment_no')},0),0)", pos), "small"
        )
    else:
        tab.put(f"{H}2", 0.0, "small")
    lines = src.tables["Lines"]
    first = _first_match(src, lines, _key(orders, job))
    tab.put(
        f"{H}3", Formula(f"=IFERROR(MATCH({key_cell},{lines.column('order_no')},0),0)", float(first)), "small"
    )


def _first_match(src: Source, lines: Table, key: str | float) -> int:
    """The position MATCH finds for the Order No among the Lines (0: none) — exact, case-insensitive."""
    for row in sorted(src.rows_by("Lines", "order_no").get(key_of(key), [])):
        raw = lines.raw(row, "order_no")
        same = (
            raw.casefold() == key.casefold() if isinstance(raw, str) and isinstance(key, str) else raw == key
        )
        if same:
            return lines.position(row)
    return 0


def _line_position(lines: Table, order_key: str, n: int, offset: int | None) -> str:
    """Where line n's row is: the order's first line + its offset when that row still is the line
    (O(1), Excel and LibreOffice evaluate only the IF branch taken), else a search of every row."""
    orders, numbers = lines.column("order_no"), lines.column("line")
    search = (f'SUMPRODUCT(({orders}&""={order_key}&"")*({numbers}&""=$A{n}&"")'
              f"*(ROW({orders})-ROW({lines.first_cell('order_no')})+1))")  # fmt: skip
    if offset is None:
        return "=" + search
    at = f"${H}$3+{offset}"
    same = f'AND(INDEX({orders},{at})&""={order_key}&"",INDEX({numbers},{at})&""=$A{n}&"")'
    return f"=IF(${H}$3=0,{search},IF({same},{at},{search}))"


def _line_cell(
    lines: Table, kind: DocKind, column: LineColumn, row: int, n: int, tab: _Tab, amount_of: tuple[str, str]
) -> None:
    """One cell of the line table on Excel row `n`, reading Lines row `row`."""
    ref = f"{LETTERS[kind.lines.index(column)]}{n}"
    pos = f"${H}{n}"
    source, key = column.source
    style = {"text": "cell", "number": "number", "amount": "amount", "integer": "integer"}[column.kind]
    if source == "calc":
        q, p = (f"{c}{n}" for c in amount_of)
        qv, pv = tab.cached.get(q), tab.cached.get(p)
        cached = qv * pv if isinstance(qv, float) and isinstance(pv, float) else ""
        tab.put(ref, Formula(f'=IF(AND(ISNUMBER({q}),ISNUMBER({p})),{q}*{p},"")', cached), style)
    elif not lines.has(key):
        tab.put(ref, "", style)
    elif key == "line":
        raw = lines.raw(row, key)
        tab.put(ref, raw if isinstance(raw, str | float) else "", style)  # the line's key, as stored
    elif column.kind == "text":
        tab.put(ref, _text(lines.column(key), pos, lines.raw(row, key)), style)
    else:
        tab.put(ref, _value(lines.column(key), pos, lines.raw(row, key)), style)


def build(src: Source, job: Order) -> Built:
    """The DocumentSheet for `job`, and the totals stamped in the register."""
    kind, tab = job.kind, _Tab()
    tab.put(TITLE_CELL, kind.title, "title")
    tab.merges.append("A1:H1")
    key_cell = kind.box_cell("Order No") or "F5"
    ship_cell = kind.box_cell("Shipment No")
    for column_letter_, value_letter, boxes in (("A", "B", kind.left), ("E", "F", kind.right)):
        for i, box in enumerate(boxes):
            row = FIRST_BOX_ROW + i
            value, style = _box_value(src, job, box, tab, key_cell)
            tab.put(f"{column_letter_}{row}", box.label, "label")
            tab.put(f"{value_letter}{row}", value, style)
            tab.merges.append(f"{value_letter}{row}:{'D' if value_letter == 'B' else 'H'}{row}")
            if not box.label or "Address" in box.label or box.label == "Shipping Marks":
                tab.heights[row] = TWO_LINES
    _helpers(
        src,
        job,
        tab,
        f"${key_cell[0]}${key_cell[1:]}",
        f"${ship_cell[0]}${ship_cell[1:]}" if ship_cell else None,
    )
    head = kind.table_row
    for i, column in enumerate(kind.lines):
        tab.put(f"{LETTERS[i]}{head}", column.header, "head")
    lines = src.tables["Lines"]
    quantity = LETTERS[kind.line_column("quantity") or 0]
    price = LETTERS[kind.line_column("unit_price") or 0]
    order_key = f"${key_cell[0]}${key_cell[1:]}"
    first = tab.cached[f"{H}3"]
    for n, row in enumerate(job.line_rows, start=head + 1):
        offset = lines.position(row) - int(first) if isinstance(first, float) and first > 0 else None
        match = _line_position(lines, order_key, n, offset if offset is not None and offset >= 0 else None)
        tab.put(f"{H}{n}", Formula(match, float(lines.position(row))), "small")
        for column in kind.lines:
            _line_cell(lines, kind, column, row, n, tab, (quantity, price))
    total_row = head + 1 + len(job.line_rows)
    _totals(kind, tab, head, total_row)
    foot = _foot(src, job, tab, total_row)
    return Built(
        DocumentSheet(
            name=job.tab, title=kind.title, cells=tab.cells, widths=WIDTHS, print_area=f"$A$1:$H${foot}",
            merges=tuple(tab.merges), repeat_rows=_repeat_rows(tab, head, foot), hidden=(H,),
            replaces=job.replaces, heights=tab.heights,
        ),
        _stamp(src, job),
    )  # fmt: skip


def _repeat_rows(tab: _Tab, head: int, foot: int) -> tuple[int, int] | None:
    """The line table's header row, repeated on every printed page: only on a tab that may
    print on more than one page. On a one-page tab it changes nothing, and LibreOffice opens
    whole-row print titles in quadratic time: 576 one-page tabs, each with its own, took
    7 minutes to open instead of 20 s."""
    tall = sum(tab.heights.get(n, ROW_HEIGHT) for n in range(1, foot + 1)) / ROW_HEIGHT
    return (head, head) if tall > ONE_PAGE_ROWS else None


def _totals(kind: DocKind, tab: _Tab, head: int, total_row: int) -> None:
    tab.put(f"A{total_row}", TOTAL_LABEL, "total")
    for i, column in enumerate(kind.lines[1:], start=1):
        ref = f"{LETTERS[i]}{total_row}"
        if not column.total:
            tab.put(ref, "", "total")
            continue
        cells = [tab.cached.get(f"{LETTERS[i]}{n}") for n in range(head + 1, total_row)]
        cached = 0.0
        for value in cells:
            cached += value if isinstance(value, float) else 0.0
        style = "total_amount" if column.kind == "amount" else "total"
        tab.put(
            ref,
            Formula(f"=SUM({LETTERS[i]}{head + 1}:{LETTERS[i]}{max(total_row - 1, head + 1)})", cached),
            style,
        )


def _foot(src: Source, job: Order, tab: _Tab, total_row: int) -> int:
    """Amount in words (invoices), bank details, declaration and the signature block; the last row."""
    kind, row = job.kind, total_row + 2
    if kind.words:
        amount = LETTERS[kind.line_column("amount") or 7]
        total = tab.cached.get(f"{amount}{total_row}")
        currency = str(tab.cached.get(kind.box_cell("Currency") or "") or "")
        value = total if isinstance(total, float) else 0.0
        words = amount_in_words(value, currency)
        check = f"ROUND({amount}{total_row},2)=ROUND({value!r},2)"
        tab.put(f"A{row}", WORDS_LABEL, "label")
        live = Formula(f'=IF({check},"{words}","Amount changed: generate this document again")', words)
        tab.put(f"B{row}", live if len(words) < MAX_LITERAL else words, "text")
        tab.merges.append(f"B{row}:H{row}")
        tab.heights[row] = TWO_LINES
        row += 1
        tab.put(f"A{row}", "Bank", "label")
        tab.put(f"B{row}", _setting(src, "Exporter Bank"), "text")
        tab.merges.append(f"B{row}:H{row}")
        row += 2
    if kind.slug == "origin":
        tab.put(f"A{row}", "Declaration", "label")
        tab.put(f"B{row}", "The undersigned declares that the goods described above originate in the "
                           "countries shown under Origin.", "small")  # fmt: skip
        tab.merges.append(f"B{row}:H{row}")
        row += 2
    tab.put(f"E{row}", "For and on behalf of", "label")
    tab.put(f"F{row}", _setting(src, "Exporter Name"), "text")
    tab.merges.append(f"F{row}:H{row}")
    tab.put(f"E{row + 2}", "Authorised signatory", "label")
    tab.put(f"F{row + 2}", _setting(src, "Signatory"), "text")
    tab.merges.append(f"F{row + 2}:H{row + 2}")
    return row + 2


def _stamp(src: Source, job: Order) -> dict[str, float]:
    """Totals of the document's lines, as the order rows say now (the register's S)."""
    cached = src.stamps.get(tuple(job.line_rows))
    if cached is not None:
        return cached
    frame = src.tables["Lines"].data.frame
    at = frame.index.get_indexer(pd.Index(list(job.line_rows)))
    column = {k: frame[k].to_numpy()[at] for k in ("quantity", "unit_price", "cartons", "net_kg", "gross_kg")}
    amount = 0.0
    for q, p in zip(column["quantity"], column["unit_price"], strict=True):
        amount += float(q * p) if q == q and p == p else 0.0
    totals = {"amount": amount, "quantity": float(np.nansum(column["quantity"])),
              "packages": float(np.nansum(column["cartons"])), "net_kg": float(np.nansum(column["net_kg"])),
              "gross_kg": float(np.nansum(column["gross_kg"]))}  # fmt: skip
    src.stamps[tuple(job.line_rows)] = totals
    return totals
