"""Where each box of a generated document tab sits (contract v1.1), as data.

The generator lays the tabs out from this, and the doc-* rules read them back from it, so the
two can never disagree. The boxes follow the UN Layout Key for trade documents (UNECE Rec. 1)
where it applies: parties top left (exporter, consignee, notify), references top right
(document no and date, order, buyer, credit), transport and terms below them, then the goods
(marks, packages, description, commodity code, quantities, weights), totals, and the
signature at the foot.

A header box is a label cell (column A or E) with its value to the right (B or F, merged over
three columns). The line table starts below the header boxes: a header row, one row per
order line, then a row whose column A reads `Total`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheetsync.contract.codelists import DOC_TYPE_SLUGS

# (source, key): "orders" / "shipments" / "lines" columns by contract key; "settings" by
# Settings key; "doc" for values sheetsync writes (doc no, date); "key" for the Order No.
Source = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Box:
    """One labelled header box of a document."""

    label: str
    source: Source
    kind: str = "text"  # text | date | number


@dataclass(frozen=True, slots=True)
class LineColumn:
    """One column of the line table; `total` says whether the Total row sums it."""

    header: str
    source: Source  # ("lines", key), or ("calc", "amount") for quantity x unit price
    kind: str = "text"  # text | number | amount | integer
    total: bool = False


E = ("doc", "")
EXPORTER = (Box("Exporter", ("settings", "Exporter Name")), Box("", ("settings", "Exporter Address")))
CONSIGNEE = (
    Box("Consignee", ("shipments", "consignee")),
    Box("Consignee Address", ("orders", "consignee_address")),
    Box("Notify Party", ("orders", "notify_party")),
    Box("Notify Address", ("orders", "notify_address")),
)
TRANSPORT = (
    Box("Vessel / Flight", ("shipments", "vessel")),
    Box("Port of Loading", ("orders", "port_of_loading")),
    Box("Port of Discharge", ("shipments", "port_of_discharge")),
    Box("Transport Mode", ("orders", "transport_mode")),
)
SHIPPED = (
    Box("B/L or AWB No", ("shipments", "bl_no")),
    Box("Container No", ("shipments", "container_no")),
    Box("Shipping Marks", ("orders", "shipping_marks")),
)
REFERENCES = (
    Box("Document No", ("doc", "doc_no")),
    Box("Date", ("doc", "date"), "date"),
    Box("Order No", ("key", "order_no")),
    Box("Order Date", ("orders", "order_date"), "date"),
    Box("Buyer", ("orders", "buyer")),
    Box("Buyer Address", ("orders", "buyer_address")),
)
CREDIT = (
    Box("L/C No", ("orders", "lc_no")),
    Box("L/C Issue Date", ("orders", "lc_issue_date"), "date"),
    Box("Issuing Bank", ("orders", "issuing_bank")),
)
TERMS = (
    Box("Incoterm", ("orders", "incoterm")),
    Box("Incoterm Place", ("orders", "incoterm_place")),
    Box("Payment Terms", ("orders", "payment_terms")),
    Box("Currency", ("orders", "currency")),
)
SHIPMENT_NO = Box("Shipment No", ("doc", "shipment_no"))

_LINE = LineColumn("Line", ("lines", "line"), "integer")
_DESCRIPTION = LineColumn("Description", ("lines", "description"))
_HS = LineColumn("HS Code", ("lines", "hs_code"))
_ORIGIN = LineColumn("Origin", ("lines", "origin"))
_QTY = LineColumn("Quantity", ("lines", "quantity"), "number", total=True)
_UNIT = LineColumn("Unit", ("lines", "unit"))
_CARTONS = LineColumn("Cartons", ("lines", "cartons"), "integer", total=True)
_NET = LineColumn("Net kg", ("lines", "net_kg"), "amount", total=True)
_GROSS = LineColumn("Gross kg", ("lines", "gross_kg"), "amount", total=True)
_CBM = LineColumn("CBM", ("lines", "volume_m3"), "amount", total=True)
_PRICE = LineColumn("Unit Price", ("lines", "unit_price"), "amount")
_AMOUNT = LineColumn("Amount", ("calc", "amount"), "amount", total=True)


@dataclass(frozen=True, slots=True)
class DocKind:
    """One document type: its title, tab prefix, boxes and line table."""

    slug: str  # CLI name
    type: str  # register Type
    prefix: str  # tab name prefix
    title: str
    left: tuple[Box, ...]
    right: tuple[Box, ...]
    lines: tuple[LineColumn, ...]
    per_shipment: bool  # one per shipment when the order ships in parts
    words: bool = False  # the amount in words under the totals
    freight: bool = False  # the freight term box (shipping instruction)

    @property
    def header_rows(self) -> int:
        return max(len(self.left), len(self.right))

    @property
    def table_row(self) -> int:
        """Excel row of the line table's header."""
        return FIRST_BOX_ROW + self.header_rows + 1

    def box_cell(self, label: str) -> str | None:
        """A1 address of the value of the box labelled `label` (None when the kind has none)."""
        for column, boxes in (("B", self.left), ("F", self.right)):
            for i, box in enumerate(boxes):
                if box.label == label:
                    return f"{column}{FIRST_BOX_ROW + i}"
        return None

    def line_column(self, key: str) -> int | None:
        """0-based column of the line table holding source `key` (a Lines key or `amount`)."""
        return next((i for i, c in enumerate(self.lines) if c.source[1] == key), None)


