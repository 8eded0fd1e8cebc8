"""Per-order facts the KPIs are computed from (RULES.md §11): delivery and commit dates, quantities.

One row per live (not Cancelled) order of a Book. Every other sheet is mapped onto those rows
once, as integer positions (`OrderIndex.of`), so the sums and dates per order are array
group-bys, never a Python loop over orders nor a join on text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from sheetsync.book import Book
from sheetsync.contract.codelists import COUNTED_UNITS, INCOTERMS_2020, LC_PAYMENT_TERMS
from sheetsync.findings import Finding, Severity
from sheetsync.rules.milestone_chain import Chain
from sheetsync.rules.orderdata import order_index, order_keys

Positions = npt.NDArray[np.intp]
INVOICE = "Commercial Invoice"
# The movements of an order, in order: (actual on the order, its plan, the shipment date that wins).
MOVEMENTS: tuple[tuple[str, str, str | None], ...] = (
    ("cargo_ready_actual", "cargo_ready_plan", None),
    ("etd_actual", "etd_plan", "last_atd"),
    ("eta_actual", "eta_plan", "last_ata"),
)
# Incoterm family -> the movement that is the seller's delivery point (RULES.md §11).
DELIVERY_POINT: dict[str, int] = {"E": 0, "F": 1, "C": 1, "D": 2}
# How an order's delivery was judged (KpiReport.judged).
AT_POINT = "at the Incoterm's delivery point"
LATER = "on a later movement (delivery point not recorded)"
LATEST = "on the latest movement (Incoterm missing or not an Incoterms 2020 rule)"
ORDER_COLUMNS = (
    "order_no", "order_date", "buyer", "coordinator", "status", "incoterm", "payment_terms",
    "tolerance_pct", "etd_actual", "balance_received_actual", "production_start_actual",
    "production_end_actual", "cargo_ready_actual", "cargo_ready_plan", "etd_plan", "eta_actual", "eta_plan",
)  # fmt: skip


class OrderIndex:
    """The live orders of a book, as the rules' shared index has them, and positions into them."""

    def __init__(self, book: Book) -> None:
        shared = order_index(book)
        self.live = shared.live  # first row of each Order No, not Cancelled; index = Excel row
        self.children = shared.children
        self.pos_of_key = np.full(len(shared.orders), -1, dtype=np.intp)
        self.pos_of_key[self.live["key"].to_numpy(dtype=np.intp)] = np.arange(len(self.live))
        frame = book.sheets["Orders"].frame
        self.of_row = np.full(len(frame), -1, dtype=np.intp)  # Orders frame position -> live position
        self.of_row[frame.index.get_indexer(self.live.index)] = np.arange(len(self.live))
        self.keys = order_keys(self.live["order_no"]).reset_index(drop=True)

    def __len__(self) -> int:
        return len(self.live)

    def child(self, sheet: str) -> tuple[pd.DataFrame, Positions] | None:
        """The rows of `sheet` (reindexed 0..n) and each one's live-order position (-1: none)."""
        frame = self.children.get(sheet)
        if frame is None:
            return None
        keys = frame["key"].to_numpy(dtype=np.intp)
        positions: Positions = np.where(keys >= 0, self.pos_of_key[np.maximum(keys, 0)], -1)
        return frame.reset_index(drop=True), positions


def _per_order(positions: Positions, values: pd.Series, how: str, size: int) -> pd.Series:
    """`how` ("sum", "min", "max", "any") of `values` per order position, NaN/NaT/False when none."""
    mine = positions >= 0
    grouped = values[mine].groupby(positions[mine])
    result = grouped.sum(min_count=1) if how == "sum" else grouped.agg(how)
    return result.reindex(range(size))


def _shipment_dates(book: Book, index: OrderIndex) -> pd.DataFrame:
    """First and last ATD, last ATA per order (NaT when there is no Shipments sheet)."""
    n, shipments = len(index), index.child("Shipments")
    if shipments is None:
        blank = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
        return pd.DataFrame({"first_atd": blank, "last_atd": blank, "last_ata": blank})
    frame, pos = shipments
    atd, ata = frame["atd"], frame["ata"]
    first, last = _per_order(pos, atd, "min", n), _per_order(pos, atd, "max", n)
    return pd.DataFrame({"first_atd": first, "last_atd": last, "last_ata": _per_order(pos, ata, "max", n)})


