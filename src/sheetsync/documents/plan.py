"""Which documents an order gets, on which tabs, at which revision; and the edits that make them.

One tab per document: `CI PO-1001`, or `CI PO-1001-S2` for the second shipment of an order
that ships in parts (invoice, packing list, shipping instruction and certificate of origin are
per shipment; the proforma is per order). Generating again replaces the tab and adds a
register row with the next Revision, the earlier rows marked Superseded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from sheetsync.contract import DOCUMENTS
from sheetsync.contract.doc_layout import KINDS, DocKind
from sheetsync.documents.layout import Order, build
from sheetsync.documents.source import Source, as_text, key_of
from sheetsync.edits import AddRegister, Edit, RegisterDocument

MAX_TAB = 31
_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
# The documents that apply at each order status when none are named.
BY_STATUS = {
    "Open": ("proforma",),
    "Sampling": ("proforma",),
    "In production": ("proforma",),
    "Ready": ("proforma", "shipping-instruction"),
    "Shipped": ("invoice", "packing-list", "shipping-instruction", "origin"),
    "Closed": ("invoice", "packing-list", "shipping-instruction", "origin"),
}


class Taken(set[str]):
    """Tab names in use, case-folded (Excel compares them so)."""

    def add_name(self, name: str) -> None:
        self.add(name.casefold())


class PlanError(ValueError):
    """An order or shipment that cannot be documented (not found, cancelled, no lines)."""


@dataclass
class Planned:
    """One document generated: what the CLI reports."""

    type: str
    order_no: str
    shipment_no: str | None
    tab: str
    doc_no: str
    revision: int
    totals: dict[str, float]


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    documents: list[Planned] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why a document was left as it is


key = key_of  # an Order / Shipment No compared as the rules do: text, trimmed, case-folded


def tab_name(prefix: str, order_no: str, suffix: str, taken: Iterable[str]) -> str:
    """`CI PO-1001`, within 31 characters, without `/ \\ ? * [ ] :`, and not one of `taken`."""
    base = _FORBIDDEN.sub("-", f"{prefix} {order_no}")[: MAX_TAB - len(suffix)] + suffix
    base = base.strip("'") or prefix
    used = taken if isinstance(taken, Taken) else {t.casefold() for t in taken}
    name, n = base, 2
    while name.casefold() in used:
        tail = f" ({n})"
        name, n = base[: MAX_TAB - len(tail)] + tail, n + 1
    return name


def plan(
    src: Source,
    order_nos: Sequence[str],
    slugs: Sequence[str] = (),
    shipment_no: str | None = None,
    date: dt.date | None = None,
    now: dt.datetime | None = None,
    keep_going: bool = False,
    dated: Mapping[str, dt.datetime] | None = None,
) -> Plan:
    """The edits generating `slugs` (default: those of the order's status) for each order.

    With `keep_going`, an order that cannot be documented is noted in `skipped`, not raised.
    `dated` gives some orders (by Order No) their own generation time instead of `now`.
    """
    now = now or dt.datetime.now().replace(microsecond=0)
    out = Plan()
    if src.book.get("Documents") is None:
        out.edits.append(
            AddRegister(tuple(c.header for c in DOCUMENTS.columns), tuple(c.width for c in DOCUMENTS.columns))
        )
    taken = Taken(n.casefold() for n in src.book.sheet_names)
    for order_no in order_nos:
        try:
            when = (dated or {}).get(order_no, now)
            _plan_order(src, out, order_no, slugs, shipment_no, date or when.date(), when, taken)
        except PlanError as error:
            if not keep_going:
                raise
            out.skipped.append(str(error))
    return out


def _plan_order(
    src: Source, out: Plan, order_no: str, slugs: Sequence[str], shipment_no: str | None,
    date: dt.date, now: dt.datetime, taken: Taken,
) -> None:  # fmt: skip
    orders = src.tables["Orders"].data.frame
    found = src.rows_by("Orders", "order_no").get(key(order_no), [])
    if len(found) == 0:
        raise PlanError(f"No order {order_no!r} in {src.book.get('Orders').name}.")  # type: ignore[union-attr]
    row = int(found[0])
    status = orders.at[row, "status"]
    if status == "Cancelled":
        raise PlanError(f"Order {order_no} is cancelled: it gets no documents.")
    wanted = list(slugs) or list(BY_STATUS.get(str(status), ("proforma",)))
    lines = src.tables["Lines"].data.frame
    mine = lines.loc[src.rows_by("Lines", "order_no").get(key(order_no), [])]
    mine = mine.assign(_row=mine.index).sort_values(["line", "_row"], na_position="last")
    if mine.empty:
        raise PlanError(f"Order {order_no} has no lines to put on a document.")
    parts: dict[bool, list[tuple[int | None, str | None, str, list[int]]]] = {}
    for slug in wanted:
        kind = KINDS[slug]
        if kind.per_shipment not in parts:
            parts[kind.per_shipment] = _parts(src, kind, order_no, mine, shipment_no)
        for ship_row, ship_no, suffix, line_rows in parts[kind.per_shipment]:
            _one(src, out, kind, row, ship_row, ship_no, suffix, line_rows, date, now, taken)


def _parts(
    src: Source, kind: DocKind, order_no: str, lines: pd.DataFrame, only: str | None
) -> list[tuple[int | None, str | None, str, list[int]]]:
    """(shipment row, shipment no, tab suffix, line rows) for each document of this kind."""
    ships = src.tables.get("Shipments")
    frame = ships.data.frame if ships else pd.DataFrame({"order_no": [], "shipment_no": []})
    theirs = frame.loc[src.rows_by("Shipments", "order_no").get(key(order_no), [])] if ships else frame
    by_no = {key(s): (int(r), s) for r, s in zip(theirs.index, theirs["shipment_no"], strict=True)}
    ordinal = {k: i for i, k in enumerate(by_no, start=1)}
    named = [k for k in dict.fromkeys(lines["shipment_no"].map(key)) if k]
    all_rows = [int(r) for r in lines.index]
    if only is not None:
        if key(only) not in by_no:
            raise PlanError(f"Order {order_no} has no shipment {only!r} in Shipments.")
        ship_row, ship_no = by_no[key(only)]
        rows = [int(r) for r in lines.index[lines["shipment_no"].map(key) == key(only)]] or all_rows
        suffix = f"-S{ordinal[key(only)]}" if len(by_no) > 1 else ""
        return [(ship_row, ship_no, suffix if kind.per_shipment else "", rows)]
    if not kind.per_shipment:
        return [(None, None, "", all_rows)]  # the proforma comes before any shipment
    if len(named) <= 1:
        single = named[0] if named else (next(iter(by_no)) if len(by_no) == 1 else None)
        ship = by_no.get(single) if single else None
        return [(ship[0] if ship else None, ship[1] if ship else None, "", all_rows)]
    parts: list[tuple[int | None, str | None, str, list[int]]] = []
    for k in named:
        rows = [int(r) for r in lines.index[lines["shipment_no"].map(key) == k]]
        ship = by_no.get(k)
        parts.append(
            (
                ship[0] if ship else None,
                ship[1] if ship else None,
                f"-S{ordinal.get(k, len(parts) + 1)}",
                rows,
            )
        )
    return parts


def _one(
    src: Source, out: Plan, kind: DocKind, order_row: int, ship_row: int | None, ship_no: str | None,
    suffix: str, line_rows: list[int], date: dt.date, now: dt.datetime, taken: Taken,
) -> None:  # fmt: skip
    order_no = as_text(src.tables["Orders"].raw(order_row, "order_no")) or str(
        src.tables["Orders"].data.frame.at[order_row, "order_no"]
    )
    earlier = _earlier(src, kind, order_no, ship_no)
    latest = earlier.iloc[-1] if len(earlier) else None
    if latest is not None and pd.notna(latest.get("issued")):
        out.skipped.append(f"{latest['doc_no']} was issued on {latest['issued']:%Y-%m-%d}; it stays as sent.")
        return
    old_tab = str(latest["sheet"]) if latest is not None and pd.notna(latest["sheet"]) else None
    exists = old_tab is not None and old_tab.casefold() in taken
    tab = old_tab if exists and old_tab else tab_name(kind.prefix, order_no, suffix, taken)
    taken.add_name(tab)
    revisions = earlier["revision"].dropna() if "revision" in earlier else pd.Series(dtype=float)
    revision = int(max(revisions.max() if len(revisions) else 0, len(earlier))) + 1
    doc_no = f"{tab} R{revision}"
    job = Order(kind, order_row, line_rows, ship_row, doc_no, tab, date, old_tab if exists else None)
    built = build(src, job)
    out.edits.append(built.sheet)
    if len(earlier):
        for old_no in earlier.loc[earlier["superseded"].isna(), "doc_no"]:
            out.edits.append(RegisterDocument({"doc_no": str(old_no), "superseded": now}))
    ship_text = as_text(ship_no) if ship_no is not None else None
    out.edits.append(RegisterDocument({
        "doc_no": doc_no, "type": kind.type, "order_no": order_no, "shipment_no": ship_text, "sheet": tab,
        "generated": now, "revision": float(revision), **built.totals,
    }))  # fmt: skip
    out.documents.append(Planned(kind.type, order_no, ship_text, tab, doc_no, revision, built.totals))


def _earlier(src: Source, kind: DocKind, order_no: str, ship_no: str | None) -> pd.DataFrame:
    """This document's register rows, oldest revision first."""
    register = src.book.get("Documents")
    if register is None:
        return pd.DataFrame()
    rows = src.rows_by("Documents", "order_no").get(key(order_no), [])
    if not rows:
        return pd.DataFrame()
    frame = register.frame.loc[rows]
    mine = frame[
        (frame["type"] == kind.type)
        & (frame["shipment_no"].map(key) == key(ship_no))
        & frame["doc_no"].notna()
    ]
    return mine.assign(_rev=mine["revision"].fillna(0)).sort_values(["_rev", "generated"])
