"""The registered document tabs next to the order rows they were generated from (RULES.md §8).

For each current register row (not superseded) whose tab the book has, holding the register's
Order No in its key cell (a tab sheetsync generated for that order): the tab as read (T),
the order, shipment and lines as they are now (O), and the totals stamped at generation (S).
Built once per check run (`Context.shared`) and read by every doc-* rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from sheetsync.book import Book, Tab
from sheetsync.contract.doc_layout import (
    BY_TYPE,
    CHECKED_BOXES,
    KEY_LABEL,
    LETTERS,
    STAMPED,
    TOTAL_LABEL,
    DocKind,
)
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
REGISTER_KEYS = ("type", "sheet", "key", "superseded", "order_no", "shipment_no", "issued", *STAMPED)


def blank(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def memo_text_key() -> Callable[[object], str]:
    """`text_key`, remembering each value's key (by type and value) for one run over a book."""
    known: dict[tuple[type, object], str] = {}

    def key(value: object) -> str:
        try:
            return known[(type(value), value)]
        except KeyError:
            found = known[(type(value), value)] = text_key(value)
            return found
        except TypeError:  # an unhashable value
            return text_key(value)

    return key


def document_lines(
    order_lines: list[Record], shipment_no: object, key: Callable[[object], str] = text_key
) -> list[Record]:
    """The lines a document of one order covers: a shipment's own lines when the order's lines
    name two or more shipments, else all the order's lines (how `generate` chose them)."""
    named = [key(line["shipment_no"]) for line in order_lines]
    wanted = key(shipment_no)
    if wanted and len({n for n in named if n}) > 1:
        return [line for line, n in zip(order_lines, named, strict=True) if n == wanted]
    return order_lines


@dataclass(frozen=True)
class _Places:
    """Where a document kind's cells sit, looked up once: box label -> cell, source key -> letter."""

    boxes: dict[str, str]
    letters: dict[str, str]


_PLACES: dict[int, tuple[DocKind, _Places]] = {}  # id(kind) -> the kind, its places


def _places(kind: DocKind) -> _Places:
    """`box_cell` and `line_column` of every label and key of `kind` (asked ~100 times a tab)."""
    found = _PLACES.get(id(kind))
    if found is None or found[0] is not kind:
        boxes = {b.label: ref for b in (*kind.left, *kind.right) if (ref := kind.box_cell(b.label))}
        keys = [c.source[1] for c in kind.lines]
        letters = {k: LETTERS[i] for k in keys if (i := kind.line_column(k)) is not None}
        found = _PLACES[id(kind)] = (kind, _Places(boxes, letters))
    return found[1]


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
    places: _Places = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.places = _places(self.kind)

    def typed(self, ref: str) -> bool:
        """A cell the layout fills with a formula, now holding a value (typed over, or frozen)."""
        return ref not in self.tab.formulas

    def letter(self, key: str) -> str | None:
        """The line table's column of source `key` (a Lines key or `amount`), None when it has none."""
        return self.places.letters.get(key)

    def line_ref(self, key: str, row: int) -> str | None:
        letter = self.places.letters.get(key)
        return None if letter is None else f"{letter}{row}"

    def box(self, label: str) -> str | None:
        """The cell of the box labelled `label` (`DocKind.box_cell`), None when the kind has none.

        Only the boxes in CHECKED_BOXES are read from the tabs: a rule asking for another fails here.
        """
        if label not in CHECKED_BOXES:
            raise KeyError(f"box {label!r} is not read from the tabs: add it to CHECKED_BOXES")
        return self.places.boxes.get(label)

    @cached_property
    def typed_columns(self) -> tuple[frozenset[str], frozenset[str]]:
        """Letters of the line table with a cell typed over (no formula): on a line row; on the Total row."""
        letters = set(self.places.letters.values())  # one letter each (LETTERS)
        cells = {(c, f"{c}{n}") for c in letters for n, _ in self.table}
        on_lines = frozenset(c for c, ref in cells if ref not in self.tab.formulas)
        total = self.total_row
        on_total = frozenset(c for c in letters if total and f"{c}{total}" not in self.tab.formulas)
        return on_lines, on_total

    def own_or_order(self, key: str) -> object:
        """The shipment's own Consignee / Port of Discharge when it names one, else the order's."""
        if self.shipment is not None and not blank(self.shipment.get(key)):
            return self.shipment[key]
        return self.order.get(key)

    def total(self, key: str) -> float:
        """Σ of a Lines column over the covered lines (blanks count 0)."""
        values = [line.get(key) for line in self.lines]
        # not blank(v), inline: None, NaN and NaT are the blanks (NaN and NaT equal nothing)
        return sum([float(v) for v in values if v is not None and v == v], 0.0)


