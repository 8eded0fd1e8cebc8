"""The buyer's status update: "where is my order?" answered in words a buyer understands.

Only what a buyer may see: their own open orders, the milestones, shipping details and which
documents went out. Nothing internal (coordinator, prices, margins, extra columns, other
buyers) is read into the rows, so none of it can reach the workbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def _progress(order: pd.Series, today: dt.date, soon: int) -> tuple[Cell, Cell, Cell, Cell, str]:
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


def _joined(frame: pd.DataFrame, column: str) -> str | None:
    found = [str(v) for v in frame[column].dropna().unique()] if column in frame else []
    return "; ".join(found) or None


def _sent(book: Book, key: str, order: pd.Series) -> str:
    """The documents issued for the order, else the date documents went out, else `Not yet`."""
    register = book.get("Documents")
    if register is not None:
        frame = register.frame
        docs = frame[(frame["order_no"].map(text_key) == key) & frame["issued"].notna()]
        listed = "; ".join(f"{t} {n}" for t, n in zip(docs["type"], docs["doc_no"], strict=True))
        if listed:
            return listed
    sent = _date(order.get("docs_sent_actual"))
    return f"Sent {sent:%d %b %Y}" if sent else "Not yet"


def status_rows(book: Book, buyer: str, today: dt.date) -> list[StatusRow]:
    """One row per open order of `buyer` (names compared as a bank would)."""
    orders = book.sheets["Orders"].frame
    mine = orders[orders["buyer"].map(lambda b: isinstance(b, str) and same_party(b, buyer))]
    mine = mine[~mine["status"].isin(CLOSED)]
    ships = book.get("Shipments")
    rows = []
    for _, order in mine.iterrows():
        key = text_key(order["order_no"])
        shipped = ships.frame[ships.frame["order_no"].map(text_key) == key] if ships else pd.DataFrame()
        last, done_on, step, planned, words = _progress(order, today, book.settings.due_soon_days)
        etd = _date(shipped["atd"].fillna(shipped["etd"]).min()) if len(shipped) else None
        eta = _date(shipped["ata"].fillna(shipped["eta"]).max()) if len(shipped) else None
        status = str(order["status"])
        rows.append(StatusRow((
            str(order["order_no"]), _date(order["order_date"]), STATUS_WORDS.get(status, status),
            last, done_on, step, planned, words,
            etd or _date(order.get("etd_actual")) or _date(order.get("etd_plan")),
            eta or _date(order.get("eta_actual")) or _date(order.get("eta_plan")),
            _joined(shipped, "vessel"), _joined(shipped, "bl_no"), _joined(shipped, "container_no"),
            _sent(book, key, order),
        )))  # fmt: skip
    return rows
