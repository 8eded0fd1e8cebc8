"""The sheets and columns of the order-tracking workbook (WORKBOOK.md, contract v1.1)."""

from __future__ import annotations

from sheetsync.contract.codelists import MILESTONES, NOT_APPLICABLE_MILESTONES
from sheetsync.contract.model import Column, Kind, Sheet, When

DATE_FMT = "yyyy-mm-dd"
MONEY_FMT = "#,##0.00"
QTY_FMT = "#,##0.##"
KG_FMT = "#,##0.00"
INT_FMT = "0"
PCT_FMT = "0.0"


def _text(key: str, header: str, required: When = When.NEVER, *aliases: str, **kw: object) -> Column:
    return Column(key, header, Kind.TEXT, required, aliases, **kw)  # type: ignore[arg-type]


def _code(key: str, header: str, required: When, codelist: str | None, *aliases: str, **kw: object) -> Column:
    return Column(key, header, Kind.CODE, required, aliases, codelist=codelist, **kw)  # type: ignore[arg-type]


def _date(key: str, header: str, required: When = When.NEVER, *aliases: str, **kw: object) -> Column:
    return Column(key, header, Kind.DATE, required, aliases, number_format=DATE_FMT, width=12, **kw)  # type: ignore[arg-type]


def _num(key: str, header: str, required: When, fmt: str, *aliases: str, **kw: object) -> Column:
    return Column(key, header, Kind.DECIMAL, required, aliases, number_format=fmt, **kw)  # type: ignore[arg-type]


def _int(key: str, header: str, required: When, *aliases: str, **kw: object) -> Column:
    return Column(key, header, Kind.INT, required, aliases, number_format=INT_FMT, **kw)  # type: ignore[arg-type]


A = When.ALWAYS


def milestone_key(milestone: str, part: str) -> str:
    """`("Sample Approved", "plan")` -> `"sample_approved_plan"`."""
    return f"{milestone.lower().replace(' ', '_')}_{part}"


def _milestone_columns() -> tuple[Column, ...]:
    columns: list[Column] = []
    for m in MILESTONES:
        plan_aliases: tuple[str, ...] = (f"{m} Planned", f"Planned {m}", f"{m} (Plan)", f"{m} Target")
        actual_aliases: tuple[str, ...] = (f"{m} Act", f"Actual {m}", f"{m} (Actual)", f"{m} Done")
        if m == "ETD":
            actual_aliases += ("ATD",)
        if m == "ETA":
            actual_aliases += ("ATA",)
        note = " `N/A` means not applicable." if m in NOT_APPLICABLE_MILESTONES else ""
        columns.append(
            _date(
                milestone_key(m, "plan"),
                f"{m} Plan",
                When.STAGE,
                *plan_aliases,
                description=f"Planned date of {m}; required once status reaches its stage.{note}",
            )
        )
        columns.append(
            _date(
                milestone_key(m, "actual"),
                f"{m} Actual",
                When.NEVER,
                *actual_aliases,
                description=f"Date {m} actually happened.{note}",
            )
        )
    return tuple(columns)


# Contract v1.1: what the documents print beyond v1 (optional, after the milestones).
DOCUMENT_DATA_COLUMNS = (
    _text("buyer_address", "Buyer Address", When.NEVER, width=30, description="Printed under the buyer."),
    _text("consignee_address", "Consignee Address", When.NEVER, width=30),
    _text("notify_address", "Notify Address", When.NEVER, "Notify Party Address", width=30),
    _text("shipping_marks", "Shipping Marks", When.NEVER, "Marks", "Marks & Nos", width=24),
    _date("lc_issue_date", "L/C Issue Date", When.NEVER, "LC Issue Date", "L/C Date", "LC Date"),
    _text("issuing_bank", "Issuing Bank", When.NEVER, "L/C Bank", "LC Bank", width=24),
)

ORDER_NO_ALIASES = (
    "PO No", "PO #", "PO", "PO Number", "PO Num", "Order Number", "Order #", "Order", "Order ID",
    "Contract No",
)  # fmt: skip

