"""The registered document tabs next to the order rows they were generated from (RULES.md §8).

For each current register row (not superseded) whose tab the book has, holding the register's
Order No in its key cell (a tab sheetsync generated for that order): the tab as read (T),
the order, shipment and lines as they are now (O), and the totals stamped at generation (S).
Built once per check run (`Context.shared`) and read by every doc-* rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sheetsync.book import Book, Tab
from sheetsync.contract.doc_layout import BY_TYPE, KEY_LABEL, LETTERS, STAMPED, TOTAL_LABEL, DocKind
from sheetsync.rules.engine import Context
from sheetsync.rules.orderdata import order_index

MAX_LINES = 5000  # rows scanned for the Total row of a line table


def text_key(value: object) -> str:
    """An Order / Shipment No as compared: text, trimmed, case-folded ('1001.0' and 1001 alike)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip().casefold()


Record = dict[str, Any]
ORDER_KEYS = ("order_no", "currency", "consignee", "notify_party", "port_of_loading", "port_of_discharge",
              "buyer", "payment_terms", "incoterm")  # fmt: skip
LINE_KEYS = ("key", "line", "shipment_no", "quantity", "unit_price", "cartons", "net_kg", "gross_kg",
             "hs_code", "origin", "description")  # fmt: skip
SHIP_KEYS = ("shipment_no", "consignee", "port_of_discharge", "packages")


def blank(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def document_lines(order_lines: list[Record], shipment_no: object) -> list[Record]:
    """The lines a document of one order covers: a shipment's own lines when the order's lines
    name two or more shipments, else all the order's lines (how `generate` chose them)."""
    named = [text_key(line["shipment_no"]) for line in order_lines]
    wanted = text_key(shipment_no)
    if wanted and len({n for n in named if n}) > 1:
        return [line for line, n in zip(order_lines, named, strict=True) if n == wanted]
    return order_lines


@dataclass
class DocView:
    """One registered document: where it sits, what its tab says, what the order says now."""

    register_row: int  # Excel row in Documents
    kind: DocKind
    name: str
    tab: Tab
    order_no: str
    order: Record  # the Orders row's values the rules compare
    shipment: Record | None
    lines: list[Record]  # O: the lines the document covers
    stamped: dict[str, float]  # S
    issued: bool
    table: list[tuple[int, Record | None]]  # each line-table row on the tab: (Excel row, its line)
    total_row: int | None

    def typed(self, ref: str) -> bool:
        """A cell the layout fills with a formula, now holding a value (typed over, or frozen)."""
        return ref not in self.tab.formulas

    def line_ref(self, key: str, row: int) -> str | None:
        column = self.kind.line_column(key)
        return None if column is None else f"{LETTERS[column]}{row}"

    def own_or_order(self, key: str) -> object:
        """The shipment's own Consignee / Port of Discharge when it names one, else the order's."""
        if self.shipment is not None and not blank(self.shipment.get(key)):
            return self.shipment[key]
        return self.order.get(key)

    def total(self, key: str) -> float:
        """Σ of a Lines column over the covered lines (blanks count 0)."""
        values = [line.get(key) for line in self.lines]
        return sum((float(v) for v in values if not blank(v)), 0.0)  # type: ignore[arg-type]


def documents(book: Book, ctx: Context) -> list[DocView]:
    """Every current registered document whose tab the book has (cached per run)."""
    found = ctx.shared.get("doc_views")
    if found is None:
        found = ctx.shared["doc_views"] = list(_views(book))
    return found


def _records(frame: pd.DataFrame | None, keys: tuple[str, ...]) -> list[Record]:
    if frame is None:
        return []
    return frame[[k for k in keys if k in frame]].to_dict("records")  # type: ignore[return-value]


def _views(book: Book) -> Iterator[DocView]:
    index = order_index(book)
    register = index.children.get("Documents")
    if register is None or not book.tabs:
        return
    orders = _records(index.orders, ORDER_KEYS)
    lines_of: dict[int, list[Record]] = {}
    for line in _records(index.children.get("Lines"), LINE_KEYS):
        lines_of.setdefault(int(line["key"]), []).append(line)
    ships = {text_key(s["shipment_no"]): s for s in _records(index.children.get("Shipments"), SHIP_KEYS)}
    tabs = {name.casefold(): tab for name, tab in book.tabs.items()}
    for row, reg in zip(register.index, register.to_dict("records"), strict=True):
        kind = BY_TYPE.get(str(reg["type"]))
        tab = tabs.get(str(reg["sheet"]).strip().casefold()) if not blank(reg["sheet"]) else None
        if kind is None or tab is None or reg["key"] < 0 or not blank(reg.get("superseded")):
            continue
        if text_key(tab.value(kind.box_cell(KEY_LABEL))) != text_key(reg["order_no"]):
            continue  # not a tab sheetsync generated for this order (its key cell says otherwise)
        order = orders[int(reg["key"])]
        covered = document_lines(lines_of.get(int(reg["key"]), []), reg["shipment_no"])
        table, total_row = _table(tab, kind, covered)
        stamped = {k: float(reg[k]) for k in STAMPED if not blank(reg.get(k))}
        yield DocView(int(str(row)), kind, str(reg["sheet"]).strip(), tab, str(order["order_no"]), order,
                      ships.get(text_key(reg["shipment_no"])), covered, stamped, not blank(reg.get("issued")),
                      table, total_row)  # fmt: skip


def _table(
    tab: Tab, kind: DocKind, covered: list[Record]
) -> tuple[list[tuple[int, Record | None]], int | None]:
    """The tab's line rows matched to the lines by Line, and the Total row."""
    by_line = {text_key(line["line"]): line for line in covered}
    rows: list[tuple[int, Record | None]] = []
    for n in range(kind.table_row + 1, kind.table_row + 1 + MAX_LINES):
        first = tab.cells.get(f"A{n}")
        if first == TOTAL_LABEL:
            return rows, n
        if first is None and not any(f"{c}{n}" in tab.cells for c in LETTERS):
            return rows, None
        rows.append((n, by_line.get(text_key(first))))
    return rows, None
