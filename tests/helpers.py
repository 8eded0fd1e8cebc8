"""Build small, real workbooks in tests, from a clean baseline.

`order()` with `line()` gives no finding at all. Adding `shipment()` (a container) to the FOB
baseline order gives one `trade-incoterm-container` info (RULES.md §7): use
`order(Incoterm="FCA")` where a test needs a shipment and zero findings.

`order()`, `line()` and `shipment()` return valid rows keyed by contract header; override any
field with keyword arguments using the header text (`order(**{"Incoterm": "DDU"})`) or the
contract key (`order(incoterm="DDU")`). `write_book()` writes them with openpyxl as a user's
workbook would look (header on row 1, data from row 2, unless `title_rows` is given).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from sheetsync.contract import DOCUMENTS, LINES, ORDERS, SHIPMENTS, Sheet

TODAY = dt.date(2026, 11, 25)


def d(text: str) -> dt.datetime:
    """`d("2026-09-01")` -> a datetime, as Excel stores dates."""
    return dt.datetime.fromisoformat(text)


def _rekey(sheet: Sheet, base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(base)
    for name, value in overrides.items():
        header = sheet.by_key[name].header if name in sheet.by_key else name
        row[header] = value
    return row


def order(**overrides: Any) -> dict[str, Any]:
    """A clean T/T sea order in production, judged on TODAY (2026-11-25)."""
    base: dict[str, Any] = {
        "Order No": "PO-1001",
        "Order Date": d("2026-09-01"),
        "Buyer": "Nordic Home AB",
        "Buyer Country": "SE",
        "Consignee": "Nordic Home AB",
        "Notify Party": "Scan Logistics AB",
        "Incoterm": "FOB",
        "Incoterm Place": "Shanghai",
        "Transport Mode": "Sea",
        "Port of Loading": "CNSHA",
        "Port of Discharge": "SEGOT",
        "Currency": "USD",
        "Payment Terms": "T/T",
        "Deposit %": 30,
        "Coordinator": "Lin Wei",
        "Status": "In production",
        "Sample Approved Plan": d("2026-09-10"),
        "Sample Approved Actual": d("2026-09-10"),
        "Deposit Received Plan": d("2026-09-15"),
        "Deposit Received Actual": d("2026-09-14"),
        "Production Start Plan": d("2026-09-20"),
        "Production Start Actual": d("2026-09-20"),
        "Production End Plan": d("2026-12-20"),
        "Inspection Plan": d("2026-12-22"),
        "Booking Confirmed Plan": d("2026-12-15"),
        "Cargo Ready Plan": d("2026-12-26"),
        "ETD Plan": d("2027-01-05"),
        "ETA Plan": d("2027-02-10"),
        "Docs Sent Plan": d("2027-01-12"),
        "Balance Received Plan": d("2027-02-15"),
    }
    return _rekey(ORDERS, base, overrides)


def lc_order(**overrides: Any) -> dict[str, Any]:
    """A clean order paid by L/C at sight, its total (4,200) well within the credit."""
    base = order(
        **{
            "Payment Terms": "L/C at sight",
            "Deposit %": 0,
            "Deposit Received Plan": None,
            "Deposit Received Actual": None,
            "L/C No": "LC-778812",
            "L/C Amount": 10000,
            "L/C Expiry": d("2027-02-28"),
            "Latest Shipment": d("2027-01-31"),
            "Presentation Days": 21,
        }
    )
    return _rekey(ORDERS, base, overrides)


def line(**overrides: Any) -> dict[str, Any]:
    """A clean line of PO-1001: 1,200 pieces at 3.50 = 4,200.00."""
    base: dict[str, Any] = {
        "Order No": "PO-1001",
        "Line": 1,
        "SKU": "NH-CUSH-01",
        "Description": "Cotton cushion cover 45x45 cm",
        "HS Code": "6304.92",
        "Origin": "CN",
        "Quantity": 1200,
        "Unit": "H87",
        "Unit Price": 3.5,
        "Amount": 4200.0,
        "Cartons": 50,
        "Net Weight kg": 540.0,
        "Gross Weight kg": 600.0,
        "Volume m3": 3.2,
        "Shipment No": None,
    }
    return _rekey(LINES, base, overrides)


def shipment(**overrides: Any) -> dict[str, Any]:
    """A clean shipment of PO-1001 carrying all 50 cartons (not yet departed)."""
    base: dict[str, Any] = {
        "Shipment No": "SH-1001-1",
        "Order No": "PO-1001",
        "Carrier": "Maersk",
        "Vessel / Flight": "MAERSK EDMONTON 447W",
        "B/L or AWB No": None,
        "Container No": "CSQU3054383",
        "Packages": 50,
        "Gross Weight kg": 600.0,
        "Volume m3": 3.2,
        "ETD": d("2027-01-05"),
        "ATD": None,
        "ETA": d("2027-02-10"),
        "ATA": None,
        "Consignee": None,
        "Port of Discharge": None,
    }
    return _rekey(SHIPMENTS, base, overrides)


def _write_table(
    ws: Any, sheet: Sheet, rows: Sequence[Mapping[str, Any]], title_rows: int, headers: Sequence[str] | None
) -> None:
    names = list(headers) if headers is not None else [c.header for c in sheet.columns]
    for extra in (k for r in rows for k in r if k not in names):
        names.append(extra)
    for i in range(title_rows):
        ws.append([f"{sheet.name} — title row {i + 1}"] if i == 0 else [])
    ws.append(names)
    for r in rows:
        ws.append([r.get(h) for h in names])


def write_book(
    path: Path,
    orders: Iterable[Mapping[str, Any]] = (),
    lines: Iterable[Mapping[str, Any]] = (),
    shipments: Iterable[Mapping[str, Any]] | None = None,
    documents: Iterable[Mapping[str, Any]] | None = None,
    settings: Mapping[str, Any] | None = None,
    title_rows: int = 0,
    headers: Mapping[str, Sequence[str]] | None = None,
    omit: Sequence[str] = (),
) -> Path:
    """Write a workbook with the given rows. `settings` default to Today = TODAY.

    `headers` maps a sheet name to the exact header row to write (to test aliases or
    missing columns); `omit` lists sheets to leave out entirely.
    """
    wb = Workbook()
    wb.remove(wb.active)
    headers = headers or {}
    data = {"Orders": (ORDERS, list(orders)), "Lines": (LINES, list(lines))}
    if shipments is not None:
        data["Shipments"] = (SHIPMENTS, list(shipments))
    if documents is not None:
        data["Documents"] = (DOCUMENTS, list(documents))
    for name, (sheet, rows) in data.items():
        if name in omit:
            continue
        _write_table(wb.create_sheet(name), sheet, rows, title_rows, headers.get(name))
    if "Settings" not in omit:
        ws = wb.create_sheet("Settings")
        ws.append(["Setting", "Value"])
        for key, value in ({"Today": d(TODAY.isoformat())} | dict(settings or {})).items():
            ws.append([key, value])
    wb.save(path)
    return path


def rows_of(findings: Iterable[Any]) -> list[tuple[str, str, int | None, str | None]]:
    """Findings (objects or JSON dicts) as sorted (code, sheet, row, column) tuples."""
    out = []
    for f in findings:
        g = f if isinstance(f, Mapping) else f.as_dict()
        out.append((g["code"], g["sheet"], g["row"], g["column"]))
    return sorted(out, key=lambda t: (t[0], t[1], t[2] or 0, t[3] or ""))


SHIPPED_MILESTONES: dict[str, Any] = {
    "Status": "Shipped",
    "Production End Plan": d("2026-10-20"),
    "Production End Actual": d("2026-10-20"),
    "Inspection Plan": d("2026-10-22"),
    "Inspection Actual": d("2026-10-22"),
    "Booking Confirmed Plan": d("2026-10-15"),
    "Booking Confirmed Actual": d("2026-10-15"),
    "Cargo Ready Plan": d("2026-10-25"),
    "Cargo Ready Actual": d("2026-10-25"),
    "ETD Plan": d("2026-10-30"),
    "ETD Actual": d("2026-10-30"),
    "ETA Plan": d("2026-12-05"),
    "Docs Sent Plan": d("2026-11-04"),
    "Docs Sent Actual": d("2026-11-04"),
    "Balance Received Plan": d("2026-12-10"),
}


def shipped_order(lc: bool = False, **overrides: Any) -> dict[str, Any]:
    """A clean order (L/C at sight with `lc=True`) that left on 2026-10-30, documents sent 2026-11-04."""
    base = (lc_order if lc else order)(**SHIPPED_MILESTONES)
    return _rekey(ORDERS, base, overrides)


def departed_shipment(**overrides: Any) -> dict[str, Any]:
    """The baseline shipment, on board 2026-10-30 with its B/L, arriving 2026-12-05."""
    base = shipment(
        **{
            "B/L or AWB No": "MAEU260458812",
            "ETD": d("2026-10-30"),
            "ATD": d("2026-10-30"),
            "ETA": d("2026-12-05"),
        }
    )
    return _rekey(SHIPMENTS, base, overrides)