ORDERS = Sheet(
    name="Orders",
    table="Orders",
    aliases=("Purchase Orders", "PO Register", "Order Register", "Order List", "Order Book"),
    description="One row per order.",
    columns=(
        _text(
            "order_no",
            "Order No",
            A,
            *ORDER_NO_ALIASES,
            width=14,
            description="Buyer PO / contract number; unique in the workbook.",
        ),
        _date("order_date", "Order Date", A, "PO Date", "Order Dt", description="Date the PO was confirmed."),
        _text("buyer", "Buyer", A, "Customer", "Client", width=22),
        _code(
            "buyer_country",
            "Buyer Country",
            A,
            "Countries",
            "Buyer Ctry",
            description="ISO 3166-1 alpha-2.",
        ),
        _text(
            "consignee",
            "Consignee",
            A,
            "Cnee",
            width=22,
            description="Must match the consignee on B/L and invoice.",
        ),
        _text("notify_party", "Notify Party", When.NEVER, "Notify", width=22),
        _code(
            "incoterm",
            "Incoterm",
            A,
            "Incoterms",
            "Incoterms",
            "Trade Term",
            "Price Term",
            description="Incoterms 2020 rule; retired terms (DDU, DAT, DAF, DES, DEQ) are findings.",
        ),
        _text(
            "incoterm_place",
            "Incoterm Place",
            A,
            "Named Place",
            "Incoterm Port",
            description="The named place or port the Incoterm needs.",
        ),
        _text(
            "transport_mode",
            "Transport Mode",
            A,
            "Mode",
            "Ship Mode",
            "Shipment Mode",
            codelist="Transport Modes",
            description="Sea / Air / Road / Rail / Courier.",
        ),
        _code(
            "port_of_loading",
            "Port of Loading",
            When.SEA_AIR,
            "Ports",
            "POL",
            "Loading Port",
            description="UN/LOCODE (5 chars) or name.",
        ),
        _code(
            "port_of_discharge",
            "Port of Discharge",
            When.SEA_AIR,
            "Ports",
            "POD",
            "Discharge Port",
            "Destination Port",
            description="UN/LOCODE or name.",
        ),
        _code(
            "currency",
            "Currency",
            A,
            "Currencies",
            "Cur",
            "Curr",
            "CCY",
            description="ISO 4217; all lines of an order use it.",
        ),
        _text("payment_terms", "Payment Terms", A, "Pay Terms", "Payment Term", codelist="Payment Terms"),
        _num(
            "deposit_pct",
            "Deposit %",
            When.NEVER,
            PCT_FMT,
            "Deposit Pct",
            minimum=0,
            maximum=100,
            description="0–100; > 0 when production waits for a deposit.",
        ),
        _text("lc_no", "L/C No", When.LC, "LC No", "LC Number", "L/C Number", "Credit No"),
        _num(
            "lc_amount",
            "L/C Amount",
            When.LC,
            MONEY_FMT,
            "LC Amount",
            "LC Amt",
            "L/C Amt",
            minimum=0,
            description="The order total may not exceed it (plus tolerance).",
        ),
        _date("lc_expiry", "L/C Expiry", When.LC, "LC Expiry", "LC Expiry Date", "Expiry Date"),
        _date(
            "latest_shipment",
            "Latest Shipment",
            When.LC,
            "LC Latest Shipment",
            "LSD",
            "Latest Shipment Date",
            "Last Shipment Date",
            description="Shipment (on-board date) may not be later.",
        ),
        _int(
            "presentation_days",
            "Presentation Days",
            When.NEVER,
            "Presentation Period",
            minimum=1,
            description="Default 21 (UCP 600 art. 14(c)).",
        ),
        _num(
            "tolerance_pct",
            "Tolerance %",
            When.NEVER,
            PCT_FMT,
            "Tolerance",
            "Qty Tolerance",
            minimum=0,
            maximum=10,
            description="Quantity tolerance the L/C allows; default 0 counted / 5 bulk (UCP 600 art. 30).",
        ),
        _num(
            "insurance_pct",
            "Insurance %",
            When.CIF_CIP,
            PCT_FMT,
            "Insured %",
            "Insurance Pct",
            minimum=0,
            description="Cover, at least 110 % of the CIF/CIP value (UCP 600 art. 28(f)).",
        ),
        _text("coordinator", "Coordinator", A, "Merchandiser", "Order Follower"),
        _text("status", "Status", A, "Order Status", codelist="Statuses"),
        *_milestone_columns(),
        *DOCUMENT_DATA_COLUMNS,
    ),
)

