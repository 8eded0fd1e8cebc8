"""Document consistency (RULES.md §8) and the shipping instruction's freight term (§7).

T (the tab's cached values) is compared with O (the order rows now) where the tab no longer
holds sheetsync's formula — a cell typed over, or a document frozen by `issue`: a live formula
shows O by construction, and its cached value may merely wait for a recalculation. The
invoice's goods description is compared under its live formula too (`_line_checks`).
On an issued document a difference is the order changing after issue: `doc-stale`, never the
document. S (the stamped totals) against O is `doc-stale` on the register row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from sheetsync.book import Book
from sheetsync.contract.codelists import LC_PAYMENT_TERMS, ZERO_DECIMAL_CURRENCIES
from sheetsync.contract.doc_layout import FREIGHT_LABEL, STAMPED, TITLE_CELL, freight_term
from sheetsync.contract.sheets import DOCUMENTS
from sheetsync.findings import Finding, finding
from sheetsync.rules.doc_tabs import DocView, blank, documents, text_key
from sheetsync.rules.engine import Context, rule
from sheetsync.rules.orderdata import order_index, text
from sheetsync.rules.parties import same_party
from sheetsync.rules.ports.match import PortComparison, compare_ports

NEEDS = ("Orders", "Lines", "Documents")
FIELDS = {"amount": "Amount", "quantity": "Quantity", "packages": "Packages", "net_kg": "Net kg",
          "gross_kg": "Gross kg"}  # fmt: skip
INVOICES = ("Proforma", "Commercial Invoice")
_PROFORMA = re.compile(r"pro\s*-?\s*forma|provisional", re.I)


def _cell_row(ref: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", ref))


def _at(code: str, doc: DocView, ref: str, column: str, value: object = None, **fields: Any) -> Finding:
    return finding(code, doc.name, _cell_row(ref), column, ref, doc.order_no, text(value), **fields)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _order_totals(doc: DocView) -> dict[str, float]:
    amount = 0.0
    for line in doc.lines:
        q, p = line.get("quantity"), line.get("unit_price")
        amount += q * p if not blank(q) and not blank(p) else 0.0  # type: ignore[operator]
    return {
        "amount": amount,
        **{field: doc.total(key) for field, key in STAMPED.items() if field != "amount"},
    }


def _differs(book: Book, doc: DocView, field: str, a: float | None, b: float | None) -> bool:
    """Money within Amount Tolerance, counts exactly, weights within Weight Tolerance % (RULES §8)."""
    if a is None or b is None:
        return a is not b
    if field == "amount":
        currency = str(doc.order.get("currency") or "")
        tolerance = book.settings.amount_tolerance
        if tolerance is None:
            tolerance = 1.0 if currency in ZERO_DECIMAL_CURRENCIES else 0.01
        return abs(a - b) > tolerance + 1e-9
    if field in ("net_kg", "gross_kg"):
        return abs(a - b) > max(abs(a), abs(b)) * book.settings.weight_tolerance_pct / 100 + 1e-9
    return abs(a - b) > 1e-9


def _total_ref(doc: DocView, field: str) -> str | None:
    return doc.line_ref(STAMPED[field], doc.total_row) if doc.total_row else None


def _chain_typed(doc: DocView, field: str) -> bool:
    """The total, or a line cell it adds up, no longer holds its formula."""
    on_lines, on_total = doc.typed_columns
    column = doc.letter(STAMPED[field])
    sources = [column, doc.letter("quantity"), doc.letter("unit_price")] if field == "amount" else [column]
    return column in on_total or any(c in on_lines for c in sources)


@rule("doc-stale", "doc-totals-mismatch", needs=NEEDS)
def totals(book: Book, ctx: Context) -> Iterator[Finding]:
    """S vs O on the register row; T vs O on the tab's Total row."""
    register = book.sheets["Documents"]
    for doc in documents(book, ctx):
        now = _order_totals(doc)
        stale = [f for f in STAMPED if f in doc.stamped and _differs(book, doc, f, doc.stamped[f], now[f])]
        for field in STAMPED:
            ref = _total_ref(doc, field)
            if ref is None or ref not in doc.tab.cells or not _chain_typed(doc, field):
                continue
            if _differs(book, doc, field, _number(doc.tab.value(ref)), now[field]):
                if doc.issued:
                    stale.append(field)
                else:
                    yield _at(
                        "doc-totals-mismatch",
                        doc,
                        ref,
                        FIELDS[field],
                        doc.tab.value(ref),
                        field=FIELDS[field],
                    )
        if stale:
            key = DOCUMENTS.column(stale[0]).key
            yield finding("doc-stale", register.name, doc.register_row, register.header(key),
                          register.cell(doc.register_row, key), doc.order_no, None, doc=doc.name)  # fmt: skip


