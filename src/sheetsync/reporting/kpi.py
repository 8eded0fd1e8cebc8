"""The coordinator's KPIs (RULES.md §11), each with the numerator and denominator behind it.

`compute_kpis(books)` returns a `KpiReport`: one list of `Metric`s for all orders, and one per
coordinator, buyer or month when asked. Orders left out (cancelled, not yet delivered, no plan
to judge against, no invoices registered) are counted and said, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

import sheetsync.rules  # noqa: F401  (registers every rule family)
from sheetsync.book import Book
from sheetsync.findings import INTERNAL_ERROR, Finding
from sheetsync.reporting.kpi_facts import (
    AT_POINT,
    LATER,
    LATEST,
    OrderIndex,
    document_groups,
    milestone_events,
    order_facts,
)
from sheetsync.reporting.order_value import OrderValues, order_values
from sheetsync.rules.engine import REGISTRY, Context, run_rules
from sheetsync.rules.judge import judge_date
from sheetsync.rules.normalise import normalise_book

GroupBy = Literal["coordinator", "buyer", "month"]
ALL = "All"
NOTHING = "nothing to count"
# Metrics that are shares (shown as %), and the one where a higher share is worse.
RATIOS = frozenset({
    "On-time delivery (OTD)", "On-time in full (OTIF)", "Perfect order (excl. condition)", "Fill rate",
    "Backorder rate", "Document first-time accuracy", "Milestone on-time rate",
})  # fmt: skip
HIGHER_IS_WORSE = frozenset({"Backorder rate"})
NO_HISTORY = "commit date = the current Plan (no store history)"


@dataclass(frozen=True)
class Metric:
    """One figure and how it was reached: value = numerator / denominator (or a median)."""

    name: str
    numerator: float | None
    denominator: float | None
    value: float | None
    note: str = ""


@dataclass
class KpiReport:
    """KPIs for all orders (group "All") and per group; who was left out and why."""

    today: dt.date
    by: GroupBy | None
    groups: dict[str, list[Metric]]
    excluded: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    judged: dict[str, int] = field(default_factory=dict)  # delivered orders by how they were judged
    values: OrderValues | None = None  # order value in the base currency, per group

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "by": self.by,
            "groups": {g: [asdict(m) for m in ms] for g, ms in self.groups.items()},
            "excluded": self.excluded,
            "judged": self.judged,
            "notes": self.notes,
            "values": None if self.values is None else self.values.as_dict(),
        }


def _ratio(name: str, hits: pd.Series) -> Metric:
    """Share of True in `hits`; None when nothing counts."""
    n, k = len(hits), int(hits.sum())
    return Metric(name, k, n, k / n if n else None, "" if n else NOTHING)


def _share(name: str, part: float, whole: float) -> Metric:
    return Metric(name, part, whole, part / whole if whole else None, "" if whole else NOTHING)


def _mean(name: str, days: pd.Series) -> Metric:
    days = days.dropna()
    n = len(days)
    return Metric(name, float(days.sum()), n, float(days.mean()) if n else None, "" if n else NOTHING)


def _median(name: str, days: pd.Series) -> Metric:
    days = days.dropna()
    n = len(days)
    return Metric(name, None, n, float(days.median()) if n else None, "" if n else NOTHING)


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days.astype(float)


def _doc_lc_findings(book: Book, today: dt.date) -> tuple[list[Finding], list[Finding]]:
    """The doc-* and lc-* findings a perfect order must be free of (only those rules run), and
    the internal errors of those rules (the perfect-order figure is then incomplete)."""
    wanted = [r for r in REGISTRY if any(c.startswith(("doc-", "lc-")) for c in r.codes)]
    found = run_rules(book, Context(today), wanted)
    return [f for f in found if f.code.startswith(("doc-", "lc-"))], [
        f for f in found if f.code == INTERNAL_ERROR
    ]


@dataclass
class _BookData:
    facts: pd.DataFrame  # one row per live order (kpi_facts.order_facts)
    docs: pd.DataFrame  # register groups, with the order's coordinator and buyer
    milestones: pd.DataFrame  # milestones with both dates
    cancelled: int
    failures: list[Finding]  # internal errors of the doc/lc rules the perfect order relies on


def _book_data(
    book: Book, today: dt.date, commit_dates: Mapping[str, pd.Timestamp], by: GroupBy | None
) -> _BookData:
    """Everything the KPIs need from one book, after normalising its codes."""
    normalise_book(book)
    found, failures = _doc_lc_findings(book, today)
    index = OrderIndex(book)
    facts = order_facts(book, index, book.settings.grace_days, found, commit_dates)
    facts["grace"] = book.settings.grace_days
    docs = document_groups(book, index, (f for f in found if f.code.startswith("doc-")))
    steps = milestone_events(book, index)
    cancelled = int((book.sheets["Orders"].frame["status"] == "Cancelled").sum())
    if by in ("coordinator", "buyer"):
        docs, steps = _with_who(docs, facts), _with_who(steps, facts)
    return _BookData(facts, docs, steps, cancelled, failures)


def _with_who(frame: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """`frame` (with order positions `pos`) plus each order's coordinator and buyer."""
    pos = frame["pos"].to_numpy(dtype=np.intp)
    return frame.assign(coordinator=facts["coordinator"].take(pos).to_numpy(),
                        buyer=facts["buyer"].take(pos).to_numpy())  # fmt: skip


