"""What the Monday meeting looks at: overdue and due-soon milestones, and where orders stand.

`watchlist(books, today)` lists every overdue or due-soon milestone, most urgent first, with
the cell it comes from; `stage_counts(books)` counts open orders by the last milestone done.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sheetsync.book import Book
from sheetsync.contract.codelists import MILESTONES
from sheetsync.io.new_workbook import cell_text
from sheetsync.rules.milestone_chain import Chain

NOT_STARTED = "Not started"


@dataclass(frozen=True)
class Item:
    """One milestone to chase: `days` > 0 overdue by that many days, <= 0 due in -days."""

    book: Path
    sheet: str
    row: int
    cell: str  # the order's Order No cell, for the hyperlink
    order_no: str
    milestone: str
    plan: dt.date
    days: int
    coordinator: str
    buyer: str

    @property
    def overdue(self) -> bool:
        return self.days > 0


def _items(book: Book, today: dt.date) -> Iterable[Item]:
    """The milestone-overdue and milestone-due-soon hits of one book, as items."""
    sd = book.sheets["Orders"]
    chain = Chain.of(sd, book.settings.milestones_not_tracked)
    horizon = np.datetime64(today, "D") + np.timedelta64(book.settings.due_soon_days, "D")
    pos, col = np.nonzero(chain.waiting & (chain.plan <= horizon))
    hits = sd.frame.iloc[pos]
    rows = hits.index.to_numpy().tolist()
    plans = [dt.date.fromisoformat(p) for p in np.datetime_as_string(chain.plan[pos, col], unit="D").tolist()]
    letter = sd.columns["order_no"].letter if sd.has("order_no") else "A"
    texts = (_texts(hits[key]) for key in ("order_no", "coordinator", "buyer"))
    for row, j, plan, order_no, coordinator, buyer in zip(rows, col.tolist(), plans, *texts, strict=True):
        yield Item(
            book=book.path, sheet=sd.name, row=row, cell=f"{letter}{row}", order_no=order_no,
            milestone=MILESTONES[j], plan=plan, days=(today - plan).days, coordinator=coordinator,
            buyer=buyer,
        )  # fmt: skip


def _texts(values: pd.Series) -> list[str]:
    return [cell_text(v) for v in values.tolist()]


def watchlist(books: Iterable[Book], today: dt.date) -> list[Item]:
    """Overdue milestones (most days late first), then due-soon ones (soonest first)."""
    items = [item for book in books for item in _items(book, today)]
    return sorted(items, key=lambda i: (-i.days, i.coordinator, i.order_no))


def stage_counts(books: Iterable[Book]) -> dict[str, int]:
    """Open orders (not Closed or Cancelled) by the last milestone of the chain with an actual."""
    counts: Counter[str] = Counter()
    for book in books:
        chain = Chain.of(book.sheets["Orders"], book.settings.milestones_not_tracked)
        done = chain.has_actual[chain.live & ~chain.closed]
        last = len(MILESTONES) - 1 - np.argmax(done[:, ::-1], axis=1)
        started = done.any(axis=1)
        counts[NOT_STARTED] += int((~started).sum())
        counts.update(MILESTONES[i] for i in last[started])
    return {stage: counts[stage] for stage in (NOT_STARTED, *MILESTONES)}
