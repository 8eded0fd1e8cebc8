"""The demo's documents: every shipped order documented, and a few documents gone wrong on purpose.

The mistakes are the ones document checks exist for: an invoice total typed over, a consignee
typed over on another invoice, and an invoice generated twice (a re-issue, which document
first-time accuracy counts). Each typed-over cell is in the manifest with the findings it gives.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from sheetsync.actions.generate import Generated, generate_file
from sheetsync.contract.doc_layout import KINDS, LETTERS, TOTAL_LABEL
from sheetsync.demo.model import DemoData, Injected
from sheetsync.edits import DocumentSheet, Formula, FreezeSheet
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.read.reader import read_book

WRONG_CONSIGNEE = "Harbour Freight Consolidators Ltd"


def document_demo(book: Path, data: DemoData, mistakes: bool = True) -> tuple[Generated, list[Injected]]:
    """Generate the documents of every shipped order of the demo book; with `mistakes`, spoil three."""
    now = dt.datetime.combine(data.today, dt.time(9, 0))
    done = generate_file(book, all_shipped=True, now=now, backup=False, dated=_departures(book))
    invoices = sorted((d for d in done.plan.documents if d.type == "Commercial Invoice"), key=lambda d: d.tab)
    if not mistakes or len(invoices) < 3:
        return done, []
    sheets = {e.name: e for e in done.plan.edits if isinstance(e, DocumentSheet)}
    kind = KINDS["invoice"]
    total_tab, party_tab, twice = invoices[0].tab, invoices[1].tab, invoices[2]
    total_row = next(int(ref[1:]) for ref, cell in sheets[total_tab].cells.items()
                     if ref[0] == "A" and cell.value == TOTAL_LABEL)  # fmt: skip
    amount = f"{LETTERS[kind.line_column('amount') or 7]}{total_row}"
    shown = sheets[total_tab].cells[amount].value
    typed = (shown.cached if isinstance(shown, Formula) and isinstance(shown.cached, float) else 0.0) + 100.0
    consignee = kind.box_cell("Consignee") or "B5"
    spoil = [FreezeSheet(total_tab, {amount: typed}, freeze=False),
             FreezeSheet(party_tab, {consignee: WRONG_CONSIGNEE}, freeze=False)]  # fmt: skip
    write_edits(book, spoil, backup=False)
    generate_file(book, [twice.order_no], ["invoice"], twice.shipment_no, now=now + dt.timedelta(hours=2),
                  backup=False)  # fmt: skip
    return done, [
        *_packing_consequences(data, done, sheets),
        Injected("doc-invoice-arithmetic", total_tab, total_row, "Amount"),
        Injected("doc-totals-mismatch", total_tab, total_row, "Amount"),
        Injected("doc-party-mismatch", party_tab, int(consignee[1:]), "Consignee"),
    ]


def _packing_consequences(
    data: DemoData, done: Generated, sheets: dict[str, DocumentSheet]
) -> list[Injected]:
    """A shipment whose packages were miscounted on purpose disagrees with its packing list."""
    first = data.header_row("Orders") + 1
    miscounted = {str(data.orders[i.row - first]["Order No"]) for i in data.injected
                  if i.code == "ship-packages" and i.sheet == "Orders"}  # fmt: skip
    found = []
    column = LETTERS[KINDS["packing-list"].line_column("cartons") or 2]
    for d in done.plan.documents:
        if d.type == "Packing List" and d.order_no in miscounted:
            total = next(int(ref[1:]) for ref, cell in sheets[d.tab].cells.items()
                         if ref[0] == "A" and cell.value == TOTAL_LABEL)  # fmt: skip
            found.append(Injected("doc-packing-mismatch", d.tab, total, "Packages"))
            assert f"{column}{total}" in sheets[d.tab].cells
    return found


def _departures(book: Path) -> dict[str, dt.datetime]:
    """Each order's documents are made the day its goods left (ETD Actual, else Cargo Ready Actual)."""
    orders = read_book(book).sheets["Orders"].frame
    left = orders["etd_actual"].fillna(orders["cargo_ready_actual"])
    return {str(o): d.to_pydatetime().replace(hour=17) for o, d in zip(orders["order_no"], left, strict=True)
            if isinstance(o, str) and not pd.isna(d)}  # fmt: skip
