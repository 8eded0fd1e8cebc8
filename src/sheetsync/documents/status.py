"""The buyer's status update: "where is my order?" answered in words a buyer understands.

Only what a buyer may see: their own open orders, the milestones, shipping details and which
documents went out. Nothing internal (coordinator, prices, margins, extra columns, other
buyers) is read into the rows, so none of it can reach the workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sheetsync.book import Book
from sheetsync.contract.codelists import MILESTONES
from sheetsync.contract.sheets import milestone_key
from sheetsync.rules.doc_tabs import text_key
from sheetsync.rules.parties import same_party

HEADERS = ("Your order", "Order date", "Status", "Last step done", "Done on", "Next step", "Planned for",
           "How it is going", "ETD", "ETA", "Vessel / flight", "B/L or AWB", "Containers",
           "Documents sent")  # fmt: skip
CLOSED = ("Closed", "Cancelled")
STATUS_WORDS = {"Open": "Confirmed", "Sampling": "Samples in progress", "In production": "In production",
                "Ready": "Ready to ship", "Shipped": "Shipped"}  # fmt: skip
STEP_WORDS = {"Deposit Received": "Deposit received", "Balance Received": "Balance received",
              "Booking Confirmed": "Freight booked", "ETD": "Departed", "ETA": "Arrived",
              "Docs Sent": "Documents sent"}  # fmt: skip

Cell = str | dt.date | None


@dataclass(frozen=True)
class StatusRow:
    values: tuple[Cell, ...]


def buyers(book: Book) -> list[str]:
    """The buyers with open orders, as first written."""
    orders = book.sheets["Orders"].frame
    open_orders = orders[~orders["status"].isin(CLOSED)]
    return list(dict.fromkeys(str(b) for b in open_orders["buyer"].dropna()))


def _date(value: object) -> dt.date | None:
    return value.date() if isinstance(value, pd.Timestamp) and not pd.isna(value) else None


def _progress(order: Mapping[str, object], today: dt.date, soon: int) -> tuple[Cell, Cell, Cell, Cell, str]:
    last: tuple[str | None, dt.date | None] = (None, None)
    for m in MILESTONES:
        done = _date(order.get(milestone_key(m, "actual")))
        if done:
            last = (STEP_WORDS.get(m, m), done)
    for m in MILESTONES:
        plan, done = _date(order.get(milestone_key(m, "plan"))), _date(order.get(milestone_key(m, "actual")))
        if done or plan is None:
            continue
        step = STEP_WORDS.get(m, m)
        if plan < today:
            words = f"Running late: {step.lower()} was planned for {plan:%d %b %Y}; we are on it."
        elif (plan - today).days <= soon:
            words = f"On track: {step.lower()} is due within {soon} days."
        else:
            words = "On track."
        return last[0], last[1], step, plan, words
    return last[0], last[1], None, None, "All steps done."


def _joined(shipments: list[dict[str, Any]], column: str) -> str | None:
    """The distinct values of `column` over an order's shipments, joined by "; " (None when none)."""
    found = dict.fromkeys(str(r[column]) for r in shipments if column in r and not _blank(r[column]))
    return "; ".join(found) or None


def _blank(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _first_or_last(shipments: list[dict[str, Any]], actual: str, plan: str, last: bool) -> dt.date | None:
    """The earliest (or latest) of each shipment's actual date, else its planned date."""
    dates = [r[actual] if not _blank(r.get(actual)) else r.get(plan) for r in shipments]
    found = [d for d in dates if isinstance(d, pd.Timestamp) and not _blank(d)]
    return _date(max(found) if last else min(found)) if found else None


def _issued(book: Book) -> dict[str, str]:
    """Order key -> the documents issued for it ("Commercial Invoice CI-00001; ..."), in one pass."""
    register = book.get("Documents")
    if register is None:
        return {}
    frame = register.frame[register.frame["issued"].notna()]
    listed: dict[str, list[str]] = {}
    for order_no, kind, doc_no in zip(frame["order_no"], frame["type"], frame["doc_no"], strict=True):
        listed.setdefault(text_key(order_no), []).append(f"{kind} {doc_no}")
    return {k: "; ".join(v) for k, v in listed.items()}


def _sent(issued: dict[str, str], key: str, order: Mapping[str, object]) -> str:
    """The documents issued for the order, else the date documents went out, else `Not yet`."""
    if issued.get(key):
        return issued[key]
    sent = _date(order.get("docs_sent_actual"))
    return f"Sent {sent:%d %b %Y}" if sent else "Not yet"


def status_rows(book: Book, buyer: str, today: dt.date) -> list[StatusRow]:
    """One row per open order of `buyer` (names compared as a bank would).

    Shipments and issued documents are grouped by order once, not searched once per order."""
    orders = book.sheets["Orders"].frame
    mine = orders[orders["buyer"].map(lambda b: isinstance(b, str) and same_party(b, buyer))]
    mine = mine[~mine["status"].isin(CLOSED)]
    ships = book.get("Shipments")
    by_order: dict[str, list[dict[str, Any]]] = {}
    if ships is not None:
        frame = ships.frame
        columns = [c for c in ("atd", "etd", "ata", "eta", "vessel", "bl_no", "container_no") if c in frame]
        keys = frame["order_no"].map(text_key)
        for key, record in zip(keys, frame[columns].to_dict("records"), strict=True):
            by_order.setdefault(key, []).append({str(k): v for k, v in record.items()})
    issued = _issued(book)
    rows = []
    for record in mine.to_dict("records"):
        order = {str(k): v for k, v in record.items()}
        key = text_key(order["order_no"])
        shipped = by_order.get(key, [])
        last, done_on, step, planned, words = _progress(order, today, book.settings.due_soon_days)
        etd = _first_or_last(shipped, "atd", "etd", last=False)
        eta = _first_or_last(shipped, "ata", "eta", last=True)
        status = str(order["status"])
        rows.append(StatusRow((
            str(order["order_no"]), _date(order["order_date"]), STATUS_WORDS.get(status, status),
            last, done_on, step, planned, words,
            etd or _date(order.get("etd_actual")) or _date(order.get("etd_plan")),
            eta or _date(order.get("eta_actual")) or _date(order.get("eta_plan")),
            _joined(shipped, "vessel"), _joined(shipped, "bl_no"), _joined(shipped, "container_no"),
            _sent(issued, key, order),
        )))  # fmt: skip
    return rows