def _tolerance(book: Book, index: OrderIndex, facts: pd.DataFrame) -> pd.Series:
    """t: Tolerance % if entered; else 0 when any line is counted, 5 when all are measured; 0 for non-L/C."""
    lines, pos = index.child("Lines") or (pd.DataFrame({"unit": []}), np.zeros(0, dtype=np.intp))
    any_counted = _per_order(pos, lines["unit"].isin(COUNTED_UNITS), "any", len(index)).fillna(True)
    t = facts["tolerance_pct"].fillna(pd.Series(np.where(any_counted.astype(bool), 0.0, 5.0)))
    return t.where(facts["payment_terms"].isin(LC_PAYMENT_TERMS), 0.0)


def _latest_invoices(docs: pd.DataFrame, size: int) -> pd.Series:
    """Σ quantity per order of each shipment's latest invoice (a regenerated invoice replaces one)."""
    latest = docs.sort_values("generated").drop_duplicates(["pos", "ship"], keep="last")
    return _per_order(latest["pos"].to_numpy(), latest["quantity"], "sum", size).fillna(0.0)


def _invoiced(book: Book, index: OrderIndex, facts: pd.DataFrame, grace_days: int) -> pd.DataFrame:
    """Commercial Invoice quantity per order: in all, and generated by the commit date (+ grace)."""
    out = pd.DataFrame({"invoiced": np.nan, "invoiced_by_commit": np.nan}, index=facts.index)
    register = index.child("Documents")
    if register is None or not (register[0]["type"] == INVOICE).any():
        return out  # invoices are not kept in this book's register: not measurable
    frame, pos = register
    docs = frame.assign(pos=pos, ship=frame["shipment_no"].fillna(""))
    docs = docs[(docs["type"] == INVOICE).to_numpy(dtype=bool) & (pos >= 0)]
    deadline = facts["commit"].to_numpy()[docs["pos"].to_numpy()] + np.timedelta64(grace_days, "D")
    early = docs[(docs["generated"].dt.normalize() <= deadline).to_numpy(dtype=bool)]
    out["invoiced"] = _latest_invoices(docs, len(index))
    out["invoiced_by_commit"] = _latest_invoices(early, len(index))
    return out


def _delivery(facts: pd.DataFrame) -> pd.DataFrame:
    """Delivery date, commit date and how they were judged (RULES.md §11).

    The Incoterm's delivery point (EXW: cargo ready; F and C terms: departure; D terms: arrival)
    when its actual is recorded; else the latest later movement with an actual, against its own
    Plan; an order without an Incoterms 2020 rule is judged on the latest movement recorded.
    Without any such actual the order is not yet delivered.
    """
    incoterm = facts["incoterm"].astype("string")
    known = incoterm.isin(INCOTERMS_2020).fillna(False).to_numpy(dtype=bool)
    point = incoterm.str[0].map(DELIVERY_POINT).to_numpy(dtype=float, na_value=np.nan)
    point = np.where(known, point, 0)
    n = len(facts)
    delivery = pd.Series(pd.NaT, index=facts.index, dtype="datetime64[ns]")
    commit = delivery.copy()
    stage = np.full(n, -1)
    for i, (actual, plan, shipped) in enumerate(MOVEMENTS):
        date = facts[actual] if shipped is None else facts[shipped].fillna(facts[actual])
        recorded = date.notna().to_numpy(dtype=bool) & (i >= point)
        delivery = delivery.mask(recorded, date)  # a later movement replaces an earlier one...
        commit = commit.mask(recorded, facts[plan])
        stage = np.where(recorded, i, stage)
    # ...except that the delivery point itself wins when it is recorded.
    at_point = np.zeros(n, dtype=bool)
    for i, (actual, plan, shipped) in enumerate(MOVEMENTS):
        date = facts[actual] if shipped is None else facts[shipped].fillna(facts[actual])
        mine = known & (point == i) & date.notna().to_numpy(dtype=bool)
        delivery = delivery.mask(mine, date)
        commit = commit.mask(mine, facts[plan])
        at_point |= mine
    basis = np.where(at_point, AT_POINT, np.where(stage < 0, "", np.where(known, LATER, LATEST)))
    return pd.DataFrame({"delivery": delivery, "commit": commit, "basis": basis, "rule_known": known})


