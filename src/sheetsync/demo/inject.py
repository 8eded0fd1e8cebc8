"""Which mistake goes on which order: eligibility, a few structural mistakes, and the injector."""

from __future__ import annotations

import datetime as dt
import random

from sheetsync.demo import mistakes as m
from sheetsync.demo.model import Pending
from sheetsync.demo.orders import OrderBundle

DAY = dt.timedelta(days=1)


def ambiguous_date(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """Balance Received planned as `04/03/2027`: day-first and month-first both valid, both ahead."""
    when = max(b.timeline.plan["Balance Received"], today + 8 * DAY)
    while not (
        when.day <= 12
        and when.day != when.month
        and dt.date(when.year, when.day, when.month) > today + 7 * DAY
    ):
        when += DAY
    b.order["Balance Received Plan"] = f"{when.day:02d}/{when.month:02d}/{when.year}"
    return [Pending("schema-date-ambiguous", "Orders", b.order, "Balance Received Plan")]


def placeholder(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """ETA not planned yet: `TBD` in a stage the order has not reached."""
    b.order["ETA Plan"] = "TBD"
    return [Pending("schema-date-placeholder", "Orders", b.order, "ETA Plan")]


def duplicate_order(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """The same order pasted twice, the copy right below the original."""
    copy = dict(b.order)
    b.extra_orders.append(copy)
    return [Pending("schema-duplicate-key", "Orders", copy, "Order No")]


def orphan_line(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """A line left behind for an order number that is not in Orders (a renumbered order)."""
    orphan = dict(b.lines[-1], **{"Order No": f"{b.order['Order No']}A", "Line": 1, "Shipment No": None})
    b.lines.append(orphan)
    return [Pending("schema-unknown-ref", "Lines", orphan, "Order No")]


def _live(b: OrderBundle) -> bool:
    return b.status in m.LIVE


def _unshipped(b: OrderBundle) -> bool:
    return b.status in m.UNSHIPPED and not any(s["ATD"] for s in b.shipments)


def _done(b: OrderBundle, *done: str, pending: tuple[str, ...] = ()) -> bool:
    return all(x in b.timeline.actual for x in done) and not any(x in b.timeline.actual for x in pending)


def _single_shipped(b: OrderBundle) -> bool:
    return b.status in ("Shipped", "Closed") and len(b.shipments) == 1 and bool(b.shipments[0]["ATD"])


# (mistake, which orders it may go on without side effects)
PLAN: tuple[tuple[m.Mistake, m.Eligible], ...] = (
    (m.wrong_amount, lambda b, t: _live(b) and not b.lc),
    (m.gross_below_net, lambda b, t: _live(b) and not b.shipments),
    (m.retired_term, lambda b, t: _live(b) and b.order["Incoterm"] == "DAP"),
    (m.fob_by_air, lambda b, t: _live(b) and b.mode == "Air" and b.order["Incoterm"] == "FCA"),
    (m.insured_at_100, lambda b, t: _live(b) and b.order["Incoterm"] == "CIF"),
    (m.bad_container, lambda b, t: _live(b) and bool(b.shipments) and bool(b.shipments[0]["Container No"])),
    (m.uk_country, lambda b, t: _live(b) and b.order["Buyer Country"] == "GB"),
    (m.unknown_currency, lambda b, t: _live(b) and not b.lc and b.order["Currency"] == "GBP"),
    (duplicate_order, lambda b, t: _live(b) and not b.lc and not b.shipments),
    (orphan_line, lambda b, t: _live(b)),
    (m.lc_too_small, lambda b, t: _live(b) and b.lc),
    (m.shipped_after_lsd, lambda b, t: b.lc and _single_shipped(b)),
    (m.etd_after_lsd, lambda b, t: b.lc and _unshipped(b) and b.timeline.plan["ETD"] - 5 * DAY > t),
    (
        m.overdue("Production Start"),
        lambda b, t: (
            b.status == "In production"
            and _done(b, "Production Start", pending=("Production End", "Inspection"))
        ),
    ),
    (
        m.overdue("Cargo Ready"),
        lambda b, t: b.status == "Ready" and _done(b, "Cargo Ready", pending=("ETD",)),
    ),
    (
        m.started_before_sample,
        lambda b, t: (
            _live(b)
            and _done(b, "Sample Approved", "Production Start")
            and b.timeline.actual["Production Start"] + 5 * DAY <= t
        ),
    ),
    (m.short_packages, lambda b, t: _single_shipped(b)),
    (m.text_in_number, lambda b, t: _live(b)),
    (ambiguous_date, lambda b, t: b.status in m.UNSHIPPED),
    (placeholder, lambda b, t: b.status in m.UNSHIPPED),
)


def inject(rng: random.Random, bundles: list[OrderBundle], today: dt.date) -> list[Pending]:
    """Put each mistake on max(1, orders // 60) eligible orders, one mistake per order."""
    per_kind = max(1, len(bundles) // 60)
    used: set[int] = set()
    pending: list[Pending] = []
    for mistake, eligible in PLAN:
        candidates = [b for b in bundles if id(b) not in used and eligible(b, today)]
        for b in rng.sample(candidates, min(per_kind, len(candidates))):
            used.add(id(b))
            b.tags.add("mistake")
            pending += mistake(rng, b, today)
    return pending
