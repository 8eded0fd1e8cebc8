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


def document_lines(order_lines: pd.DataFrame, shipment_no: object) -> pd.DataFrame:
    """The lines a document of one order covers: a shipment's own lines when the order's lines
    name two or more shipments, else all the order's lines (how `generate` chose them)."""
    named = order_lines["shipment_no"].map(text_key)
    wanted = text_key(shipment_no)
    if wanted and named[named != ""].nunique() > 1:
        return order_lines[named == wanted]
    return order_lines


@dataclass
class DocView:
    """One registered document: where it sits, what its tab says, what the order says now."""

    register_row: int  # Excel row in Documents
    kind: DocKind
    name: str
    tab: Tab
    order_no: str
    order: pd.Series  # the Orders row (with `row`: its Excel row)
    shipment: pd.Series | None
    lines: pd.DataFrame  # O: the lines the document covers, index = Excel row in Lines
    stamped: dict[str, float]  # S
    issued: bool
    table: list[tuple[int, pd.Series | None]]  # each line-table row on the tab: (Excel row, its line)
    total_row: int | None

    def typed(self, ref: str) -> bool:
        """A cell the layout fills with a formula, now holding a value (typed over, or frozen)."""
        return ref not in self.tab.formulas

    def line_ref(self, key: str, row: int) -> str | None:
        column = self.kind.line_column(key)
        return None if column is None else f"{LETTERS[column]}{row}"

    def own_or_order(self, key: str) -> object:
        """The shipment's own Consignee / Port of Discharge when it names one, else the order's."""
        if self.shipment is not None and key in self.shipment and pd.notna(self.shipment[key]):
            return self.shipment[key]
        return self.order.get(key)


def documents(book: Book, ctx: Context) -> list[DocView]:
    """Every current registered document whose tab the book has (cached per run)."""
    found = ctx.shared.get("doc_views")
    if found is None:
        found = ctx.shared["doc_views"] = list(_views(book))
    return found  # type: ignore[no-any-return]


def _views(book: Book) -> Iterator[DocView]:
    index = order_index(book)
    register = index.children.get("Documents")
    if register is None or not book.tabs:
        return
    orders = index.orders.assign(row=index.orders.index)
    by_key = orders.set_index("key")
    lines = index.children.get("Lines", pd.DataFrame({"key": []}))
    ships = index.children.get("Shipments")
    ship_by_no = {text_key(s): r for r, s in ships["shipment_no"].items()} if ships is not None else {}
    tabs = {name.casefold(): tab for name, tab in book.tabs.items()}
    for row, reg in register.iterrows():
        kind = BY_TYPE.get(str(reg["type"]))
        tab = tabs.get(str(reg["sheet"]).strip().casefold()) if pd.notna(reg["sheet"]) else None
        if kind is None or tab is None or reg["key"] < 0 or pd.notna(reg.get("superseded")):
            continue
        if text_key(tab.value(kind.box_cell(KEY_LABEL))) != text_key(reg["order_no"]):
            continue  # not a tab sheetsync generated for this order (its key cell says otherwise)
        order = _row(by_key, int(reg["key"]))
        ship_row = ship_by_no.get(text_key(reg["shipment_no"]))
        shipment = _row(ships, int(str(ship_row))) if ships is not None and ship_row is not None else None
        covered = document_lines(lines[lines["key"] == reg["key"]], reg["shipment_no"])
        table, total_row = _table(tab, kind, covered)
        stamped = {k: float(reg[k]) for k in STAMPED if pd.notna(reg.get(k))}
        yield DocView(int(str(row)), kind, str(reg["sheet"]).strip(), tab, str(order["order_no"]), order,
                      shipment, covered, stamped, pd.notna(reg.get("issued")), table, total_row)  # fmt: skip


def _row(frame: pd.DataFrame, label: int) -> pd.Series:
    """One row by index label (the first, should the label repeat)."""
    found = frame.loc[label]
    return found.iloc[0] if isinstance(found, pd.DataFrame) else found


def _table(
    tab: Tab, kind: DocKind, covered: pd.DataFrame
) -> tuple[list[tuple[int, pd.Series | None]], int | None]:
    """The tab's line rows matched to the lines by Line, and the Total row."""
    by_line = {text_key(v): r for r, v in covered["line"].items()}
    rows: list[tuple[int, pd.Series | None]] = []
    for n in range(kind.table_row + 1, kind.table_row + 1 + MAX_LINES):
        first = tab.cells.get(f"A{n}")
        if first == TOTAL_LABEL:
            return rows, n
        if first is None and not any(f"{c}{n}" in tab.cells for c in LETTERS):
            return rows, None
        at = by_line.get(text_key(first))
        rows.append((n, _row(covered, int(str(at))) if at is not None else None))
    return rows, None
