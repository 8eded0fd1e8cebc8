"""Milestone plans and actuals for one order, consistent with today, the sequence pairs and Status.

A milestone is done (has an Actual) exactly when its Plan is before today, so a clean order
is never overdue; actuals drift a little around their plans, never into the future and never
out of sequence. Status is derived from what is done (RULES.md §5).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sheetsync.contract.codelists import MILESTONE_SEQUENCE, MILESTONE_STAGE, MILESTONES

# Days a milestone drifts from its plan: early, on time (half), a little late, late (a third).
DRIFT = (-2, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 5, 9)


@dataclass
class Timeline:
    """Plans and actuals of one order's milestones, by milestone name."""

    order_date: dt.date
    plan: dict[str, dt.date] = field(default_factory=dict)
    actual: dict[str, dt.date] = field(default_factory=dict)

    def done(self, milestone: str) -> bool:
        return milestone in self.actual


def plan_milestones(
    rng: random.Random, order_date: dt.date, deposit: bool, transit: int
) -> dict[str, dt.date]:
    """Plans in sequence: sampling, deposit, production, readiness, shipment, documents, payment."""
    day = dt.timedelta(days=1)
    sample = order_date + rng.randint(7, 14) * day
    deposit_day = sample + rng.randint(1, 5) * day
    start = max(sample, deposit_day if deposit else sample) + rng.randint(2, 5) * day
    end = start + rng.randint(25, 50) * day
    cargo_ready = end + rng.randint(1, 3) * day
    etd = cargo_ready + rng.randint(3, 7) * day
    eta = etd + transit * day
    docs = etd + rng.randint(4, 7) * day
    plan = {
        "Sample Approved": sample,
        "Deposit Received": deposit_day,
        "Production Start": start,
        "Production End": end,
        "Inspection": end - rng.randint(0, 2) * day,
        "Booking Confirmed": end - rng.randint(5, 10) * day,
        "Cargo Ready": cargo_ready,
        "ETD": etd,
        "ETA": eta,
        "Docs Sent": docs,
        "Balance Received": max(eta, docs) + rng.randint(0, 10) * day,
    }
    if not deposit:
        del plan["Deposit Received"]
    return plan


def record_actuals(rng: random.Random, timeline: Timeline, today: dt.date, max_late: int = 10) -> None:
    """An Actual for every past Plan: drifted, not after today, not before its predecessors."""
    predecessors: dict[str, list[str]] = {m: [] for m in MILESTONES}
    for before, after in MILESTONE_SEQUENCE:
        predecessors[after].append(before)
    for m in sorted(timeline.plan, key=lambda m: (timeline.plan[m], MILESTONES.index(m))):
        plan = timeline.plan[m]
        if plan >= today:
            continue
        drift = min(rng.choice(DRIFT), max_late)
        actual = max(plan + dt.timedelta(days=drift), timeline.order_date)
        earliest = [timeline.actual[p] for p in predecessors[m] if p in timeline.actual]
        actual = min(max([actual, *earliest]), today)
        timeline.actual[m] = actual


def derive_status(timeline: Timeline, today: dt.date) -> str:
    """The furthest status whose earlier stages are all done (RULES.md §5 stage order)."""
    stage_done = {
        stage: all(timeline.done(m) for m in timeline.plan if MILESTONE_STAGE[m] == stage)
        for stage in ("Sampling", "In production", "Ready", "Shipped")
    }
    if stage_done["Shipped"] and stage_done["Ready"]:
        return "Closed"
    if stage_done["Ready"] and stage_done["In production"]:
        return "Shipped"
    if stage_done["In production"] and stage_done["Sampling"]:
        return "Ready"
    if stage_done["Sampling"]:
        return "In production"
    return "Sampling" if (today - timeline.order_date).days >= 3 else "Open"


def build_timeline(
    rng: random.Random, order_date: dt.date, today: dt.date, deposit: bool, transit: int, max_late: int = 10
) -> tuple[Timeline, str]:
    """A full timeline and the status it implies."""
    timeline = Timeline(order_date, plan_milestones(rng, order_date, deposit, transit))
    record_actuals(rng, timeline, today, max_late)
    return timeline, derive_status(timeline, today)
