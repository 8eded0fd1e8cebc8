"""Code lists of the contract: Incoterms, units, statuses, milestones, and ISO lists.

Each list is declared once here; the template's Lists sheet, the dropdowns and the
rules all read from these names.
"""

from __future__ import annotations

from functools import cache

import pycountry

INCOTERMS_2020: tuple[str, ...] = (
    "EXW",
    "FCA",
    "CPT",
    "CIP",
    "DAP",
    "DPU",
    "DDP",
    "FAS",
    "FOB",
    "CFR",
    "CIF",
)
SEA_ONLY_INCOTERMS = frozenset({"FAS", "FOB", "CFR", "CIF"})
# Retired term -> the Incoterms 2020 rule that usually replaces it.
RETIRED_INCOTERMS: dict[str, str] = {
    "DDU": "DAP",
    "DAF": "DAP",
    "DES": "DAP",
    "DEQ": "DPU",
    "DAT": "DPU",
}
INCOTERM_ALIASES: dict[str, str] = {"C&F": "CFR", "CNF": "CFR", "C+F": "CFR", "CANDF": "CFR"}

TRANSPORT_MODES: tuple[str, ...] = ("Sea", "Air", "Road", "Rail", "Courier")
TRANSPORT_MODE_ALIASES: dict[str, str] = {
    "ocean": "Sea",
    "vessel": "Sea",
    "by sea": "Sea",
    "air freight": "Air",
    "airfreight": "Air",
    "by air": "Air",
    "truck": "Road",
    "trucking": "Road",
    "train": "Rail",
    "express": "Courier",
}

PAYMENT_TERMS: tuple[str, ...] = (
    "T/T",
    "L/C at sight",
    "L/C usance",
    "D/P",
    "D/A",
    "CAD",
    "Open account",
)
LC_PAYMENT_TERMS = frozenset({"L/C at sight", "L/C usance"})
PAYMENT_TERM_ALIASES: dict[str, str] = {
    "tt": "T/T",
    "t.t.": "T/T",
    "telegraphic transfer": "T/T",
    "wire": "T/T",
    "lc": "L/C at sight",
    "l/c": "L/C at sight",
    "lc at sight": "L/C at sight",
    "sight lc": "L/C at sight",
    "lc usance": "L/C usance",
    "usance lc": "L/C usance",
    "dp": "D/P",
    "da": "D/A",
    "cash against documents": "CAD",
    "oa": "Open account",
    "open a/c": "Open account",
}

STATUSES: tuple[str, ...] = (
    "Open",
    "Sampling",
    "In production",
    "Ready",
    "Shipped",
    "Closed",
    "Cancelled",
)
STATUS_ALIASES: dict[str, str] = {
    "production": "In production",
    "in prod": "In production",
    "wip": "In production",
    "sample": "Sampling",
    "done": "Closed",
    "canceled": "Cancelled",
}
# Status order for the milestone stages (Cancelled is outside the chain).
STATUS_RANK: dict[str, int] = {s: i for i, s in enumerate(STATUSES[:6])}

DOC_TYPES: tuple[str, ...] = (
    "Proforma",
    "Commercial Invoice",
    "Packing List",
    "Shipping Instruction",
    "Certificate of Origin",
)
# CLI slug -> register type.
DOC_TYPE_SLUGS: dict[str, str] = {
    "proforma": "Proforma",
    "invoice": "Commercial Invoice",
    "packing-list": "Packing List",
    "shipping-instruction": "Shipping Instruction",
    "origin": "Certificate of Origin",
}