@rule("doc-invoice-arithmetic", needs=NEEDS)
def arithmetic(book: Book, ctx: Context) -> Iterator[Finding]:
    """On a proforma or invoice: quantity x unit price = amount on each line, and the amounts add up."""
    for doc in documents(book, ctx):
        if doc.kind.type not in INVOICES or doc.total_row is None:
            continue
        amounts = 0.0
        for n, _ in doc.table:
            q, p, a = (
                _number(doc.tab.value(doc.line_ref(k, n))) for k in ("quantity", "unit_price", "amount")
            )
            amounts += a or 0.0
            if q is not None and p is not None and (a is None or _differs(book, doc, "amount", q * p, a)):
                ref = doc.line_ref("amount", n) or ""
                yield _at("doc-invoice-arithmetic", doc, ref, "Amount", doc.tab.value(ref))
        ref = _total_ref(doc, "amount") or ""
        total = _number(doc.tab.value(ref))
        if total is not None and _differs(book, doc, "amount", total, amounts):
            yield _at("doc-invoice-arithmetic", doc, ref, "Amount", total)


def _data_checks(book: Book, doc: DocView) -> Iterator[tuple[str, str, str, object, dict[str, object]]]:
    """(code, cell, column, value, fields) for each typed-over box or line cell that disagrees with O."""
    kind = doc.kind
    for label, key in (("Consignee", "consignee"), ("Notify Party", "notify_party")):
        ref = doc.box(label)
        typed = ref and kind.type != "Proforma" and doc.typed(ref) and ref in doc.tab.cells
        if ref and typed and not same_party(str(doc.tab.value(ref) or ""), text(doc.own_or_order(key))):
            yield "doc-party-mismatch", ref, label, doc.tab.value(ref), {"party": label}
    for label, key in (("Port of Loading", "port_of_loading"), ("Port of Discharge", "port_of_discharge")):
        ref = doc.box(label)
        if ref and doc.typed(ref) and ref in doc.tab.cells:
            a, b = text(doc.tab.value(ref)), text(doc.own_or_order(key))
            if a and b and compare_ports(a, b, book.port_aliases) == PortComparison.DIFFERENT:
                yield "doc-port-mismatch", ref, label, a, {"a": a, "b": b}
    ref = doc.box("Currency")
    if ref and kind.type == "Commercial Invoice" and doc.typed(ref) and ref in doc.tab.cells:
        shown, currency = text(doc.tab.value(ref)) or "", text(doc.order.get("currency")) or ""
        if shown.strip().upper() != currency.strip().upper():
            yield "doc-currency-mismatch", ref, "Currency", shown, {"cur": shown}
    for n, line in doc.table:
        if line is None:
            continue
        yield from _line_checks(doc, n, line)


def _digits(value: object) -> str:
    return re.sub(r"\D", "", text(value) or "")[:6]


def _plain(value: object) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text(value) or "")).strip().casefold()


def _line_checks(
    doc: DocView, n: int, line: dict[str, Any]
) -> Iterator[tuple[str, str, str, object, dict[str, object]]]:
    """The line cells typed over that disagree with the line; the invoice's description also under
    its live formula (RULES §8: T, the cached value, against O): what the invoice shows is what
    the bank reads, and a formula that lost its line (a lookup past its range, a duplicated Line)
    shows another line's description or none."""
    invoice = doc.kind.type == "Commercial Invoice"
    checks: tuple[tuple[str, str, str, Callable[[object, object], bool], bool, bool], ...] = (
        ("hs_code", "doc-hs-mismatch", "HS Code", lambda a, b: _digits(a) == _digits(b), True, False),
        ("origin", "doc-origin-mismatch", "Origin", lambda a, b: _plain(a) == _plain(b),
         doc.kind.type == "Certificate of Origin", False),
        ("description", "doc-description-mismatch", "Description", lambda a, b: _plain(a) == _plain(b),
         invoice, invoice),
    )  # fmt: skip
    for key, code, column, same, applies, live in checks:
        ref = doc.line_ref(key, n)
        if not applies or ref is None or ref not in doc.tab.cells or not (live or doc.typed(ref)):
            continue
        shown = doc.tab.value(ref)
        if shown is None and not doc.typed(ref):
            continue  # a formula without a cached value: never recalculated, nothing to compare
        if not same(shown, line[key]):
            yield code, ref, column, shown, {"a": text(shown), "b": text(line[key])}


@rule("doc-party-mismatch", "doc-port-mismatch", "doc-hs-mismatch", "doc-origin-mismatch",
      "doc-currency-mismatch", "doc-description-mismatch", "doc-stale", needs=NEEDS)  # fmt: skip
def data_vs_order(book: Book, ctx: Context) -> Iterator[Finding]:
    """Parties, ports, currency, HS, origin, description typed over on a tab (issued: doc-stale)."""
    register = book.sheets["Documents"]
    for doc in documents(book, ctx):
        found = list(_data_checks(book, doc))
        if doc.issued and found:
            row = doc.register_row
            cell = register.cell(row, "sheet")
            yield finding(
                "doc-stale", register.name, row, register.header("sheet"), cell, doc.order_no, doc=doc.name
            )
            continue
        for code, ref, column, value, fields in found:
            yield _at(code, doc, ref, column, value, **fields)