def documents(book: Book, ctx: Context) -> list[DocView]:
    """Every current registered document whose tab the book has (cached per run)."""
    found = ctx.shared.get("doc_views")
    if found is None:
        found = ctx.shared["doc_views"] = list(_views(book))
    return found


def _columns(frame: pd.DataFrame | None, keys: tuple[str, ...]) -> dict[str, list[Any]]:
    """The frame's columns of `keys` as Python lists (the values `to_dict("records")` gives)."""
    if frame is None:
        return {}
    return {k: frame[k].tolist() for k in keys if k in frame}


def _record(columns: dict[str, list[Any]], i: int) -> Record:
    return {k: values[i] for k, values in columns.items()}


def _views(book: Book) -> Iterator[DocView]:
    """Only the rows of the orders that have a document become records: a 2,000-order book
    with 500 tabs reads its frames column by column, once."""
    index = order_index(book)
    register = index.children.get("Documents")
    if register is None or not book.tabs:
        return
    tabs = {name.casefold(): tab for name, tab in book.tabs.items()}
    keyed = memo_text_key()
    reg = _columns(register, REGISTER_KEYS)
    superseded, issued = reg.get("superseded"), reg.get("issued")
    current = []  # (register row position, its kind, its tab)
    for i, sheet in enumerate(reg["sheet"]):
        kind = BY_TYPE.get(str(reg["type"][i]))
        tab = tabs.get(str(sheet).strip().casefold()) if not blank(sheet) else None
        if kind is None or tab is None or reg["key"][i] < 0:
            continue
        if superseded is not None and not blank(superseded[i]):
            continue
        if keyed(tab.value(_places(kind).boxes.get(KEY_LABEL))) != keyed(reg["order_no"][i]):
            continue  # not a tab sheetsync generated for this order (its key cell says otherwise)
        current.append((i, kind, tab))
    if not current:
        return
    wanted = sorted({int(reg["key"][i]) for i, _, _ in current})
    order_columns = _columns(index.orders.iloc[wanted], ORDER_KEYS)  # an order's key is its position
    orders = {key: _record(order_columns, n) for n, key in enumerate(wanted)}
    line_frame = index.children.get("Lines")
    if line_frame is not None and "key" in line_frame:
        line_frame = line_frame[line_frame["key"].isin(wanted).to_numpy()]
    lines = _columns(line_frame, LINE_KEYS)
    lines_of: dict[int, list[Record]] = {}
    for n, key in enumerate(lines.get("key", [])):
        lines_of.setdefault(int(key), []).append(_record(lines, n))
    ship_columns = _columns(index.children.get("Shipments"), SHIP_KEYS)
    ship_at = {keyed(s): n for n, s in enumerate(ship_columns.get("shipment_no", []))}  # last wins
    rows = register.index.tolist()
    for i, kind, tab in current:
        key = int(reg["key"][i])
        order = orders[key]
        covered = document_lines(lines_of.get(key, []), reg["shipment_no"][i], keyed)
        table, total_row = _table(tab, kind, covered, keyed)
        stamped = {k: float(reg[k][i]) for k in STAMPED if k in reg and not blank(reg[k][i])}
        at = ship_at.get(keyed(reg["shipment_no"][i]))
        shipment = _record(ship_columns, at) if at is not None else None
        yield DocView(int(str(rows[i])), kind, str(reg["sheet"][i]).strip(), tab, str(order["order_no"]),
                      order, shipment, covered, stamped, issued is not None and not blank(issued[i]),
                      table, total_row)  # fmt: skip


def _table(
    tab: Tab, kind: DocKind, covered: list[Record], text_key: Callable[[object], str] = text_key
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