LINES = Sheet(
    name="Lines",
    table="Lines",
    aliases=("Order Lines", "Items", "Line Items", "PO Lines"),
    description="One row per order line.",
    columns=(
        _text("order_no", "Order No", A, *ORDER_NO_ALIASES, description="Must exist in Orders."),
        _int(
            "line",
            "Line",
            A,
            "Line No",
            "Line #",
            "Line Number",
            "PO Line",
            "PO Line No",
            "PO Line Number",
            "Item",  # ambiguous with Description: decided by the cells (numbers or text)
            "Item No",
            "Item #",
            "#",
            minimum=1,
            width=6,
            description="Unique within the order.",
        ),
        _text("sku", "SKU", A, "Style", "Style No", "Item Code", "Article", "Art No"),
        _text(
            "description",
            "Description",
            A,
            "Goods Description",
            "Desc",
            "Item",
            "Item Description",
            "Product",
            width=30,
            description="Goods description, as it will appear on documents.",
        ),
        _code(
            "hs_code",
            "HS Code",
            A,
            None,
            "HS",
            "HTS",
            "HS No",
            "Tariff Code",
            "HTS Code",
            description="6–10 digits, dots allowed. Keep it as text.",
        ),
        _code(
            "origin",
            "Origin",
            A,
            "Countries",
            "Country of Origin",
            "COO",
            "Made In",
            description="ISO 3166-1 alpha-2 country of origin.",
        ),
        _num(
            "quantity",
            "Quantity",
            A,
            QTY_FMT,
            "Qty",
            "Q'ty",
            "Quantity Ordered",
            "Order Qty",
            minimum=0,
            min_exclusive=True,
        ),
        _code(
            "unit",
            "Unit",
            A,
            "Units",
            "UOM",
            "Unit of Measure",
            description="UN/ECE Rec. 20 code; PCS/PC/PCE -> H87, KG -> KGM.",
        ),
        _num("unit_price", "Unit Price", A, MONEY_FMT, "U/Price", "Price", "Price Per Unit", minimum=0),
        _num(
            "amount",
            "Amount",
            A,
            MONEY_FMT,
            "Amt",
            "Total Amount",
            "Line Amount",
            "Line Total",
            "Value",
            formula='=IFERROR([@Quantity]*[@[Unit Price]],"")',
            description="= Quantity × Unit Price (a formula in the template).",
        ),
        _int("cartons", "Cartons", A, "Ctns", "CTN", "Cartons Qty", "No of Cartons", minimum=0, width=9),
        _num(
            "net_kg",
            "Net Weight kg",
            A,
            KG_FMT,
            "N.W.",
            "NW",
            "Net Weight",
            "Net Wt",
            "Net kg",
            minimum=0,
            unit="kg",
        ),
        _num(
            "gross_kg",
            "Gross Weight kg",
            A,
            KG_FMT,
            "G.W.",
            "GW",
            "Gross Weight",
            "Gross Wt",
            "Gross kg",
            minimum=0,
            unit="kg",
            description="≥ net weight.",
        ),
        _num(
            "volume_m3",
            "Volume m3",
            When.NEVER,
            KG_FMT,
            "CBM",
            "Volume",
            "M3",
            "Measurement",
            minimum=0,
            unit="m3",
        ),
        _text(
            "shipment_no",
            "Shipment No",
            When.NEVER,
            "Shipment",
            "Shipment #",
            "Shpt No",
            description="The shipment that carries this line (must exist in Shipments).",
        ),
    ),
)

SHIPMENTS = Sheet(
    name="Shipments",
    table="Shipments",
    aliases=("Shipping", "Shipment Tracker"),
    required=False,
    description="One row per shipment; an order may ship in parts.",
    columns=(
        _text("shipment_no", "Shipment No", A, "Shipment", "Shipment #", "Shpt No"),
        _text("order_no", "Order No", A, *ORDER_NO_ALIASES, description="Must exist in Orders."),
        _text(
            "carrier",
            "Carrier",
            When.NEVER,
            "Carrier Name",
            "Shipping Line",
            "Airline",
            description="The shipping line or airline (not the forwarder).",
        ),
        _text(
            "forwarder",
            "Forwarder",
            When.NEVER,
            "Freight Forwarder",
            "Forwarding Agent",
            "Forwarder Name",
            description="The freight forwarder: the shipping instruction goes to it.",
        ),
        _text(
            "vessel",
            "Vessel / Flight",
            When.NEVER,
            "Vessel",
            "Vessel Name",
            "Flight",
            "Vessel/Voyage",
            "Vessel Voyage",
        ),
        _text(
            "bl_no",
            "B/L or AWB No",
            When.ATD_SET,
            "B/L No",
            "BL No",
            "AWB No",
            "BL",
            "AWB",
            "B/L",
            "Bill of Lading",
        ),
        _code(
            "container_no",
            "Container No",
            When.NEVER,
            None,
            "Container",
            "Containers",
            "Cntr No",
            "CNTR",
            width=18,
            description="ISO 6346 (4 letters + 7 digits, check digit valid); several separated by `;`.",
        ),
        _int("packages", "Packages", A, "Pkgs", "No of Packages", "Ctns", "Cartons", minimum=0, width=10),
        _num(
            "gross_kg",
            "Gross Weight kg",
            A,
            KG_FMT,
            "G.W.",
            "GW",
            "Gross Weight",
            "Gross Wt",
            minimum=0,
            unit="kg",
        ),
        _num("volume_m3", "Volume m3", When.NEVER, KG_FMT, "CBM", "Volume", "M3", minimum=0, unit="m3"),
        _date("etd", "ETD", When.NEVER),
        _date("atd", "ATD", When.NEVER, "On Board Date", "Shipped On Board"),
        _date("eta", "ETA", When.NEVER),
        _date("ata", "ATA", When.NEVER),
        _text(
            "consignee",
            "Consignee",
            When.NEVER,
            "Cnee",
            width=22,
            description="Blank = the order's consignee.",
        ),
        _code(
            "port_of_discharge",
            "Port of Discharge",
            When.NEVER,
            "Ports",
            "POD",
            "Discharge Port",
            description="Blank = the order's port of discharge.",
        ),
    ),
)

