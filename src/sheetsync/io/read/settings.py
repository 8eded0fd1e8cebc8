"""Read the Settings key/value sheet and the Lists sheet's port-alias table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from python_calamine import CalamineWorkbook

from sheetsync.a1 import column_letter
from sheetsync.book import Rate, Settings
from sheetsync.contract import SETTINGS, SETTINGS_SHEET, header_key
from sheetsync.findings import Finding, finding
from sheetsync.io.read import coerce

_FIELDS: dict[str, tuple[str, str]] = {
    # Settings key -> (Settings attribute, kind)
    "Exporter Name": ("exporter_name", "text"),
    "Exporter Address": ("exporter_address", "text"),
    "Today": ("today", "date"),
    "Due Soon Days": ("due_soon_days", "int"),
    "Date Order": ("date_order", "order"),
    "Amount Tolerance": ("amount_tolerance", "number"),
    "Weight Tolerance %": ("weight_tolerance_pct", "number"),
    "Grace Days": ("grace_days", "int"),
    "Base Currency": ("base_currency", "text"),
    "Store View": ("store_view", "text"),
}
assert set(_FIELDS) == {key for key, _, _ in SETTINGS}, "Settings keys drift from the contract"
_KEYS = {header_key(k): k for k in _FIELDS}
_TYPE_NAMES = {"date": "date", "int": "whole number", "number": "number", "order": "DMY or MDY"}


def _parse(kind: str, raw: Any) -> tuple[Any, bool]:
    """(value, ok) for one Settings value; blank gives (None, True)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, True
    if kind == "text":
        return coerce.coerce_text([raw]).values[0], True
    if kind == "order":
        text = str(raw).strip().upper()
        return (text, True) if text in ("DMY", "MDY") else (None, False)
    if kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date(), True
        if isinstance(raw, dt.date):
            return raw, True
        if isinstance(raw, str):
            found, problem = coerce.parse_date(raw, None)
            return (found.date(), True) if found and not problem else (None, False)
        return None, False
    result = coerce.coerce_number([raw], integer=kind == "int")
    value = float(result.values[0])
    if result.problems or value != value:
        return None, False
    return (int(value) if kind == "int" else value), True


def read_settings(wb: CalamineWorkbook, names: list[str], findings: list[Finding]) -> Settings:
    """Settings from the key/value sheet; unknown keys are ignored, bad values reported."""
    sheet = next((n for n in names if header_key(n) == header_key(SETTINGS_SHEET)), None)
    if sheet is None:
        return Settings()
    ws = wb.get_sheet_by_name(sheet)
    row0, col0 = ws.start or (0, 0)
    values: dict[str, Any] = {}
    for i, row in enumerate(ws.to_python()):
        cells = [(j, v) for j, v in enumerate(row) if v not in ("", None)]
        if not cells:
            continue
        j, label = cells[0]
        key = _KEYS.get(header_key(label)) if isinstance(label, str) else None
        if key is None:
            continue
        attr, kind = _FIELDS[key]
        raw = row[j + 1] if j + 1 < len(row) else None
        value, ok = _parse(kind, raw)
        if not ok:
            excel_row = row0 + i + 1
            cell = f"{column_letter(col0 + j + 1)}{excel_row}"
            findings.append(
                finding("schema-type", sheet, excel_row, key, cell, None, raw, type=_TYPE_NAMES[kind])
            )
        elif value is not None:
            values[attr] = value
    return Settings(**values)


def read_port_aliases(rows: list[list[Any]]) -> dict[str, str]:
    """The Lists sheet's `Port Alias` -> `LOCODE` table (raw alias text -> code)."""
    for i, row in enumerate(rows):
        keys = [header_key(v) if isinstance(v, str) else "" for v in row]
        if "portalias" in keys and "locode" in keys:
            a, c = keys.index("portalias"), keys.index("locode")
            table: dict[str, str] = {}
            for r in rows[i + 1 :]:
                alias, code = r[a], r[c]
                if isinstance(alias, str) and alias.strip() and isinstance(code, str) and code.strip():
                    table[alias.strip()] = code.strip().upper().replace(" ", "")
            return table
    return {}


_RATE_HEADERS = ("currency", "ratetobase", "asof")


def read_rates(rows: list[list[Any]], row0: int, sheet: str, findings: list[Finding]) -> list[Rate]:
    """The Lists sheet's Rates table (Currency, Rate to Base, As Of); a bad rate is a schema-type finding.

    Rates are kept as exact decimal text: a number cell is read through its shortest repr.
    """
    for i, row in enumerate(rows):
        keys = [header_key(v) if isinstance(v, str) else "" for v in row]
        if not all(k in keys for k in _RATE_HEADERS[:2]):
            continue
        c, r = keys.index("currency"), keys.index("ratetobase")
        a = keys.index("asof") if "asof" in keys else None
        rates: list[Rate] = []
        for j, cells in enumerate(rows[i + 1 :], start=i + 2):
            currency = cells[c] if c < len(cells) else None
            if not isinstance(currency, str) or not currency.strip():
                continue
            raw = cells[r] if r < len(cells) else None
            rate = _decimal_text(raw)
            excel_row = row0 + j
            if rate is None:
                cell = f"{column_letter(r)}{excel_row}"
                findings.append(finding("schema-type", sheet, excel_row, "Rate to Base", cell, None, raw,
                                        type="positive number"))  # fmt: skip
                continue
            as_of, _ = _parse("date", cells[a] if a is not None and a < len(cells) else None)
            rates.append(Rate(currency.strip().upper(), rate, as_of, excel_row))
        return rates
    return []


def _decimal_text(raw: Any) -> str | None:
    """A positive rate as exact decimal text, else None."""
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return str(value) if value.is_finite() and value > 0 else None