# UN/ECE Recommendation 20 units the contract accepts, with a readable name.
UNITS: dict[str, str] = {
    "H87": "piece",
    "SET": "set",
    "PR": "pair",
    "DZN": "dozen",
    "KGM": "kilogram",
    "MTR": "metre",
    "MTK": "square metre",
    "LTR": "litre",
    "TNE": "tonne",
}
COUNTED_UNITS = frozenset({"H87", "SET", "PR", "DZN"})
MEASURED_UNITS = frozenset({"KGM", "MTR", "MTK", "LTR", "TNE"})
UNIT_ALIASES: dict[str, str] = {
    "PCS": "H87",
    "PC": "H87",
    "PCE": "H87",
    "PIECE": "H87",
    "PIECES": "H87",
    "EA": "H87",
    "SETS": "SET",
    "PAIR": "PR",
    "PAIRS": "PR",
    "PRS": "PR",
    "DOZ": "DZN",
    "DOZEN": "DZN",
    "KG": "KGM",
    "KGS": "KGM",
    "M": "MTR",
    "METER": "MTR",
    "METRE": "MTR",
    "M2": "MTK",
    "SQM": "MTK",
    "L": "LTR",
    "LITRE": "LTR",
    "LITER": "LTR",
    "MT": "TNE",
    "TON": "TNE",
    "TONNE": "TNE",
}
# Package words (UN/ECE Rec. 21): counted in Cartons, never a unit of quantity.
PACKAGE_UNITS = frozenset(
    {
        "CT",
        "CTN",
        "CTNS",
        "CARTON",
        "CARTONS",
        "BOX",
        "BOXES",
        "BX",
        "BAG",
        "BAGS",
        "BG",
        "PALLET",
        "PALLETS",
        "PLT",
        "PK",
        "PKG",
        "PACKAGE",
    }
)

MILESTONES: tuple[str, ...] = (
    "Sample Approved",
    "Deposit Received",
    "Production Start",
    "Production End",
    "Inspection",
    "Booking Confirmed",
    "Cargo Ready",
    "ETD",
    "ETA",
    "Docs Sent",
    "Balance Received",
)
# The status at which each milestone's stage begins (RULES.md §5).
MILESTONE_STAGE: dict[str, str] = {
    "Sample Approved": "Sampling",
    "Deposit Received": "In production",
    "Production Start": "In production",
    "Production End": "In production",
    "Inspection": "Ready",
    "Booking Confirmed": "Ready",
    "Cargo Ready": "Ready",
    "ETD": "Ready",
    "ETA": "Shipped",
    "Docs Sent": "Shipped",
    "Balance Received": "Shipped",
}
# Milestones for which `N/A` means "not applicable" rather than a placeholder.
NOT_APPLICABLE_MILESTONES = frozenset({"Sample Approved", "Inspection"})
# Sequence pairs (A <= B), RULES.md §5.
MILESTONE_SEQUENCE: tuple[tuple[str, str], ...] = (
    ("Sample Approved", "Production Start"),
    ("Deposit Received", "Production Start"),
    ("Production Start", "Production End"),
    ("Production Start", "Inspection"),
    ("Inspection", "ETD"),
    ("Booking Confirmed", "Cargo Ready"),
    ("Cargo Ready", "ETD"),
    ("ETD", "ETA"),
    ("ETD", "Docs Sent"),
)

DATE_PLACEHOLDERS = frozenset({"tbd", "asap", "tba", "?", "-"})
NOT_APPLICABLE = "n/a"

COUNTRY_ALIASES: dict[str, str] = {
    "UK": "GB",
    "EL": "GR",
    "ENGLAND": "GB",
    "GREAT BRITAIN": "GB",
    "UNITED KINGDOM": "GB",
    "USA": "US",
    "U.S.A.": "US",
    "UNITED STATES": "US",
    "HOLLAND": "NL",
    "KOREA": "KR",
    "SOUTH KOREA": "KR",
    "VIETNAM": "VN",
    "TURKEY": "TR",
    "RUSSIA": "RU",
    "TAIWAN": "TW",
    "UAE": "AE",
    "HONG KONG": "HK",
}
CURRENCY_ALIASES: dict[str, str] = {"RMB": "CNY", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
# Currencies without minor units (ISO 4217 exponent 0) that the tolerance must respect.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG", "XOF", "XAF"})


@cache
def country_codes() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes, sorted."""
    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


@cache
def currency_codes() -> tuple[str, ...]:
    """ISO 4217 alphabetic codes, sorted."""
    return tuple(sorted(c.alpha_3 for c in pycountry.currencies))


@cache
def country_names() -> dict[str, str]:
    """Casefolded country name (and common name) -> alpha-2, for alias matching."""
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names[value.casefold()] = c.alpha_2
        names[c.alpha_3.casefold()] = c.alpha_2
    for alias, code in COUNTRY_ALIASES.items():
        names[alias.casefold()] = code
    return names
