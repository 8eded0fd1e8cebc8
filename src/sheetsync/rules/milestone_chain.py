"""The milestone chain of every order as arrays (RULES.md §5), shared by the rules and the KPIs.

`Chain.of(orders)` turns the Orders sheet into (orders × milestones) arrays of plan and actual
dates with masks (not applicable, unreadable, stage reached or passed), so each milestone rule
is a few array comparisons over all orders at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sheetsync.book import SheetData
from sheetsync.contract.codelists import MILESTONE_STAGE, MILESTONES, STATUS_RANK
from sheetsync.contract.sheets import milestone_key

Dates = npt.NDArray[np.datetime64]
Mask = npt.NDArray[np.bool_]
INDEX = {m: i for i, m in enumerate(MILESTONES)}
STAGE_RANK = np.array([STATUS_RANK[MILESTONE_STAGE[m]] for m in MILESTONES], dtype=float)
DEPOSIT = INDEX["Deposit Received"]


def _dates(sd: SheetData, part: str) -> Dates:
    """(orders × milestones) dates of one part ("plan"/"actual"), NaT when blank."""
    cols = [sd.frame[milestone_key(m, part)].to_numpy(dtype="datetime64[ns]") for m in MILESTONES]
    return np.stack(cols, axis=1).astype("datetime64[D]")


def _cell_mask(sd: SheetData, cells: set[tuple[int, str]], part: str) -> Mask:
    """(orders × milestones) mask of the cells listed in `cells` (bad or N/A cells)."""
    mask = np.zeros((len(sd.frame), len(MILESTONES)), dtype=bool)
    keys = {milestone_key(m, part): i for i, m in enumerate(MILESTONES)}
    position = pd.Index(sd.frame.index)
    for row, key in cells:
        if key in keys and row in position:
            mask[position.get_loc(row), keys[key]] = True
    return mask


def _present(sd: SheetData, part: str) -> Mask:
    """Which milestone columns of `part` the user's sheet actually has."""
    return np.array([sd.has(milestone_key(m, part)) for m in MILESTONES], dtype=bool)


@dataclass(frozen=True)
class Chain:
    """The milestone chain of every order of one Orders sheet, as arrays."""

    sheet: SheetData
    plan: Dates
    actual: Dates
    plan_unknown: Mask  # the plan cell failed schema-type, or its column is absent
    actual_unknown: Mask
    applies: Mask  # milestone is part of this order (not N/A; deposit only if Deposit % > 0)
    status_rank: npt.NDArray[np.floating[Any]]  # NaN when Status is blank, unknown or Cancelled
    live: Mask  # not Cancelled
    closed: Mask

    @classmethod
    def of(cls, sd: SheetData, untracked: frozenset[str] = frozenset()) -> Chain:
        """The chain of an Orders sheet; `untracked` milestones (Settings) apply to no order.

        Without a Deposit % column, Deposit Received applies to every order that has its columns.
        """
        frame = sd.frame
        status = frame["status"]
        not_applicable = _cell_mask(sd, sd.not_applicable, "plan") | _cell_mask(
            sd, sd.not_applicable, "actual"
        )
        applies = ~not_applicable
        if sd.has("deposit_pct"):
            deposit = frame["deposit_pct"].to_numpy(dtype=float, na_value=np.nan)
            applies[:, DEPOSIT] &= np.nan_to_num(deposit, nan=0.0) > 0
        applies[:, [INDEX[m] for m in MILESTONES if m in untracked]] = False
        return cls(
            sheet=sd,
            plan=_dates(sd, "plan"),
            actual=_dates(sd, "actual"),
            plan_unknown=_cell_mask(sd, sd.bad_cells, "plan") | ~_present(sd, "plan"),
            actual_unknown=_cell_mask(sd, sd.bad_cells, "actual") | ~_present(sd, "actual"),
            applies=applies,
            status_rank=status.map(STATUS_RANK).astype(float).to_numpy(),
            live=(status != "Cancelled").to_numpy(dtype=bool),
            closed=(status == "Closed").to_numpy(dtype=bool),
        )

    @cached_property
    def has_plan(self) -> Mask:
        return ~np.isnat(self.plan) & self.applies

    @cached_property
    def has_actual(self) -> Mask:
        return ~np.isnat(self.actual) & self.applies

    @cached_property
    def actual_blank(self) -> Mask:
        return np.isnat(self.actual) & ~self.actual_unknown & self.applies

    @cached_property
    def reached(self) -> Mask:
        """Status has reached each milestone's stage."""
        return self.status_rank[:, None] >= STAGE_RANK[None, :]

    @cached_property
    def past(self) -> Mask:
        """Status is past each milestone's stage."""
        return self.status_rank[:, None] > STAGE_RANK[None, :]

    @cached_property
    def waiting(self) -> Mask:
        """Planned, not done, and Status not yet past the stage (open orders only)."""
        return self.open_orders & ~self.past & self.has_plan & self.actual_blank

    @cached_property
    def open_orders(self) -> Mask:
        """Orders that still get overdue, due-soon and plan-missing flags (not Closed/Cancelled)."""
        return (self.live & ~self.closed)[:, None]
