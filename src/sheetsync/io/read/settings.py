"""Read the Settings key/value sheet and the Lists sheet's port-alias table and Column Map."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from python_calamine import CalamineWorkbook

from sheetsync.a1 import column_letter
from sheetsync.book import Rate, Settings
from sheetsync.contract import SETTINGS, SETTINGS_SHEET, TABLE_SHEETS, header_key
from sheetsync.contract.codelists import MILESTONES
from sheetsync.contract.headers import HeaderMatcher, sheet_fit
from sheetsync.contract.sheets import COLUMN_MAP_HEADERS, RATES_HEADERS
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
    "Milestones Not Tracked": ("milestones_not_tracked", "milestones"),
    "Exporter Bank": ("exporter_bank", "text"),
    "Signatory": ("signatory", "text"),
    "Doc No Series": ("doc_no_series", "text"),
    "Base Currency": ("base_currency", "text"),
    "Store View": ("store_view", "text"),
}
assert set(_FIELDS) == {key for key, _, _ in SETTINGS}, "Settings keys drift from the contract"
_KEYS = {header_key(k): k for k in _FIELDS}
_TYPE_NAMES = {
    "date": "date",
    "int": "whole number",
    "number": "number",
    "order": "DMY or MDY",
    "milestones": "comma-separated list of milestones (" + ", ".join(MILESTONES) + ")",
}
_MILESTONE_KEYS = {header_key(m): m for m in MILESTONES}


def _milestones(raw: Any) -> tuple[frozenset[str] | None, bool]:
    """`Inspection, docs sent` -> the milestone names; an unknown name makes the value wrong."""
    names = [part for part in re.split(r"[,;\n]", str(raw)) if part.strip()]
    found = [_MILESTONE_KEYS.get(header_key(part)) for part in names]
    if any(m is None for m in found):
        return None, False
    return frozenset(m for m in found if m is not None), True


def _parse(kind: str, raw: Any) -> tuple[Any, bool]:
    """(value, ok) for one Settings value; blank gives (None, True)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, True
    if kind == "text":
        return coerce.coerce_text([raw]).values[0], True
    if kind == "milestones":
        return _milestones(raw)
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
    sheet = settings_sheet(names)
    if sheet is None:
        return Settings()
    ws = wb.get_sheet_by_name(sheet)
    row0, col0 = ws.start or (0, 0)
    return settings_from_rows(sheet, ws.to_python(), (int(row0), int(col0)), findings)


def settings_sheet(names: list[str]) -> str | None:
    """The book's Settings sheet, matched ignoring case and spaces."""
    return next((n for n in names if header_key(n) == header_key(SETTINGS_SHEET)), None)


def settings_from_rows(
    sheet: str, rows: list[list[Any]], start: tuple[int, int], findings: list[Finding]
) -> Settings:
    """Settings from the Settings sheet's rows (`start`: 0-based offset of the first cell)."""
    row0, col0 = start
    values: dict[str, Any] = {}
    for i, row in enumerate(rows):
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


def read_column_map(
    rows: list[list[Any]], start: tuple[int, int], lists: str, findings: list[Finding]
) -> dict[str, dict[str, str]]:
    """The Lists sheet's Column Map: contract sheet -> {header as written -> contract column key}.

    A blank Map Sheet applies the row to every contract sheet that has the column; a row naming
    no contract column is a `column-map-unknown` finding on its Contract Column cell.
    """
    wanted = [header_key(h) for h in COLUMN_MAP_HEADERS]
    for i, row in enumerate(rows):
        keys = [header_key(v) if isinstance(v, str) else "" for v in row]
        if not all(k in keys for k in wanted):
            continue
        s, w, c = (keys.index(k) for k in wanted)
        found: dict[str, dict[str, str]] = {}
        for r, cells in enumerate(rows[i + 1 :], start=start[0] + i + 2):
            sheet, written, target = (cells[j] if j < len(cells) else None for j in (s, w, c))
            if not (_filled(written) and _filled(target)):
                continue
            assert isinstance(written, str) and isinstance(target, str)
            named = [
                contract
                for contract in TABLE_SHEETS
                if not (isinstance(sheet, str) and sheet.strip())
                or any(sheet_fit(sheet, n) is not None for n in (contract.name, *contract.aliases))
            ]
            hits = 0
            for contract in named:
                keys_found = HeaderMatcher(contract).match(target).keys
                if len(keys_found) == 1:
                    found.setdefault(contract.name, {})[written.strip()] = keys_found[0]
                    hits += 1
            if not hits:
                findings.append(
                    finding("column-map-unknown", lists, r, COLUMN_MAP_HEADERS[2],
                            f"{column_letter(start[1] + c)}{r}", None, target.strip())
                )  # fmt: skip
        return found
    return {}


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


_RATE_HEADERS = tuple(header_key(h) for h in RATES_HEADERS)  # currency, ratetobase, asof


def read_rates(rows: list[list[Any]], row0: int, sheet: str, findings: list[Finding]) -> list[Rate]:
    """The Lists sheet's Rates table (Currency, Rate to Base, As Of); a bad rate is a schema-type finding.

    Rates are kept as exact decimal text: a number cell is read through its shortest repr. The
    table's Currency is the one nearest left of Rate to Base (a code list may be headed alike).
    """
    for i, row in enumerate(rows):
        keys = [header_key(v) if isinstance(v, str) else "" for v in row]
        if _RATE_HEADERS[1] not in keys or _RATE_HEADERS[0] not in keys[: keys.index(_RATE_HEADERS[1])]:
            continue
        r = keys.index(_RATE_HEADERS[1])
        c = r - 1 - keys[:r][::-1].index(_RATE_HEADERS[0])
        a = r + 1 + keys[r + 1 :].index(_RATE_HEADERS[2]) if _RATE_HEADERS[2] in keys[r + 1 :] else None
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