DOCUMENTS = Sheet(
    name="Documents",
    table="Documents",
    required=False,
    description="The register of generated document tabs; written by sheetsync.",
    columns=(
        _text("doc_no", "Doc No", A, "Document No"),
        _text("type", "Type", A, "Document Type", "Doc Type", codelist="Document Types"),
        _text("order_no", "Order No", A, *ORDER_NO_ALIASES),
        _text("shipment_no", "Shipment No", When.NEVER, "Shipment"),
        _text("sheet", "Sheet", A, "Tab"),
        Column(
            "generated",
            "Generated",
            Kind.TIMESTAMP,
            When.ALWAYS,
            (),
            number_format="yyyy-mm-dd hh:mm",
            width=17,
        ),
        _num("amount", "Amount", When.NEVER, MONEY_FMT),
        _num("quantity", "Quantity", When.NEVER, QTY_FMT),
        _int("packages", "Packages", When.NEVER),
        _num("net_kg", "Net kg", When.NEVER, KG_FMT, "Net Weight kg", unit="kg"),
        _num("gross_kg", "Gross kg", When.NEVER, KG_FMT, "Gross Weight kg", unit="kg"),
        _int("revision", "Revision", When.NEVER, "Rev"),
        Column(
            "issued", "Issued", Kind.TIMESTAMP, When.NEVER, (), number_format="yyyy-mm-dd hh:mm", width=17
        ),
        Column(
            "superseded",
            "Superseded",
            Kind.TIMESTAMP,
            When.NEVER,
            (),
            number_format="yyyy-mm-dd hh:mm",
            width=17,
            description="When a later revision replaced this one.",
        ),
    ),
)

# Settings: a two-column key/value sheet. (key, default, explanation)
SETTINGS_SHEET = "Settings"
SETTINGS: tuple[tuple[str, object, str], ...] = (
    ("Exporter Name", "", "Printed on documents as the issuer of invoices."),
    ("Exporter Address", "", "Printed on documents under the exporter's name."),
    ("Today", None, "Fixes the date lateness is judged on (blank = the computer's date)."),
    ("Due Soon Days", 7, "A planned milestone within this many days is flagged as due soon."),
    ("Date Order", "", "DMY or MDY: how to read ambiguous text dates like 04/03/2026."),
    ("Amount Tolerance", 0.01, "Money differences up to this much are ignored (one minor unit)."),
    ("Weight Tolerance %", 1, "Weight differences up to this percentage are ignored."),
    ("Grace Days", 0, "Days of grace before a delivery counts as late in the KPIs."),
    (
        "Milestones Not Tracked",
        "",
        "Milestones this team does not record, comma-separated (e.g. Inspection, Docs Sent): "
        "left out of every milestone rule and KPI.",
    ),
    ("Exporter Bank", "", "Bank details printed on invoices (v1.1)."),
    ("Signatory", "", "Name printed in the signature block of documents (v1.1)."),
    ("Doc No Series", "", "Pattern of issued document numbers, e.g. INV-2026-{n:04d} (v1.1)."),
    ("Base Currency", "", "Totals across currencies are in this currency, by the Rates table on Lists."),
    ("Store View", "", "Set by sheetsync pull: this book is a view of the store, and sync skips it."),
)

LISTS_SHEET = "Lists"
# The Lists sheet's Column Map: a team's own header -> the contract column, per sheet.
COLUMN_MAP_HEADERS = ("Map Sheet", "Header as Written", "Contract Column")
COLUMN_MAP_EXAMPLES: tuple[tuple[str, str, str], ...] = (
    ("Orders", "Handled By", "Coordinator"),
    ("Orders", "Scheduled Delivery", "ETA Plan"),
)
# The Lists sheet's Rates table: 1 unit of Currency = Rate to Base units of the Settings
# `Base Currency`, as of a date (the latest As Of wins). The template ships it empty.
RATES_HEADERS = ("Currency", "Rate to Base", "As Of")
RATES_EXAMPLES: tuple[tuple[str, str, str], ...] = ()
ISSUES_SHEET = "Issues"

TABLE_SHEETS: tuple[Sheet, ...] = (ORDERS, LINES, SHIPMENTS, DOCUMENTS)
SHEETS: dict[str, Sheet] = {s.name: s for s in TABLE_SHEETS}
