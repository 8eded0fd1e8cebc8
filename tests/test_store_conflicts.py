"""Conflicts between books, reported as findings and never resolved; money across currencies;
the consolidated report; a pulled view that sync skips; commit dates for the KPIs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers import d, line, order, rows_of, shipment, write_book
from sheetsync.actions.store_views import commit_dates, report
from sheetsync.actions.sync import sync
from sheetsync.cli import app


def _fca(**extra: object) -> dict[str, object]:
    return order(**{"Incoterm": "FCA", **extra})


def test_two_books_disagreeing_on_an_order_are_reported_on_both(tmp_path: Path, store_url: str) -> None:
    a = write_book(tmp_path / "a.xlsx", [_fca()], [line()])
    b = write_book(
        tmp_path / "b.xlsx",
        [order(**{"Order No": "X"}), _fca(**{"ETD Plan": d("2027-01-20")})],
        [line(**{"Order No": "X"}), line()],
    )
    result = sync([a, b], store_url)
    found = sorted(
        (c.path.name, f.code, f.sheet, f.row, f.column, f.message)
        for c in result.conflicts
        for f in [c.finding]
    )
    assert found == [
        (
            "a.xlsx",
            "sync-conflict",
            "Orders",
            2,
            "ETD Plan",
            "ETD Plan: 2027-01-05 here, 2027-01-20 in b.xlsx. Agree on one value.",
        ),
        (
            "b.xlsx",
            "sync-conflict",
            "Orders",
            3,
            "ETD Plan",
            "ETD Plan: 2027-01-20 here, 2027-01-05 in a.xlsx. Agree on one value.",
        ),
    ]


def test_two_books_disagreeing_on_a_line_and_a_shipment(tmp_path: Path, store_url: str) -> None:
    a = write_book(tmp_path / "a.xlsx", [_fca()], [line(), line(Line=2)], [shipment()])
    b = write_book(
        tmp_path / "b.xlsx",
        [_fca()],
        [line(), line(Line=2, **{"Unit Price": 3.6, "Amount": 4320.0})],
        [shipment(**{"Vessel / Flight": "MSC ANNA 12E"})],
    )
    result = sync([a, b], store_url)
    found = sorted((c.path.name, f.sheet, f.row, f.column, f.order, f.message) for c in result.conflicts
                   for f in [c.finding])  # fmt: skip
    assert found == [
        ("a.xlsx", "Lines", 3, "Amount", "PO-1001", "Amount: 4200 here, 4320 in b.xlsx. Agree on one value."),
        ("a.xlsx", "Lines", 3, "Unit Price", "PO-1001",
         "Unit Price: 3.5 here, 3.6 in b.xlsx. Agree on one value."),
        ("a.xlsx", "Orders", 2, "Order Amount (lines)", "PO-1001",
         "Order Amount (lines): 8400.00 here, 8520.00 in b.xlsx. Agree on one value."),
        ("a.xlsx", "Shipments", 2, "Vessel / Flight", "PO-1001",
         "Vessel / Flight: MAERSK EDMONTON 447W here, MSC ANNA 12E in b.xlsx. Agree on one value."),
        ("b.xlsx", "Lines", 3, "Amount", "PO-1001", "Amount: 4320 here, 4200 in a.xlsx. Agree on one value."),
        ("b.xlsx", "Lines", 3, "Unit Price", "PO-1001",
         "Unit Price: 3.6 here, 3.5 in a.xlsx. Agree on one value."),
        ("b.xlsx", "Orders", 2, "Order Amount (lines)", "PO-1001",
         "Order Amount (lines): 8520.00 here, 8400.00 in a.xlsx. Agree on one value."),
        ("b.xlsx", "Shipments", 2, "Vessel / Flight", "PO-1001",
         "Vessel / Flight: MSC ANNA 12E here, MAERSK EDMONTON 447W in a.xlsx. Agree on one value."),
    ]  # fmt: skip


def test_same_order_no_of_two_buyers_is_two_orders(tmp_path: Path, store_url: str) -> None:
    a = write_book(tmp_path / "a.xlsx", [_fca()], [line()])
    b = write_book(
        tmp_path / "b.xlsx", [_fca(**{"Buyer": "Casa Bella SpA", "ETD Plan": d("2027-03-01")})], [line()]
    )
    assert sync([a, b], store_url).conflicts == []
    runner = CliRunner()
    ambiguous = runner.invoke(app, ["history", "--order", "PO-1001", "--store", store_url])
    assert ambiguous.exit_code == 2
    assert "Casa Bella SpA, Nordic Home AB" in ambiguous.output
    one = runner.invoke(
        app, ["history", "--order", "PO-1001", "--buyer", "CASA BELLA SPA", "--store", store_url]
    )
    assert one.exit_code == 0, one.output
    assert "b.xlsx" in one.output and "a.xlsx" not in one.output


def test_same_file_under_two_paths_and_an_older_copy_are_not_synced(tmp_path: Path, store_url: str) -> None:
    (tmp_path / "x").mkdir()
    a = write_book(tmp_path / "a.xlsx", [_fca()], [line()])
    copy = tmp_path / "x" / "a-copy.xlsx"
    shutil.copy2(a, copy)
    first = sync([a, copy], store_url)
    assert [(b.status, rows_of(b.findings)) for b in first.books] == [
        ("synced", []),
        ("skipped", [("sync-same-file", "(book)", None, None)]),
    ]
    newer = a.stat().st_mtime_ns
    write_book(a, [_fca(**{"ETD Plan": d("2026-12-30")})], [line()])  # an old copy saved over it
    os.utime(a, ns=(newer - 10**10, newer - 10**10))
    second = sync([a], store_url)
    assert [(b.status, rows_of(b.findings)) for b in second.books] == [
        ("skipped", [("sync-book-older", "(book)", None, None)])
    ]


def _with_rates(path: Path, rates: list[tuple[str, float]]) -> Path:
    wb = load_workbook(path)
    ws = wb.create_sheet("Lists")
    ws.append(["Currency", "Rate to Base", "As Of"])
    for currency, rate in rates:
        ws.append([currency, rate, d("2026-11-01")])
    wb.save(path)
    return path


def test_values_in_base_currency_and_a_currency_without_a_rate(tmp_path: Path, store_url: str) -> None:
    book = write_book(
        tmp_path / "a.xlsx",
        [
            _fca(),
            _fca(**{"Order No": "PO-2", "Currency": "GBP"}),
            _fca(**{"Order No": "PO-3", "Currency": "EUR"}),
        ],
        [
            line(),
            line(**{"Order No": "PO-2"}),
            line(**{"Order No": "PO-3", "Unit Price": 0.1, "Amount": 120.0}),
        ],
        settings={"Base Currency": "EUR"},
    )
    _with_rates(book, [("USD", 0.9215)])
    result = sync([book], store_url)
    assert [
        (f.code, f.sheet, f.row, f.column, f.value)
        for f in result.books[0].findings
        if f.code == "fx-rate-missing"
    ] == [("fx-rate-missing", "Orders", 3, "Currency", "GBP")]
    _, view = report(tmp_path / "r.json", store_url, "json")
    values = {o["order"]: (o["currency"], o["amount"], o["rate"], o["value_base"]) for o in view.orders}
    from decimal import Decimal

    assert values == {
        "PO-1001": ("USD", Decimal("4200.00"), Decimal("0.9215"), Decimal("3870.30")),
        "PO-2": ("GBP", Decimal("4200.00"), None, None),
        "PO-3": ("EUR", Decimal("120.00"), Decimal(1), Decimal("120.00")),
    }
    assert [(v["buyer"], v["month"], v["value_base"], v["orders_not_valued"]) for v in view.value] == [
        ("Nordic Home AB", "2026-09", Decimal("3990.30"), 1)
    ]
    assert json.loads((tmp_path / "r.json").read_text())["rates"] == [
        {
            "book": str(book.resolve()),
            "currency": "USD",
            "base": "EUR",
            "rate": "0.9215",
            "as_of": "2026-11-01",
        }
    ]


def test_report_workbook_and_a_pulled_view_that_sync_skips(tmp_path: Path, store_url: str) -> None:
    a = write_book(
        tmp_path / "a.xlsx",
        [_fca(), _fca(**{"Order No": "PO-9", "Coordinator": "Ana Ruiz"})],
        [line(), line(**{"Order No": "PO-9"})],
    )
    sync([a], store_url)
    runner = CliRunner()
    out = tmp_path / "report.xlsx"
    done = runner.invoke(app, ["report", "--store", store_url, "--out", str(out)])
    assert done.exit_code == 0, done.output
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == [
        "Orders",
        "Late",
        "Value by buyer",
        "Conflicts",
        "Team",
        "Rates used",
        "Missing rates",
        "Books",
    ]
    orders = list(wb["Orders"].iter_rows(values_only=True))
    assert [(r[0], r[1], r[2]) for r in orders[1:]] == [("a.xlsx", 2, "PO-1001"), ("a.xlsx", 3, "PO-9")]
    view = tmp_path / "ana.xlsx"
    pulled = runner.invoke(app, ["pull", "--coordinator", "ana ruiz", str(view), "--store", store_url])
    assert pulled.exit_code == 0, pulled.output
    assert "Pulled 1 orders" in pulled.output
    check = runner.invoke(app, ["check", str(view), "--format", "json", "--today", "2026-11-25"])
    assert [f["code"] for f in json.loads(check.stdout)["files"][0]["findings"]] == []
    again = sync([view], store_url)
    assert [(b.status, rows_of(b.findings)) for b in again.books] == [
        ("skipped", [("sync-view-skipped", "Settings", None, None)])
    ]


def test_kpi_commit_dates_are_the_first_plan_seen(tmp_path: Path, store_url: str) -> None:
    book = write_book(tmp_path / "a.xlsx", [_fca()], [line()])
    sync([book], store_url)
    write_book(book, [_fca(**{"ETD Plan": d("2027-02-01")})], [line()])
    sync([book], store_url)
    write_book(book, [_fca(**{"ETD Plan": d("2027-02-15")})], [line()])
    sync([book], store_url)
    _, dates = commit_dates(store_url)
    assert dates == {"po-1001": d("2027-01-05").date()}


def test_kpi_with_store_judges_on_time_against_the_first_plan(tmp_path: Path, store_url: str) -> None:
    from helpers import shipped_order

    book = write_book(tmp_path / "a.xlsx", [shipped_order(**{"ETD Plan": d("2026-10-20")})], [line()])
    sync([book], store_url)
    write_book(book, [shipped_order()], [line()])  # re-planned to the day it left: 2026-10-30
    sync([book], store_url)
    runner = CliRunner()

    def otd(*extra: str) -> tuple[object, object, list[str]]:
        done = runner.invoke(app, ["kpi", str(book), "--format", "json", "--today", "2026-11-25", *extra])
        data = json.loads(done.stdout)
        metric = next(m for m in data["groups"]["All"] if m["name"] == "On-time delivery (OTD)")
        return metric["numerator"], metric["denominator"], data["notes"]

    assert otd()[:2] == (1, 1)
    late, total, notes = otd("--store", store_url)
    assert (late, total) == (0, 1)
    assert notes[0].startswith("commit date = the first Plan recorded in the store")