def order_facts(
    book: Book, index: OrderIndex, grace_days: int, e_findings: Iterable[Finding],
    commit_dates: Mapping[str, pd.Timestamp],
) -> pd.DataFrame:  # fmt: skip
    """One row per live order (in `index` order): dates, quantities, tolerance, open E findings."""
    facts = index.live[list(ORDER_COLUMNS)].reset_index(drop=True)
    facts["row"] = index.live.index.to_numpy()
    facts["key"] = index.keys
    facts = facts.join(_shipment_dates(book, index))
    facts = facts.join(_delivery(facts))
    history = pd.Series(commit_dates, dtype="datetime64[ns]").reindex(index.keys.to_numpy()).to_numpy()
    # The first-recorded Plan is that of the delivery point: it judges only orders delivered there.
    history = np.where(facts["basis"].to_numpy() == AT_POINT, history, np.datetime64("NaT"))
    facts["commit_flagged"] = pd.isna(history)
    facts["commit"] = facts["commit"].where(facts["commit_flagged"], history)
    lines, pos = index.child("Lines") or (pd.DataFrame({"quantity": []}), np.zeros(0, dtype=np.intp))
    facts["ordered"] = _per_order(pos, lines["quantity"], "sum", len(index)).fillna(0.0)
    facts["t"] = _tolerance(book, index, facts)
    facts = facts.join(_invoiced(book, index, facts, grace_days))
    errors = {str(f.order).strip().lower() for f in e_findings if f.severity is Severity.ERROR and f.order}
    facts["doc_lc_error"] = facts["key"].isin(errors)
    return facts


def document_groups(book: Book, index: OrderIndex, doc_findings: Iterable[Finding]) -> pd.DataFrame:
    """(Order, Shipment, Type) register groups of live orders: first generated, rows, open doc-* E."""
    sd, register = book.get("Documents"), index.child("Documents")
    if sd is None or register is None or register[0].empty:
        return pd.DataFrame({"pos": pd.Series(dtype=np.intp), "date": pd.Series(dtype="datetime64[ns]"),
                             "rows": pd.Series(dtype=int), "error": pd.Series(dtype=bool)})  # fmt: skip
    rows = index.children["Documents"].index  # Excel rows of the register
    frame, pos = register
    reg = frame.assign(pos=pos, ship=frame["shipment_no"].fillna(""), excel_row=rows.to_numpy())
    reg = reg[reg["pos"] >= 0]
    reg["group"] = reg.groupby(["pos", "ship", "type"], dropna=False).ngroup()
    by_tab = dict(zip(reg["sheet"].astype("string").str.casefold(), reg["group"], strict=False))
    by_row = {int(r): int(g) for r, g in zip(reg["excel_row"], reg["group"], strict=True)}
    wrong: set[int] = set()
    for f in doc_findings:
        if f.severity is not Severity.ERROR:
            continue
        if f.sheet == sd.name and f.row in by_row:
            wrong.add(by_row[f.row])
        elif f.sheet.casefold() in by_tab:
            wrong.add(int(by_tab[f.sheet.casefold()]))
    groups = reg.groupby("group").agg(pos=("pos", "first"), date=("generated", "min"), rows=("pos", "size"))
    groups["error"] = groups.index.isin(wrong)
    return groups.reset_index(drop=True)


def milestone_events(book: Book, index: OrderIndex) -> pd.DataFrame:
    """Every milestone of a live order with both dates: order position, actual date, done by plan."""
    chain = Chain.of(book.sheets["Orders"], book.settings.milestones_not_tracked)
    row, col = np.nonzero(chain.has_plan & chain.has_actual)
    pos = index.of_row[row]
    mine = pos >= 0
    row, col, pos = row[mine], col[mine], pos[mine]
    actual = chain.actual[row, col]
    return pd.DataFrame(
        {"pos": pos, "date": actual.astype("datetime64[ns]"), "on_time": actual <= chain.plan[row, col]}
    )
