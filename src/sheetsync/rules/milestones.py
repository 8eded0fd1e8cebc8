"""Late-milestone rules (RULES.md §5): overdue, due soon, done late, sequence, missing dates.

Each rule compares the arrays of the order's `Chain` (milestone_chain.py) for all orders at
once; Python only runs per finding, with the dates turned to text in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import numpy as np

from sheetsync.book import Book
from sheetsync.contract.codelists import MILESTONE_SEQUENCE, MILESTONES
from sheetsync.contract.sheets import milestone_key
from sheetsync.findings import Finding, finding
from sheetsync.rules.emit import findings_for
from sheetsync.rules.engine import Context, add_rule
from sheetsync.rules.milestone_chain import INDEX, Chain, Dates, Mask

Day = Dates | np.datetime64  # an array of dates, or one date for all
NAMES = np.array(MILESTONES, dtype=object)
KEYS = {
    part: np.array([milestone_key(m, part) for m in MILESTONES], dtype=object) for part in ("plan", "actual")
}


def _iso(days: Dates) -> list[str | None]:
    """ISO text of each date (None for NaT): each distinct day is converted once."""
    distinct, where = np.unique(days, return_inverse=True)
    texts = [None if t == "NaT" else t for t in np.datetime_as_string(distinct, unit="D").tolist()]
    iso: list[str | None] = np.array(texts, dtype=object)[where].tolist()
    return iso


def _day_counts(later: Day, earlier: Dates) -> list[int]:
    """Whole days from `earlier` to `later` (0 where either is blank)."""
    diff = (later - earlier).astype("timedelta64[D]")
    counts: list[int] = np.where(np.isnat(diff), 0, diff.astype(np.int64)).tolist()
    return counts


class _Emitter:
    """Turns (order, milestone) hits into located findings on the Orders sheet."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.sheet = chain.sheet
        self.rows = chain.sheet.frame.index.to_numpy()
        self.order_nos = np.array(
            [o if isinstance(o, str) else None for o in chain.sheet.frame["order_no"].tolist()], dtype=object
        )

    def at(self, code: str, i: int, key: str, value: object = None, **fields: Any) -> Finding:
        row = int(self.rows[i])
        cell = self.sheet.cell(row, key)
        header = self.sheet.header(key)
        return finding(code, self.sheet.name, row, header, cell, self.order_nos[i], value, **fields)

    def each(self, code: str, hits: Mask, col: int, part: str, since: Day | None = None) -> list[Finding]:
        """One finding per order hit (a mask over orders) on milestone `col`'s `part` cell.

        `n` = days from plan to `since` (else to the actual).
        """
        c = self.chain
        pos = np.flatnonzero(hits)
        plan, actual = c.plan[pos, col], c.actual[pos, col]
        planned = _iso(plan)
        return findings_for(
            code, self.sheet, self.rows[pos], str(KEYS[part][col]), self.order_nos[pos],
            planned if part == "plan" else _iso(actual),
            m=str(NAMES[col]), plan=planned, n=_day_counts(actual if since is None else since, plan),
        )  # fmt: skip


def _orders(book: Book, ctx: Context) -> _Emitter:
    """The Orders chain and its emitter, built once per run and shared by the milestone rules."""
    orders = book.get("Orders")
    assert orders is not None  # guaranteed by `needs`
    built = ctx.shared.get("milestone-chain")
    if built is None or built.sheet is not orders:
        built = ctx.shared["milestone-chain"] = _Emitter(
            Chain.of(orders, book.settings.milestones_not_tracked)
        )
    assert isinstance(built, _Emitter)
    return built


def late_or_due_soon(book: Book, ctx: Context, col: int) -> Iterator[Finding]:
    """A planned milestone without an actual: passed (overdue) or within Due Soon Days."""
    emit = _orders(book, ctx)
    c = emit.chain
    today = np.datetime64(ctx.today, "D")
    horizon = today + np.timedelta64(book.settings.due_soon_days, "D")
    waiting, plan = c.waiting[:, col], c.plan[:, col]
    yield from emit.each("milestone-overdue", waiting & (plan < today), col, "plan", since=today)
    yield from emit.each("milestone-due-soon", waiting & (plan >= today) & (plan <= horizon), col, "plan")


def done_late_or_future(book: Book, ctx: Context, col: int) -> Iterator[Finding]:
    """An actual after its plan (history, for every live order) or after today (impossible)."""
    emit = _orders(book, ctx)
    c = emit.chain
    done = c.live & c.has_actual[:, col]
    actual = c.actual[:, col]
    yield from emit.each(
        "milestone-done-late", done & c.has_plan[:, col] & (actual > c.plan[:, col]), col, "actual"
    )
    yield from emit.each(
        "milestone-actual-future", done & (actual > np.datetime64(ctx.today, "D")), col, "actual"
    )