FIRST_BOX_ROW = 3
TITLE_CELL = "A1"
TOTAL_LABEL = "Total"
WORDS_LABEL = "Amount in words"
FREIGHT_LABEL = "Freight"
KEY_LABEL = "Order No"
# The boxes the doc rules compare (rules/documents.py, rules/doc_tabs.py): a tab is read for
# these, its title and its line table, nothing else (io/read/tabs.py).
CHECKED_BOXES = (KEY_LABEL, "Exporter", "Buyer", "Consignee", "Notify Party", "Port of Loading",
                 "Port of Discharge", "Currency", FREIGHT_LABEL)  # fmt: skip
LETTERS = "ABCDEFGH"  # the printed columns
HELPER_COLUMN = "J"  # hidden: positions (J1 order, J2 shipment, J3 the order's first line, J<n> a line)
WIDTHS = (16.0, 36.0, 12.0, 9.0, 16.0, 9.0, 12.0, 15.0)

KINDS: dict[str, DocKind] = {
    k.slug: k
    for k in (
        DocKind(
            "proforma", "Proforma", "PI", "PROFORMA INVOICE",
            (*EXPORTER, *CONSIGNEE, TRANSPORT[1], TRANSPORT[2], TRANSPORT[3]),
            (*REFERENCES, *CREDIT, *TERMS),
            (_LINE, _DESCRIPTION, _HS, _ORIGIN, _QTY, _UNIT, _PRICE, _AMOUNT),
            per_shipment=False, words=True,
        ),
        DocKind(
            "invoice", "Commercial Invoice", "CI", "COMMERCIAL INVOICE",
            (*EXPORTER, *CONSIGNEE, *TRANSPORT, *SHIPPED),
            (*REFERENCES, *CREDIT, *TERMS, SHIPMENT_NO),
            (_LINE, _DESCRIPTION, _HS, _ORIGIN, _QTY, _UNIT, _PRICE, _AMOUNT),
            per_shipment=True, words=True,
        ),
        DocKind(
            "packing-list", "Packing List", "PL", "PACKING LIST",
            (*EXPORTER, *CONSIGNEE, *TRANSPORT, *SHIPPED),
            (*REFERENCES, SHIPMENT_NO),
            (_LINE, _DESCRIPTION, _CARTONS, _UNIT, _QTY, _NET, _GROSS, _CBM),
            per_shipment=True,
        ),
        DocKind(
            "shipping-instruction", "Shipping Instruction", "SI", "SHIPPING INSTRUCTION",
            (*EXPORTER, *CONSIGNEE, *TRANSPORT, *SHIPPED),
            (*REFERENCES[:5], Box("Forwarder", ("shipments", "forwarder")),
             Box("Carrier", ("shipments", "carrier")), TERMS[0], TERMS[1],
             Box(FREIGHT_LABEL, ("calc", "freight")), SHIPMENT_NO),
            (_LINE, _DESCRIPTION, _HS, _CARTONS, _QTY, _UNIT, _GROSS, _CBM),
            per_shipment=True, freight=True,
        ),
        DocKind(
            "origin", "Certificate of Origin", "CO", "CERTIFICATE OF ORIGIN",
            (*EXPORTER, *CONSIGNEE[:2], *TRANSPORT[:3], SHIPPED[2]),
            (*REFERENCES[:5], SHIPMENT_NO),
            (_LINE, _DESCRIPTION, _HS, _ORIGIN, _QTY, _UNIT, _CARTONS, _GROSS),
            per_shipment=True,
        ),
    )
}  # fmt: skip
BY_TYPE: dict[str, DocKind] = {k.type: k for k in KINDS.values()}
assert set(KINDS) == set(DOC_TYPE_SLUGS), "document kinds drift from the contract's document types"

# Register total -> the line-table source whose Total it is.
STAMPED = {"amount": "amount", "quantity": "quantity", "packages": "cartons", "net_kg": "net_kg",
           "gross_kg": "gross_kg"}  # fmt: skip


def freight_term(incoterm: str) -> str:
    """Freight Collect for E and F terms, Prepaid for C and D terms (RULES.md trade-freight-term)."""
    return "Prepaid" if incoterm[:1].upper() in ("C", "D") else "Collect"
