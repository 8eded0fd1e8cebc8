"""The actions that read the store: an order's history, the consolidated report, pull, commit dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sheetsync.actions.sync import open_store
from sheetsync.reporting.kpi_facts import DELIVERY_RULES
from sheetsync.store import history as h
from sheetsync.store import pull as p
from sheetsync.store import report as r
from sheetsync.store.url import StoreUrl


def history(
    order_no: str, buyer: str | None = None, store: str | None = None
) -> tuple[StoreUrl, list[h.Change]]:
    """Every change to an order between syncs (AmbiguousOrder when two buyers share the number)."""
    url, engine = open_store(store)
    with engine.connect() as conn:
        return url, h.order_history(conn, order_no, buyer)


def report(out: Path | None, store: str | None = None) -> tuple[StoreUrl, r.Consolidated]:
    """The consolidated view; written to `out` as xlsx (or as JSON when `out` ends in .json)."""
    url, engine = open_store(store)
    with engine.connect() as conn:
        view = r.consolidate(conn)
    if out is not None and out.suffix.lower() == ".json":
        out.write_text(json.dumps(view.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    elif out is not None:
        r.write_xlsx(view, out)
    return url, view


def pull(out: Path, store: str | None = None, *, buyer: str | None = None, coordinator: str | None = None,
         force: bool = False) -> tuple[StoreUrl, int]:  # fmt: skip
    """A buyer's or a coordinator's orders into a fresh contract workbook marked as a view."""
    url, engine = open_store(store)
    with engine.connect() as conn:
        return url, p.pull(conn, out, url.shown, buyer=buyer, coordinator=coordinator, force=force)


def commit_dates(store: str | None = None) -> tuple[StoreUrl, dict[str, dt.date]]:
    """Order No -> the first Plan recorded for its delivery milestone (by Incoterm), for `compute_kpis`.

    An Order No that two buyers share is left out (its KPIs fall back to the current Plan, flagged).
    """
    url, engine = open_store(store)
    plan_of_family = {family: plan for family, (_, plan, _) in DELIVERY_RULES.items()}
    with engine.connect() as conn:
        plans = h.first_plans(conn)
    dates: dict[str, dt.date] = {}
    shared: set[str] = set()
    for (_, order), (incoterm, first) in plans.items():
        plan = plan_of_family.get(_family(incoterm))
        if plan is None or plan not in first:
            continue
        if order in dates:
            shared.add(order)
        dates[order] = first[plan]
    return url, {k: v for k, v in dates.items() if k not in shared}


def _family(incoterm: str | None) -> str:
    code = (incoterm or "").upper()
    return "E" if code == "EXW" else code[:1]


__all__ = ["commit_dates", "history", "pull", "report"]
