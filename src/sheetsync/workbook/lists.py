"""What the template's Lists and Settings sheets hold, and the dropdown texts, all from the contract.

The Lists sheet has one column per code list; each is exposed as a workbook-level defined name
(`List_Incoterms`, `List_TransportModes`, ...) that the dropdowns refer to, because both Excel and
LibreOffice accept a defined name as the source of a list validation on another sheet.
"""

from __future__ import annotations

from collections.abc import Mapping

from sheetsync.contract import SETTINGS, codelists
from sheetsync.contract.ports_data import DEFAULT_PORT_ALIASES, MAJOR_PORTS

PORT_ALIAS = "Port Alias"
LOCODE = "LOCODE"
PORT_ALIASES_NAME = "List_PortAliases"
DATE_ORDERS = ("DMY", "MDY")
SETTINGS_HEADERS = ("Setting", "Value", "Explanation")

# Excel's limits for a data validation's input title and message.
MAX_TITLE = 32
MAX_MESSAGE = 255


def list_name(codelist: str) -> str:
    """Defined name of a Lists column: `"Transport Modes"` -> `"List_TransportModes"`."""
    return "List_" + codelist.replace(" ", "")


def defined_name(header: str) -> str:
    """The defined name covering a Lists column (the two port alias columns share one)."""
    return PORT_ALIASES_NAME if header in (PORT_ALIAS, LOCODE) else list_name(header)


def list_columns() -> dict[str, tuple[str, ...]]:
    """Lists sheet columns in order: header -> values (the port alias table comes last)."""
    return {
        "Incoterms": codelists.INCOTERMS_2020,
        "Currencies": codelists.currency_codes(),
        "Countries": codelists.country_codes(),
        "Units": tuple(codelists.UNITS),
        "Statuses": codelists.STATUSES,
        "Transport Modes": codelists.TRANSPORT_MODES,
        "Payment Terms": codelists.PAYMENT_TERMS,
        "Document Types": codelists.DOC_TYPES,
        "Ports": tuple(sorted(MAJOR_PORTS)),
        PORT_ALIAS: tuple(DEFAULT_PORT_ALIASES),
        LOCODE: tuple(DEFAULT_PORT_ALIASES.values()),
    }


def _one_of(values: tuple[str, ...]) -> str:
    return "One of: " + ", ".join(values) + "."


def input_message(codelist: str) -> str:
    """The help a user sees on selecting a cell with this dropdown (≤ 255 characters)."""
    units = ", ".join(f"{code} {name}" for code, name in codelists.UNITS.items())
    messages = {
        "Incoterms": "Incoterms 2020 rule, e.g. FOB, CIF, FCA. Retired terms such as DDU are flagged.",
        "Currencies": "ISO 4217 code, e.g. USD, EUR, CNY. RMB is read as CNY.",
        "Countries": "ISO 3166-1 alpha-2 code, e.g. CN, DE, US. UK is read as GB.",
        "Units": f"UN/ECE Rec. 20 code: {units}. PCS is read as H87, KG as KGM.",
        "Ports": "UN/LOCODE (e.g. CNSHA) or a port name from the Port Alias table on sheet Lists.",
        "Statuses": _one_of(codelists.STATUSES),
        "Transport Modes": _one_of(codelists.TRANSPORT_MODES),
        "Payment Terms": _one_of(codelists.PAYMENT_TERMS),
        "Document Types": _one_of(codelists.DOC_TYPES),
    }
    return messages[codelist][:MAX_MESSAGE]


ERROR_MESSAGE = (
    "Not in the list. You may keep it: sheetsync reads common aliases (PCS, KG, RMB, UK, C&F...) "
    "and reports anything it cannot read."
)


def settings_rows(overrides: Mapping[str, object] | None) -> list[tuple[str, object, str]]:
    """(Setting, Value, Explanation) rows: the contract defaults, with `overrides` applied."""
    given = dict(overrides or {})
    unknown = sorted(set(given) - {key for key, _, _ in SETTINGS})
    if unknown:
        raise ValueError(f"Unknown setting(s): {', '.join(unknown)}")
    return [(key, given.get(key, default), text) for key, default, text in SETTINGS]