@rule("doc-proforma-as-invoice", needs=NEEDS)
def proforma_title(book: Book, ctx: Context) -> Iterator[Finding]:
    """A Commercial Invoice tab titled pro-forma or provisional (ISBP 821 C1(a))."""
    for doc in documents(book, ctx):
        title = doc.tab.value(TITLE_CELL)
        if doc.kind.type == "Commercial Invoice" and isinstance(title, str) and _PROFORMA.search(title):
            yield _at("doc-proforma-as-invoice", doc, TITLE_CELL, "Title", title)


@rule("doc-invoice-parties", needs=NEEDS)
def invoice_parties(book: Book, ctx: Context) -> Iterator[Finding]:
    """An L/C invoice issued by someone other than the exporter, or not made out to the buyer."""
    for doc in documents(book, ctx):
        if doc.kind.type != "Commercial Invoice" or doc.order.get("payment_terms") not in LC_PAYMENT_TERMS:
            continue
        issuer, buyer = doc.box("Exporter"), doc.box("Buyer")
        exporter = book.settings.exporter_name
        if (
            issuer
            and issuer in doc.tab.cells
            and exporter
            and not same_party(text(doc.tab.value(issuer)), exporter)
        ):
            yield _at("doc-invoice-parties", doc, issuer, "Exporter", doc.tab.value(issuer))
        if (
            buyer
            and buyer in doc.tab.cells
            and not same_party(text(doc.tab.value(buyer)), text(doc.order["buyer"]))
        ):
            yield _at("doc-invoice-parties", doc, buyer, "Buyer", doc.tab.value(buyer))


@rule("doc-packing-mismatch", needs=NEEDS)
def packing(book: Book, ctx: Context) -> Iterator[Finding]:
    """A packing list against the invoice of its shipment, and its packages against Shipments."""
    docs = documents(book, ctx)
    invoices = {(text_key(d.order_no), _ship(d)): d for d in docs if d.kind.type == "Commercial Invoice"}
    for doc in docs:
        if doc.kind.type != "Packing List" or doc.total_row is None:
            continue
        invoice = invoices.get((text_key(doc.order_no), _ship(doc)))
        for field in ("packages", "quantity", "net_kg", "gross_kg"):
            ref = _total_ref(doc, field)
            mine = _number(doc.tab.value(ref))
            if ref is None or mine is None:
                continue
            theirs = _number(invoice.tab.value(_total_ref(invoice, field))) if invoice else None
            if theirs is not None and _differs(book, doc, field, mine, theirs):
                yield _at("doc-packing-mismatch", doc, ref, FIELDS[field], mine, field=FIELDS[field])
            elif field == "packages" and _differs(book, doc, field, mine, _shipped_packages(doc)):
                yield _at("doc-packing-mismatch", doc, ref, FIELDS[field], mine, field="Packages")


def _shipped_packages(doc: DocView) -> float | None:
    packages = doc.shipment.get("packages") if doc.shipment is not None else None
    return None if blank(packages) else float(packages)  # type: ignore[arg-type]


def _ship(doc: DocView) -> str:
    return text_key(doc.shipment["shipment_no"]) if doc.shipment is not None else ""


@rule("trade-freight-term", needs=NEEDS)
def freight(book: Book, ctx: Context) -> Iterator[Finding]:
    """Freight Collect goes with E and F terms, Prepaid with C and D terms."""
    for doc in documents(book, ctx):
        ref = doc.box(FREIGHT_LABEL) if doc.kind.freight else None
        term, incoterm = doc.tab.value(ref), text(doc.order.get("incoterm"))
        if not ref or not isinstance(term, str) or not incoterm or not term.strip():
            continue
        wanted = freight_term(incoterm)
        if wanted.casefold() not in term.casefold():
            yield _at("trade-freight-term", doc, ref, FREIGHT_LABEL, term, term=wanted)


@rule("doc-not-generated", needs=("Orders", "Shipments", "Documents"))
def not_generated(book: Book, ctx: Context) -> Iterator[Finding]:
    """A departed shipment of an L/C order with neither a registered invoice nor a packing list.

    Only in a book whose register is in use (it has rows): a team that types its documents
    elsewhere is not told to generate them on every shipment.
    """
    index = order_index(book)
    ships, register = index.children["Shipments"], index.children["Documents"]
    if book.sheets["Documents"].frame.empty:
        return
    lc = set(index.lc["key"])
    wanted = register[register["type"].isin(("Commercial Invoice", "Packing List"))]
    have = {(int(k), text_key(s)) for k, s in zip(wanted["key"], wanted["shipment_no"], strict=True)}
    sd = book.sheets["Shipments"]
    departed = ships[ships["key"].isin(lc).to_numpy() & ships["atd"].notna().to_numpy()]
    columns = zip(departed.index.tolist(), departed["key"].tolist(), departed["shipment_no"].tolist(),
                  departed["order_no"].tolist(), strict=True)  # fmt: skip
    for row, key, shipment_no, order_no in columns:
        if {(key, text_key(shipment_no)), (key, "")} & have:
            continue
        r = int(str(row))
        where = (sd.header("shipment_no"), sd.cell(r, "shipment_no"))
        yield finding(
            "doc-not-generated", sd.name, r, *where, text(order_no), text(shipment_no),
            type="the Commercial Invoice and Packing List",
        )  # fmt: skip
