"""KPIs (RULES.md §11) on small books computed by hand: numerator, denominator, value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from helpers import TODAY, d, lc_order, line, order, shipment, write_book
from sheetsync.io.read.reader import read_book
from sheetsync.reporting.kpi import NO_HISTORY, GroupBy, KpiReport, Metric, compute_kpis

Figure = tuple[float | None, float | None, float | None]


def invoice(
    order_no: str, shipment_no: str | None, quantity: float, generated: str, no: str
) -> dict[str, Any]:
    """A Commercial Invoice row of the Documents register."""
    return {
        "Doc No": no,
        "Type": "Commercial Invoice",
        "Order No": order_no,
        "Shipment No": shipment_no,
        "Sheet": f"CI {no}",
        "Generated": d(generated),
        "Quantity": quantity,
    }


def shipped(no: str, incoterm: str, **overrides: Any) -> dict[str, Any]:
    """A shipped order of 1,200 pieces ordered on 2026-09-01."""
    return order(
        **{
            "Order No": no,
            "Status": "Shipped",
            "Incoterm": incoterm,
            "Production End Actual": d("2026-10-20"),
            **overrides,
        }
    )


def kpis(tmp_path: Path, orders: list[dict[str, Any]], by: GroupBy | None = None, **book: Any) -> KpiReport:
    lines = [line(**{"Order No": o["Order No"]}) for o in orders]
    path = write_book(tmp_path / "book.xlsx", orders, lines, **book)
    return compute_kpis([read_book(path)], today=TODAY, by=by)


def figures(metrics: list[Metric], *names: str) -> dict[str, Figure]:
    by_name = {m.name: (m.numerator, m.denominator, m.value) for m in metrics}
    return {n: by_name[n] for n in names}


def mixed_book(tmp_path: Path, by: GroupBy | None = None) -> KpiReport:
    """Four delivered orders, one in production, one cancelled (values worked out below)."""
    orders = [
        # FOB, left 11-01 (ETD Actual typed as text), planned 11-05: on time; invoiced in full twice.
        shipped("PO-1", "FOB", **{"ETD Plan": d("2026-11-05"), "ETD Actual": "2026-11-01"}),
        # CIF in two parts, last ATD 11-12 after the 11-10 plan: late; only half invoiced by 11-10.
        shipped(
            "PO-2", "CIF", **{"Insurance %": 110, "ETD Plan": d("2026-11-10"), "ETD Actual": d("2026-11-03")}
        ),
        # DAP, arrived 11-18 before the 11-20 ETA plan: on time; 700 of 1,200 invoiced: short.
        shipped(
            "PO-3",
            "DAP",
            **{"Coordinator": "Ana Ruiz", "ETA Plan": d("2026-11-20"), "ETD Actual": d("2026-11-02")},
        ),
        # EXW, cargo ready on plan 10-25, closed and paid 11-20.
        shipped(
            "PO-4",
            "EXW",
            **{
                "Status": "Closed",
                "Cargo Ready Plan": d("2026-10-25"),
                "Cargo Ready Actual": d("2026-10-25"),
                "Balance Received Actual": d("2026-11-20"),
            },
        ),
        order(**{"Order No": "PO-5"}),
        order(**{"Order No": "PO-6", "Status": "Cancelled"}),
    ]
    shipments = [
        shipment(**{"Shipment No": "SH-1", "Order No": "PO-1", "ATD": d("2026-11-01")}),
        shipment(**{"Shipment No": "SH-2a", "Order No": "PO-2", "ATD": d("2026-11-03"), "Packages": 25}),
        shipment(**{"Shipment No": "SH-2b", "Order No": "PO-2", "ATD": d("2026-11-12"), "Packages": 25}),
        shipment(
            **{"Shipment No": "SH-3", "Order No": "PO-3", "ATD": d("2026-11-02"), "ATA": d("2026-11-18")}
        ),
    ]
    documents = [
        invoice("PO-1", "SH-1", 1200, "2026-10-31", "CI-1"),
        invoice("PO-1", "SH-1", 1200, "2026-11-01", "CI-1R"),  # regenerated: not first time right
        invoice("PO-2", "SH-2a", 600, "2026-11-03", "CI-2a"),
        invoice("PO-2", "SH-2b", 600, "2026-11-12", "CI-2b"),
        invoice("PO-3", "SH-3", 700, "2026-11-02", "CI-3"),
        invoice("PO-4", None, 1200, "2026-10-24", "CI-4"),
    ]
    return kpis(tmp_path, orders, by, shipments=shipments, documents=documents)


def test_mixed_book_every_figure_by_hand(tmp_path: Path) -> None:
    report = mixed_book(tmp_path)
    assert list(report.groups) == ["All"]
    assert figures(
        report.groups["All"],
        "On-time delivery (OTD)",
        "On-time in full (OTIF)",
        "Perfect order (excl. condition)",
        "Order cycle time, mean days",
        "Order cycle time, median days",
        "Order to ETD, mean days",
        "Order to balance received, mean days",
        "Production lead time, mean days",
        "Fill rate",
        "Backorder rate",
        "Document first-time accuracy",
    ) == {
        "On-time delivery (OTD)": (3, 4, 0.75),  # PO-1, PO-3, PO-4
        "On-time in full (OTIF)": (2, 4, 0.5),  # PO-1, PO-4
        "Perfect order (excl. condition)": (2, 4, 0.5),
        "Order cycle time, mean days": (265.0, 4, 66.25),  # 61 + 72 + 78 + 54
        "Order cycle time, median days": (None, 4, 66.5),
        "Order to ETD, mean days": (186.0, 3, 62.0),  # 61 + 63 + 62
        "Order to balance received, mean days": (80.0, 1, 80.0),
        "Production lead time, mean days": (120.0, 4, 30.0),  # 09-20 -> 10-20, four times
        "Fill rate": (4300.0, 4800.0, 4300 / 4800),
        "Backorder rate": (1, 3, 1 / 3),  # PO-3 of PO-1..3 (EXW PO-4 has no shipment)
        "Document first-time accuracy": (4, 5, 0.8),  # PO-1's invoice was generated twice
    }
    assert report.excluded == {
        "cancelled": 1,
        "not yet delivered": 1,
        "delivered, no Plan to judge on time": 0,
        "delivered, no invoices registered (in full not measured)": 0,
    }
    assert NO_HISTORY in report.notes


def test_grouped_by_coordinator_and_by_month(tmp_path: Path) -> None:
    by_coordinator = mixed_book(tmp_path, by="coordinator").groups
    assert list(by_coordinator) == ["All", "Ana Ruiz", "Lin Wei"]
    names = ("On-time delivery (OTD)", "On-time in full (OTIF)", "Backorder rate")
    assert figures(by_coordinator["Ana Ruiz"], *names) == {
        "On-time delivery (OTD)": (1, 1, 1.0),
        "On-time in full (OTIF)": (0, 1, 0.0),
        "Backorder rate": (1, 1, 1.0),
    }
    assert figures(by_coordinator["Lin Wei"], *names)["On-time delivery (OTD)"] == (2, 3, 2 / 3)
    by_month = mixed_book(tmp_path, by="month").groups
    assert figures(by_month["2026-10"], "On-time delivery (OTD)") == {"On-time delivery (OTD)": (1, 1, 1.0)}
    assert figures(by_month["2026-11"], "On-time delivery (OTD)") == {"On-time delivery (OTD)": (2, 3, 2 / 3)}


def test_no_orders_due_yet(tmp_path: Path) -> None:
    report = kpis(tmp_path, [order(), order(**{"Order No": "PO-2"})])
    otd = figures(report.groups["All"], "On-time delivery (OTD)", "Fill rate")
    assert otd == {"On-time delivery (OTD)": (0, 0, None), "Fill rate": (0.0, 0.0, None)}
    assert report.groups["All"][0].note == "nothing to count"
    assert report.excluded["not yet delivered"] == 2


def test_all_cancelled(tmp_path: Path) -> None:
    orders = [
        order(**{"Status": "Cancelled", "ETD Actual": d("2026-11-01")}),
        order(**{"Order No": "PO-2", "Status": "Cancelled"}),
    ]
    report = kpis(tmp_path, orders, by="buyer")
    assert list(report.groups) == ["All"]
    assert all(m.denominator == 0 and m.value is None for m in report.groups["All"])
    assert report.excluded["cancelled"] == 2
    assert report.excluded["not yet delivered"] == 0


def test_perfect_order_excludes_lc_errors_and_books_without_register(tmp_path: Path) -> None:
    common = {
        "Status": "Shipped",
        "Production End Actual": d("2026-10-20"),
        "ETD Plan": d("2026-11-05"),
        "ETD Actual": d("2026-11-01"),
        "Docs Sent Actual": d("2026-11-08"),
    }
    orders = [
        lc_order(**common),
        lc_order(**{**common, "Order No": "PO-2", "Latest Shipment": d("2026-10-31")}),  # shipped late
    ]
    documents = [
        invoice("PO-1001", None, 1200, "2026-11-01", "CI-1"),
        invoice("PO-2", None, 1200, "2026-11-01", "CI-2"),
    ]
    report = kpis(tmp_path, orders, documents=documents)
    names = ("On-time delivery (OTD)", "On-time in full (OTIF)", "Perfect order (excl. condition)")
    assert figures(report.groups["All"], *names) == {
        "On-time delivery (OTD)": (2, 2, 1.0),
        "On-time in full (OTIF)": (2, 2, 1.0),
        "Perfect order (excl. condition)": (1, 2, 0.5),
    }
    without_register = kpis(tmp_path, orders)
    assert figures(without_register.groups["All"], *names) == {
        "On-time delivery (OTD)": (2, 2, 1.0),
        "On-time in full (OTIF)": (0, 0, None),
        "Perfect order (excl. condition)": (0, 0, None),
    }
    assert without_register.excluded["delivered, no invoices registered (in full not measured)"] == 2


def test_lc_tolerance_and_grace_days(tmp_path: Path) -> None:
    common = {
        "Status": "Shipped",
        "Production End Actual": d("2026-10-20"),
        "ETD Plan": d("2026-11-05"),
        "Docs Sent Actual": d("2026-11-09"),
    }
    orders = [
        lc_order(**{**common, "ETD Actual": d("2026-11-07"), "Tolerance %": 5}),  # 2 days late, 95 % invoiced
        order(**{**common, "Order No": "PO-2", "ETD Actual": d("2026-11-08")}),  # 3 days late
    ]
    documents = [
        invoice("PO-1001", None, 1140, "2026-11-06", "CI-1"),
        invoice("PO-2", None, 1200, "2026-11-06", "CI-2"),
    ]
    report = kpis(tmp_path, orders, documents=documents, settings={"Grace Days": 2})
    names = ("On-time delivery (OTD)", "On-time in full (OTIF)", "Fill rate", "Backorder rate")
    assert figures(report.groups["All"], *names) == {
        "On-time delivery (OTD)": (1, 2, 0.5),
        "On-time in full (OTIF)": (1, 2, 0.5),
        "Fill rate": (2340.0, 2400.0, 2340 / 2400),
        "Backorder rate": (0, 0, None),  # no Shipments rows: nothing departed
    }


def test_milestone_on_time_rate_by_month_and_text_dates(tmp_path: Path) -> None:
    orders = [
        order(),  # sample 09-10 on plan, deposit 09-14 early, production 09-20 on plan: 3 of 3
        order(**{"Order No": "PO-2", "Production Start Actual": "21 Sep 2026"}),  # a day late, typed as text
        order(**{"Order No": "PO-3", "Production End Actual": d("2026-10-20")}),  # early, in October
    ]
    report = kpis(tmp_path, orders, by="month")
    assert figures(report.groups["2026-09"], "Milestone on-time rate") == {
        "Milestone on-time rate": (8, 9, 8 / 9)
    }
    assert figures(report.groups["2026-10"], "Milestone on-time rate") == {
        "Milestone on-time rate": (1, 1, 1.0)
    }
    assert figures(report.groups["All"], "Milestone on-time rate") == {"Milestone on-time rate": (9, 10, 0.9)}


def test_commit_dates_from_history_replace_the_current_plan(tmp_path: Path) -> None:
    orders = [
        order(
            **{
                "Status": "Shipped",
                "Production End Actual": d("2026-10-20"),
                "ETD Plan": d("2026-11-10"),
                "ETD Actual": d("2026-11-08"),
            }
        )
    ]
    path = write_book(tmp_path / "b.xlsx", orders, [line()])
    report = compute_kpis([read_book(path)], TODAY, commit_dates={"po-1001 ": dt.date(2026, 11, 5)})
    assert figures(report.groups["All"], "On-time delivery (OTD)") == {"On-time delivery (OTD)": (0, 1, 0.0)}
    assert NO_HISTORY not in report.notes


def test_cli_json_text_and_an_unreadable_file(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from sheetsync.cli import app

    mixed_book(tmp_path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    runner = CliRunner()
    result = runner.invoke(
        app, ["kpi", str(tmp_path / "book.xlsx"), str(broken), "--format", "json", "--by", "coordinator"]
    )
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [(f["path"], f["status"]) for f in data["files"]] == [
        (str(tmp_path / "book.xlsx"), "ok"),
        (str(broken), "error"),
    ]
    assert list(data["groups"]) == ["All", "Ana Ruiz", "Lin Wei"]
    assert data["groups"]["All"][0] == {
        "name": "On-time delivery (OTD)",
        "numerator": 3,
        "denominator": 4,
        "value": 0.75,
        "note": "",
    }
    text = runner.invoke(app, ["kpi", str(tmp_path)], terminal_width=160)
    assert text.exit_code == 2  # the folder holds the broken file too
    assert "│ On-time delivery (OTD)" in text.stdout and "75.0%" in text.stdout
    assert "Left out: cancelled: 1, not yet delivered: 1" in text.stdout
