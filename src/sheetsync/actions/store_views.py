"""The actions that read the store: an order's history, the consolidated report, pull, commit dates."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from sheetsync.actions.sync import open_store
from sheetsync.reporting.kpi_facts import DELIVERY_POINT, MOVEMENTS
from sheetsync.store import history as h
from sheetsync.store import pull as p
from sheetsync.store import report as r
from sheetsync.store.url import StoreUrl


@contextmanager
def _reading(store: str | None) -> Iterator[tuple[StoreUrl, sa.Connection]]:
    """A connection on the store in force, its engine disposed of afterwards."""
    url, engine = open_store(store)
    try:
        with engine.connect() as conn:
            yield url, conn
    finally:
        engine.dispose()


def history(
    order_no: str, buyer: str | None = None, store: str | None = None
) -> tuple[StoreUrl, list[h.Change]]:
    """Every change to an order between syncs (AmbiguousOrder when two buyers share the number)."""
    with _reading(store) as (url, conn):
        return url, h.order_history(conn, order_no, buyer)


def report(
    out: Path | None, store: str | None = None, format: str = "xlsx"
) -> tuple[StoreUrl, r.Consolidated]:
    """The consolidated view, written to `out` (when given) as `format`: xlsx or json."""
    if format not in ("xlsx", "json"):
        raise ValueError(f"report format is xlsx or json, not {format!r}")
    with _reading(store) as (url, conn):
        view = r.consolidate(conn)
    if out is not None and format == "json":
        out.write_text(json.dumps(view.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    elif out is not None:
        r.write_xlsx(view, out)
    return url, view


def pull(out: Path, store: str | None = None, *, buyer: str | None = None, coordinator: str | None = None,
         force: bool = False) -> tuple[StoreUrl, int]:  # fmt: skip
    """A buyer's or a coordinator's orders into a fresh contract workbook marked as a view."""
    with _reading(store) as (url, conn):
        return url, p.pull(conn, out, url.shown, buyer=buyer, coordinator=coordinator, force=force)


def commit_dates(store: str | None = None) -> tuple[StoreUrl, dict[str, dt.date]]:
    """Order No -> the first Plan recorded for its delivery milestone (by Incoterm), for `compute_kpis`.

    An Order No that two buyers share is left out (its KPIs fall back to the current Plan, flagged).
    """
    plan_of_family = {family: MOVEMENTS[i][1] for family, i in DELIVERY_POINT.items()}
    with _reading(store) as (url, conn):
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