def _events(facts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per-metric event frames, each with the `date` that decides its month."""
    delivered = facts[facts["delivery"].notna()].assign(date=lambda f: f["delivery"])
    judged = delivered[delivered["commit"].notna()]
    judged = judged.assign(
        on_time=judged["delivery"] <= judged["commit"] + pd.to_timedelta(judged["grace"], unit="D"),
        in_full=judged["invoiced_by_commit"] >= judged["ordered"] * (1 - judged["t"] / 100),
    )
    shipped = facts[facts["first_atd"].notna() & facts["invoiced"].notna()]
    both = facts["production_start_actual"].notna() & facts["production_end_actual"].notna()
    return {
        "delivered": delivered,
        "judged": judged,
        "measured": judged[judged["invoiced"].notna()],
        "shipped": shipped.assign(date=shipped["first_atd"]),
        "etd": facts[facts["etd_actual"].notna()].assign(date=lambda f: f["etd_actual"]),
        "balance": facts[facts["balance_received_actual"].notna()].assign(
            date=lambda f: f["balance_received_actual"]
        ),
        "production": facts[both].assign(date=lambda f: f["production_end_actual"]),
    }


def _metrics(ev: Mapping[str, pd.DataFrame]) -> list[Metric]:
    """Every KPI of RULES.md §11 over already-filtered event frames."""
    judged, measured, shipped = ev["judged"], ev["measured"], ev["shipped"]
    full = measured["on_time"] & measured["in_full"]
    short = shipped["invoiced"] < shipped["ordered"] * (1 - shipped["t"] / 100)
    filled = float(measured[["invoiced", "ordered"]].min(axis=1).sum())
    ordered = float(measured["ordered"].sum())
    cycle = _days(ev["delivered"]["delivery"], ev["delivered"]["order_date"])
    etd, balance, made = ev["etd"], ev["balance"], ev["production"]
    docs = ev["docs"]
    return [
        _ratio("On-time delivery (OTD)", judged["on_time"]),
        _ratio("On-time in full (OTIF)", full),
        _ratio("Perfect order (excl. condition)", full & ~measured["doc_lc_error"].astype(bool)),
        _mean("Order cycle time, mean days", cycle),
        _median("Order cycle time, median days", cycle),
        _mean("Order to ETD, mean days", _days(etd["etd_actual"], etd["order_date"])),
        _mean("Order to balance received, mean days", _days(balance["date"], balance["order_date"])),
        _mean("Production lead time, mean days", _days(made["date"], made["production_start_actual"])),
        _share("Fill rate", filled, ordered),
        _ratio("Backorder rate", (shipped["status"] != "Closed") & short),
        _ratio("Document first-time accuracy", (docs["rows"] == 1) & ~docs["error"].astype(bool)),
        _ratio("Milestone on-time rate", ev["milestones"]["on_time"].astype(bool)),
    ]


def _labels(frame: pd.DataFrame, by: GroupBy) -> pd.Series:
    if by == "month":
        months: pd.Series = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m")
        return months.fillna("(no date)")
    return frame[by].fillna("(blank)").astype(str)


def _grouped(ev: dict[str, pd.DataFrame], by: GroupBy | None) -> dict[str, list[Metric]]:
    groups = {ALL: _metrics(ev)}
    if by is None:
        return groups
    labels = {name: _labels(frame, by) for name, frame in ev.items()}
    for label in sorted(set().union(*(set(lab) for lab in labels.values()))):
        groups[label] = _metrics({name: f[labels[name] == label] for name, f in ev.items()})
    return groups


def _judged(facts: pd.DataFrame) -> dict[str, int]:
    """Delivered orders by how their delivery date was found (RULES.md §11)."""
    basis = facts["basis"]
    return {how: int((basis == how).sum()) for how in (AT_POINT, LATER, LATEST)}


def _excluded(facts: pd.DataFrame, cancelled: int) -> dict[str, int]:
    delivered = facts["delivery"].notna()
    return {
        "cancelled": cancelled,
        "not yet delivered": int((~delivered).sum()),
        "delivered, no Plan to judge on time": int((delivered & facts["commit"].isna()).sum()),
        "delivered, no invoices registered (in full not measured)": int(
            (delivered & facts["commit"].notna() & facts["invoiced"].isna()).sum()
        ),
    }


def compute_kpis(
    books: Iterable[Book],
    today: dt.date | None = None,
    by: GroupBy | None = None,
    commit_dates: Mapping[str, dt.date] | None = None,
) -> KpiReport:
    """KPIs over every live order of `books`; `commit_dates` (order no -> first Plan) from history."""
    books = list(books)
    if not books:
        raise ValueError("compute_kpis needs at least one book")
    day = judge_date(books[0], today)
    commits = {str(k).strip().lower(): pd.Timestamp(v) for k, v in (commit_dates or {}).items()}
    data = [_book_data(b, judge_date(b, today), commits, by) for b in books]
    facts = pd.concat([d.facts for d in data])
    ev = _events(facts)
    ev["docs"] = pd.concat([d.docs for d in data])
    ev["milestones"] = pd.concat([d.milestones for d in data])
    notes = [f"Grace Days {', '.join(sorted({str(b.settings.grace_days) for b in books}))}"]
    if ev["judged"]["commit_flagged"].any():
        notes.append(NO_HISTORY)
    notes.append("Perfect order excludes condition: damage is not recorded")
    notes += [f"Perfect order incomplete: {f.message}" for d in data for f in d.failures]
    excluded = _excluded(facts, sum(d.cancelled for d in data))
    judged = _judged(facts)
    notes[1:1] = [
        f"Delivery judged {how}: {n:,} orders" for how, n in judged.items() if n and how != AT_POINT
    ]
    values = order_values(books, by)
    return KpiReport(day, by, _grouped(ev, by), excluded, notes, judged, values)
