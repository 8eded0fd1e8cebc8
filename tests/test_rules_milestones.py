"""Milestone rules (RULES.md §5) end to end: real workbooks, exact (code, sheet, row, column)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helpers
from helpers import TODAY, d, lc_order, line, order, rows_of, write_book
from sheetsync.actions.check import check_path

Row = tuple[str, str, int | None, str | None]


def shipped_order(**overrides: Any) -> dict[str, Any]:
    """A clean order that left on 2026-11-01: every actual up to ETD, ETA still to come."""
    base = helpers.shipped_order(
        **{
            "Order No": "PO-2001",
            "ETD Plan": d("2026-11-01"),
            "ETD Actual": d("2026-11-01"),
            "ETA Plan": d("2026-12-10"),
            "Docs Sent Plan": d("2026-11-08"),
            "Docs Sent Actual": d("2026-11-08"),
            "Balance Received Plan": d("2026-12-15"),
        }
    )
    return base | {k: v for k, v in overrides.items()}


def closed_order(**overrides: Any) -> dict[str, Any]:
    """A clean Closed order: every milestone done."""
    return shipped_order(
        **{
            "Order No": "PO-3001",
            "Status": "Closed",
            "ETA Actual": d("2026-11-20"),
            "ETA Plan": d("2026-11-20"),
            "Balance Received Plan": d("2026-11-24"),
            "Balance Received Actual": d("2026-11-24"),
        }
    ) | {k: v for k, v in overrides.items()}


def milestone_findings(tmp_path: Path, *orders: dict[str, Any], **book: Any) -> list[Row]:
    """Write the orders (one line each), check them on TODAY, keep the milestone-* findings."""
    lines = [line(**{"Order No": o["Order No"]}) for o in orders]
    path = write_book(tmp_path / "book.xlsx", orders, lines, **book)
    report = check_path(path, TODAY)
    assert report.error is None
    return [r for r in rows_of(report.findings) if r[0].startswith("milestone-")]


def test_clean_and_messy_but_valid_orders_raise_nothing(tmp_path: Path) -> None:
    orders = [
        order(),
        lc_order(**{"Order No": "PO-1002"}),  # no deposit: Deposit Received is not a milestone
        shipped_order(**{"ETA Actual": d("2026-11-01")}),  # ETA = ETD
        closed_order(),
        order(
            **{
                "Order No": "PO-1003",
                "Status": "Ready",
                "Production End Actual": d("2026-11-20"),
                "Inspection Plan": "N/A",
                "Booking Confirmed Actual": d("2026-11-20"),
                "Cargo Ready Plan": "2026-12-20",
                "ETD Plan": "5 Jan 2027",
            }
        ),
        order(**{"Order No": "PO-1004", "Status": "Cancelled", "Production End Plan": d("2026-01-01")}),
        order(**{"Order No": "PO-1005", "Production Start Actual": d("2026-09-19")}),  # early is fine
    ]
    assert milestone_findings(tmp_path, *orders) == []


def test_overdue_and_due_soon_at_the_window_edges(tmp_path: Path) -> None:
    orders = [
        order(**{"Order No": "PO-1", "Production End Plan": d("2026-11-24")}),  # yesterday: overdue
        order(**{"Order No": "PO-2", "Production End Plan": d("2026-11-25")}),  # today: due soon
        order(**{"Order No": "PO-3", "Production End Plan": d("2026-12-02")}),  # today + 7: due soon
        order(**{"Order No": "PO-4", "Production End Plan": d("2026-12-03")}),  # today + 8: nothing
        closed_order(**{"Balance Received Plan": d("2026-11-20"), "Balance Received Actual": None}),
    ]
    assert milestone_findings(tmp_path, *orders) == [
        ("milestone-actual-missing", "Orders", 6, "Balance Received Actual"),  # closed: not overdue
        ("milestone-due-soon", "Orders", 3, "Production End Plan"),
        ("milestone-due-soon", "Orders", 4, "Production End Plan"),
        ("milestone-overdue", "Orders", 2, "Production End Plan"),
    ]


def test_overdue_message_and_settings_window(tmp_path: Path) -> None:
    orders = [
        order(**{"Order No": "PO-1", "Production End Plan": d("2026-11-15")}),
        order(**{"Order No": "PO-2", "Production End Plan": d("2026-11-28")}),  # today + 3
        order(**{"Order No": "PO-3", "Production End Plan": d("2026-11-29")}),  # today + 4
    ]
    path = write_book(tmp_path / "b.xlsx", orders, [line(**{"Order No": o["Order No"]}) for o in orders],
                      settings={"Due Soon Days": 3})  # fmt: skip
    found = [f for f in check_path(path, TODAY).findings if f.code.startswith("milestone-")]
    assert [(f.code, f.row, f.cell, f.order, f.message) for f in found] == [
        (
            "milestone-overdue",
            2,
            "AD2",
            "PO-1",
            "Production End due 2026-11-15, 10 days ago: update or re-plan.",
        ),
        ("milestone-due-soon", 3, "AD3", "PO-2", "Production End due 2026-11-28."),
    ]


def test_status_past_the_stage_is_actual_missing_not_overdue(tmp_path: Path) -> None:
    orders = [order(**{"Status": "Ready", "Production End Plan": d("2026-11-20")})]
    assert milestone_findings(tmp_path, *orders) == [
        ("milestone-actual-missing", "Orders", 2, "Production End Actual"),
    ]


def test_done_late_for_live_and_closed_orders_not_on_time_or_cancelled(tmp_path: Path) -> None:
    orders = [
        order(**{"Order No": "PO-1", "Production Start Actual": d("2026-09-21")}),  # 1 day late
        order(**{"Order No": "PO-2", "Production Start Actual": d("2026-09-20")}),  # actual = plan
        closed_order(**{"Balance Received Actual": d("2026-11-25")}),  # closed: history still counts
        order(**{"Order No": "PO-4", "Status": "Cancelled", "Production Start Actual": d("2026-09-30")}),
    ]
    assert milestone_findings(tmp_path, *orders) == [
        ("milestone-done-late", "Orders", 2, "Production Start Actual"),
        ("milestone-done-late", "Orders", 4, "Balance Received Actual"),
    ]


def test_actual_in_the_future_but_not_today(tmp_path: Path) -> None:
    orders = [
        order(**{"Order No": "PO-1", "Production End Actual": d("2026-11-26")}),
        order(**{"Order No": "PO-2", "Production End Actual": d("2026-11-25")}),
    ]
    assert milestone_findings(tmp_path, *orders) == [
        ("milestone-actual-future", "Orders", 2, "Production End Actual"),
    ]


def test_actuals_out_of_sequence(tmp_path: Path) -> None:
    orders = [
        order(**{"Order No": "PO-1", "Production Start Actual": d("2026-09-05")}),  # before sample
        shipped_order(**{"Order No": "PO-2", "ETA Actual": d("2026-10-30")}),  # arrived before ETD
        shipped_order(**{"Order No": "PO-3", "ETA Actual": d("2026-11-01")}),  # ETA = ETD
        lc_order(**{"Order No": "PO-4", "Deposit Received Actual": d("2026-09-25")}),  # no deposit due
        order(
            **{
                "Order No": "PO-5",
                "Deposit Received Actual": d("2026-09-21"),
                "Deposit Received Plan": d("2026-09-21"),
                "Production Start Plan": d("2026-09-22"),
            }
        ),
        shipped_order(**{"Order No": "PO-6", "Inspection Actual": d("2026-10-18")}),  # before prod. end
    ]
    found = milestone_findings(tmp_path, *orders)
    assert found == [
        ("milestone-out-of-sequence", "Orders", 2, "Production Start Actual"),  # after sample
        ("milestone-out-of-sequence", "Orders", 2, "Production Start Actual"),  # after deposit
        ("milestone-out-of-sequence", "Orders", 3, "ETA Actual"),
        ("milestone-out-of-sequence", "Orders", 6, "Production Start Actual"),
    ]


def test_out_of_sequence_message(tmp_path: Path) -> None:
    path = write_book(tmp_path / "b.xlsx", [shipped_order(**{"ETA Actual": d("2026-10-30")})],
                      [line(**{"Order No": "PO-2001"})])  # fmt: skip
    found = [f for f in check_path(path, TODAY).findings if f.code == "milestone-out-of-sequence"]
    assert [f.message for f in found] == ["ETD 2026-11-01 is after ETA 2026-10-30."]


def test_plans_out_of_sequence(tmp_path: Path) -> None:
    orders = [
        order(**{"Order No": "PO-1", "Booking Confirmed Plan": d("2026-12-27")}),  # after cargo ready
        order(**{"Order No": "PO-2", "Booking Confirmed Plan": d("2026-12-26")}),  # equal: fine
        order(**{"Order No": "PO-3", "Inspection Plan": d("2026-12-18")}),  # before prod. end: fine
        order(**{"Order No": "PO-4", "ETA Plan": d("2027-01-05")}),  # ETA = ETD: fine
    ]
    assert milestone_findings(tmp_path, *orders) == [
        ("milestone-plan-out-of-sequence", "Orders", 2, "Cargo Ready Plan"),
    ]


def test_plan_missing_once_the_stage_is_reached(tmp_path: Path) -> None:
    orders = [
        order(**{"Order No": "PO-1", "Production End Plan": None}),
        order(**{"Order No": "PO-2", "Deposit Received Plan": None, "Deposit Received Actual": None}),
        lc_order(**{"Order No": "PO-3"}),  # Deposit % 0: no deposit plan needed
        order(**{"Order No": "PO-4", "Production End Plan": "TBD"}),  # a placeholder is blank
        order(
            **{
                "Order No": "PO-5",
                "Status": "Ready",
                "Production End Actual": d("2026-11-20"),
                "Inspection Plan": "N/A",
            }
        ),
        closed_order(**{"Order No": "PO-6", "Docs Sent Plan": None}),  # closed: no missing plans
        order(
            **{
                "Order No": "PO-7",
                "Status": "Open",
                "Sample Approved Plan": None,
                "Production Start Plan": None,
            }
        ),
    ]
    assert milestone_findings(tmp_path, *orders) == [
        ("milestone-plan-missing", "Orders", 2, "Production End Plan"),
        ("milestone-plan-missing", "Orders", 3, "Deposit Received Plan"),
        ("milestone-plan-missing", "Orders", 5, "Production End Plan"),
    ]


def test_actual_missing_once_status_is_past_the_stage(tmp_path: Path) -> None:
    orders = [
        shipped_order(**{"Order No": "PO-1", "Cargo Ready Actual": None}),
        closed_order(**{"Order No": "PO-2", "Balance Received Actual": None}),  # closed needs all
        shipped_order(**{"Order No": "PO-3", "Inspection Actual": "N/A", "Inspection Plan": "N/A"}),
        shipped_order(**{"Order No": "PO-4", "Status": "Cancelled", "ETD Actual": None}),
        order(**{"Order No": "PO-5", "Status": "Ready", "Production End Actual": "not yet"}),  # unreadable
    ]
    assert milestone_findings(tmp_path, *orders) == [
        ("milestone-actual-missing", "Orders", 2, "Cargo Ready Actual"),
        ("milestone-actual-missing", "Orders", 3, "Balance Received Actual"),
    ]


def test_a_milestone_finding_on_a_row_without_order_no_names_no_order(tmp_path: Path) -> None:
    book = write_book(
        tmp_path / "b.xlsx",
        [order(**{"Order No": None, "Production End Plan": d("2026-11-20")})],
        [line()],
    )
    found = check_path(book, today=TODAY).findings
    overdue = [f for f in found if f.code == "milestone-overdue"]
    assert [(f.sheet, f.row, f.column, f.order) for f in overdue] == [
        ("Orders", 2, "Production End Plan", None)
    ]