def _out_of_sequence(
    c: Chain, a: str, b: str, dates: Dates, known: Mask
) -> tuple[list[int], list[str | None], list[str | None]]:
    """(order positions, A dates, B dates) of the orders whose `dates` break the pair A <= B."""
    i, j = INDEX[a], INDEX[b]
    pos = np.nonzero(c.live & known[:, i] & known[:, j] & (dates[:, i] > dates[:, j]))[0]
    return pos.tolist(), _iso(dates[pos, i]), _iso(dates[pos, j])


def actuals_out_of_sequence(book: Book, ctx: Context, a: str, b: str) -> Iterator[Finding]:
    """The pair A <= B broken by the actuals; points at B."""
    emit = _orders(book, ctx)
    c = emit.chain
    key = milestone_key(b, "actual")
    positions, a_dates, b_dates = _out_of_sequence(c, a, b, c.actual, c.has_actual)
    for pos, da, db in zip(positions, a_dates, b_dates, strict=True):
        yield emit.at("milestone-out-of-sequence", pos, key, db, a=a, da=da, b=b, db=db)


def plans_out_of_sequence(book: Book, ctx: Context, a: str, b: str) -> Iterator[Finding]:
    """The pair A <= B broken by the plans; points at B."""
    emit = _orders(book, ctx)
    c = emit.chain
    key = milestone_key(b, "plan")
    positions, _, b_dates = _out_of_sequence(c, a, b, c.plan, c.has_plan)
    for pos, db in zip(positions, b_dates, strict=True):
        yield emit.at("milestone-plan-out-of-sequence", pos, key, db, a=a, b=b)


def plan_missing(book: Book, ctx: Context, col: int) -> Iterator[Finding]:
    """Status has reached the milestone's stage with no plan."""
    emit = _orders(book, ctx)
    c = emit.chain
    no_plan = np.isnat(c.plan[:, col]) & ~c.plan_unknown[:, col] & c.applies[:, col]
    yield from emit.each(
        "milestone-plan-missing", c.open_orders[:, 0] & c.reached[:, col] & no_plan, col, "plan"
    )


def actual_missing(book: Book, ctx: Context, col: int) -> Iterator[Finding]:
    """Status has passed the milestone's stage with no actual (Closed: every actual)."""
    emit = _orders(book, ctx)
    c = emit.chain
    yield from emit.each(
        "milestone-actual-missing", c.live & c.past[:, col] & c.actual_blank[:, col], col, "actual"
    )


DEPOSIT_MILESTONE = "Deposit Received"
_DEPOSIT_PCT = "Orders.deposit_pct"


def _register() -> None:
    """One rule per milestone (and per sequence pair), each needing only its own columns.

    Whether Deposit Received is part of an order depends on its Deposit %, so its rules need that
    column too: without it, a book cannot say which orders wait for a deposit.
    """
    status = ("Orders", "Orders.status")
    for i, m in enumerate(MILESTONES):
        plan, actual = f"Orders.{milestone_key(m, 'plan')}", f"Orders.{milestone_key(m, 'actual')}"
        both = (plan, actual)
        extra = (_DEPOSIT_PCT,) if m == DEPOSIT_MILESTONE else ()
        each: tuple[tuple[str, tuple[str, ...], tuple[str, ...], Callable[..., Iterator[Finding]]], ...] = (
            ("late_or_due_soon", ("milestone-overdue", "milestone-due-soon"), both, late_or_due_soon),
            ("done_late", ("milestone-done-late", "milestone-actual-future"), both, done_late_or_future),
            ("plan_missing", ("milestone-plan-missing",), (plan,), plan_missing),
            ("actual_missing", ("milestone-actual-missing",), (actual,), actual_missing),
        )  # fmt: skip
        for name, codes, columns, fn in each:
            add_rule(f"{name}: {m}", codes, (*status, *columns, *extra), partial(fn, col=i))
    for a, b in MILESTONE_SEQUENCE:
        for part, code, fn in (
            ("actual", "milestone-out-of-sequence", actuals_out_of_sequence),
            ("plan", "milestone-plan-out-of-sequence", plans_out_of_sequence),
        ):
            columns = (f"Orders.{milestone_key(a, part)}", f"Orders.{milestone_key(b, part)}")
            if DEPOSIT_MILESTONE in (a, b):
                columns = (*columns, _DEPOSIT_PCT)
            add_rule(f"{part}s_out_of_sequence: {a}/{b}", (code,), (*status, *columns), partial(fn, a=a, b=b))


_register()
