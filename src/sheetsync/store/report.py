"""The consolidated view: every stored order across books, valued in base currency, with the late
milestones, the conflicts and a summary per coordinator; as a workbook or JSON.

Money stays exact: amounts come out of the store as integer minor units and are converted with
Decimal at the book's own rate (Rates on its Lists sheet, to its `Base Currency`). An order whose
currency has no rate gets no base value and an `fx-rate-missing` finding, never a zero.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import xlsxwriter

from sheetsync.findings import Severity
from sheetsync.store import schema as s
from sheetsync.store.conflicts import row_conflicts
from sheetsync.store.extract import from_minor

LATE_CODES = (
    "milestone-overdue",
    "lc-presentation-late",
    "lc-expired",
    "lc-shipment-late",
    "lc-presentation-at-risk",
    "lc-shipment-at-risk",
    "milestone-due-soon",
)
CENT = Decimal("0.01")


@dataclass
class Consolidated:
    orders: list[dict[str, Any]]
    late: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    value: list[dict[str, Any]]  # by base currency, buyer and month
    team: list[dict[str, Any]]  # by coordinator
    rates: list[dict[str, Any]]  # the rates used
    missing_rates: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: _jsonable(v) for k, v in self.__dict__.items()}


def _jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: str(v) if isinstance(v, Decimal | dt.date) else v for k, v in r.items()} for r in rows]


def consolidate(conn: sa.Connection) -> Consolidated:
    """Read the store into the consolidated view."""
    rates = _rates(conn)
    orders, missing = _orders(conn, rates)
    used = sorted({(o["book"], o["currency"]) for o in orders if o["rate"] is not None})
    rate_rows = [
        {
            "book": b,
            "currency": c,
            "base": rates[(b, c)][0],
            "rate": rates[(b, c)][1],
            "as_of": rates[(b, c)][2],
        }
        for b, c in used
        if (b, c) in rates
    ]
    return Consolidated(
        orders, _late(conn), _conflicts(conn), _value(orders), _team(orders, conn), rate_rows, missing
    )


def _rates(conn: sa.Connection) -> dict[tuple[str, str], tuple[str, Decimal, dt.date | None]]:
    """(book path, currency) -> (base, rate, as of); the latest As Of wins within a book."""
    query = (
        sa.select(
            s.books.c.path, s.books.c.base_currency, s.rates.c.currency, s.rates.c.rate, s.rates.c.as_of
        )
        .join(s.books, s.books.c.id == s.rates.c.book_id)
        .order_by(s.rates.c.as_of.is_(None).desc(), s.rates.c.as_of)
    )
    return {
        (r.path, r.currency): (r.base_currency, Decimal(r.rate), r.as_of)
        for r in conn.execute(query)
        if r.base_currency
    }


def _orders(
    conn: sa.Connection, rates: dict[tuple[str, str], tuple[str, Decimal, dt.date | None]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    r, b = s.records.c, s.books.c
    query = (
        sa.select(b.path, b.base_currency, r.sheet, r.excel_row, r.currency, r.amount_minor, r.data)
        .join(s.books, b.id == r.book_id)
        .where(r.kind == "orders")
        .order_by(b.path, r.excel_row)
    )
    out, missing = [], []
    for row in conn.execute(query):
        data = json.loads(row.data)
        amount = None if row.amount_minor is None else from_minor(row.amount_minor, row.currency)
        base, rate, as_of = row.base_currency, None, None
        if base and row.currency == base:
            rate = Decimal(1)
        elif base and (row.path, row.currency) in rates:
            _, rate, as_of = rates[(row.path, row.currency)]
        value = None if amount is None or rate is None else (amount * rate).quantize(CENT, ROUND_HALF_UP)
        if base and row.currency and rate is None:
            missing.append(
                {
                    "book": row.path,
                    "sheet": row.sheet,
                    "row": row.excel_row,
                    "order": data.get("order_no"),
                    "currency": row.currency,
                    "base": base,
                    "code": "fx-rate-missing",
                }
            )
        order_date = data.get("order_date")
        out.append(
            {
                "book": row.path,
                "sheet": row.sheet,
                "row": row.excel_row,
                "order": data.get("order_no"),
                "buyer": data.get("buyer"),
                "coordinator": data.get("coordinator"),
                "status": data.get("status"),
                "order_date": order_date,
                "month": order_date[:7] if order_date else None,
                "etd_plan": data.get("etd_plan"),
                "currency": row.currency,
                "amount": amount,
                "base": base or None,
                "rate": rate,
                "rate_as_of": as_of,
                "value_base": value,
            }
        )
    return out, missing


def _late(conn: sa.Connection) -> list[dict[str, Any]]:
    """Late and at-risk milestone and L/C findings, most urgent first (errors, then the oldest plan)."""
    f, b = s.findings.c, s.books.c
    query = (
        sa.select(
            b.path, f.code, f.severity, f.sheet, f.row, f.column, f.order_no, f.message, f.value, f.judged_on
        )
        .join(s.books, b.id == f.book_id)
        .where(f.code.in_(LATE_CODES))
    )
    rank = {sev.value: sev.rank for sev in Severity}
    rows = [dict(r._mapping) | {"book": r.path} for r in conn.execute(query)]
    rows.sort(
        key=lambda r: (
            rank[r["severity"]],
            LATE_CODES.index(r["code"]),
            r["value"] or "",
            r["book"],
            r["row"] or 0,
        )
    )
    return [{k: v for k, v in r.items() if k != "path"} for r in rows]


def _conflicts(conn: sa.Connection) -> list[dict[str, Any]]:
    return [{"book": str(c.path), **c.finding.as_dict()} for c in row_conflicts(conn)]


def _value(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    totals: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0])
    for o in orders:
        if o["base"] is None or o["status"] == "Cancelled":
            continue
        key = (o["base"], o["buyer"] or "(blank)", o["month"] or "(no date)")
        totals[key][0] += o["value_base"] or Decimal(0)
        totals[key][1] += 1
        totals[key][2] += o["value_base"] is None
    return [
        {
            "base": k[0],
            "buyer": k[1],
            "month": k[2],
            "value_base": v[0],
            "orders": v[1],
            "orders_not_valued": v[2],
        }
        for k, v in sorted(totals.items())
    ]


def _team(orders: list[dict[str, Any]], conn: sa.Connection) -> list[dict[str, Any]]:
    """Per coordinator: orders, open orders, errors and overdue milestones on their orders."""
    f = s.findings.c
    errors = sa.func.sum(sa.case((f.severity == "error", 1), else_=0))
    overdue = sa.func.sum(sa.case((f.code == "milestone-overdue", 1), else_=0))
    query = (
        sa.select(f.order_no, errors, overdue)
        .where(f.order_no.is_not(None), sa.or_(f.severity == "error", f.code == "milestone-overdue"))
        .group_by(f.order_no)
    )
    by_order: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for order_no, e, o in conn.execute(query):
        key = str(order_no).strip().lower()
        by_order[key] = (by_order[key][0] + int(e), by_order[key][1] + int(o))
    team: dict[str, dict[str, Any]] = {}
    for o in orders:
        who = o["coordinator"] or "(blank)"
        t = team.setdefault(who, {"coordinator": who, "orders": 0, "open": 0, "errors": 0, "overdue": 0})
        t["orders"] += 1
        t["open"] += o["status"] not in ("Closed", "Cancelled")
        e, late = by_order.get(str(o["order"] or "").strip().lower(), (0, 0))
        t["errors"] += e
        t["overdue"] += late
    return sorted(team.values(), key=lambda t: t["coordinator"])


# The columns each sheet of the workbook shows (the JSON has every field); `book` is the file name.
XLSX_COLUMNS: dict[str, tuple[str, ...]] = {
    "Orders": ("book", "row", "order", "buyer", "coordinator", "status", "month", "etd_plan", "currency",
               "amount", "base", "value_base"),
    "Late": ("severity", "code", "book", "sheet", "row", "column", "order_no", "message"),
}  # fmt: skip
NOTES = {"Team": "Counts per coordinator from the stored findings (full KPIs: sheetsync kpi --store)."}


def write_xlsx(view: Consolidated, out: Path) -> Path:
    """One sheet per part of the view, each with filters and frozen headers; the book paths on Books."""
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    head = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
    parts = {
        "Orders": view.orders,
        "Late": view.late,
        "Value by buyer": view.value,
        "Conflicts": view.conflicts,
        "Team": view.team,
        "Rates used": view.rates,
        "Missing rates": view.missing_rates,
    }
    names: dict[str, str] = {}
    for name, rows in parts.items():
        ws = workbook.add_worksheet(name)
        columns = list(XLSX_COLUMNS.get(name, rows[0] if rows else ("(none)",)))
        ws.write_row(0, 0, columns, head)
        for i, row in enumerate(rows, start=1):
            for j, column in enumerate(columns):
                value = row.get(column)
                if column == "book" and isinstance(value, str):
                    if value not in names:
                        names[value] = Path(value).name
                    value = names[value]
                if isinstance(value, str):
                    ws.write_string(i, j, value)
                elif isinstance(value, Decimal):
                    ws.write_number(i, j, float(value), money)
                elif isinstance(value, int | float):
                    ws.write_number(i, j, value)
                elif isinstance(value, dt.date):
                    ws.write_string(i, j, value.isoformat())
        ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        ws.freeze_panes(1, 0)
        if name in NOTES:
            ws.write_string(len(rows) + 2, 0, NOTES[name])
    books = workbook.add_worksheet("Books")
    books.write_row(0, 0, ["book", "path"], head)
    for i, (path, name) in enumerate(sorted(names.items(), key=lambda kv: kv[1]), start=1):
        books.write_row(i, 0, [name, path])
    workbook.close()
    return out


__all__ = ["Consolidated", "consolidate", "write_xlsx"]
