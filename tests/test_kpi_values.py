"""`kpi` totals order value in the Settings Base Currency through the Lists Rates table (exact)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import d, line, order
from sheetsync.cli import app
from sheetsync.io.read.reader import read_book
from sheetsync.reporting.kpi import compute_kpis
from sheetsync.workbook.template import build_template

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """USD, EUR (two rates: the later As Of wins), JPY, CNY without a rate, a cancelled order."""
    orders = [
        order(order_no="PO-1", currency="USD"),
        order(order_no="PO-2", currency="EUR", buyer="Hansa Wohnen GmbH", order_date=d("2026-10-15")),
        order(order_no="PO-3", currency="JPY", buyer="Hansa Wohnen GmbH", order_date=d("2026-10-20")),
        order(order_no="PO-4", currency="CNY", order_date=d("2026-10-02")),
        order(order_no="PO-5", currency="USD", status="Cancelled"),
    ]
    lines = [
        line(order_no="PO-1"),  # 4,200.00
        line(order_no="PO-1", line=2, quantity=1, unit_price=0.105, amount=0.105),  # 0.105 -> 0.11
        line(order_no="PO-2", quantity=100, unit_price=10, amount=1000.0),  # EUR 1,000 x 1.1
        line(order_no="PO-3", quantity=100, unit_price=1500, amount=150000.0),  # JPY x 0.0066667
        line(order_no="PO-4", quantity=10, unit_price=10, amount=100.0),
        line(order_no="PO-5", quantity=10, unit_price=10, amount=100.0),
    ]
    rates = [
        ("EUR", 1.05, dt.date(2026, 10, 1)),
        ("EUR", 1.1, dt.date(2026, 11, 1)),
        ("JPY", 0.0066667, None),
    ]
    path = tmp_path_factory.mktemp("values") / "book.xlsx"
    settings = {"Today": TODAY, "Base Currency": "USD"}
    return build_template(path, {"Orders": orders, "Lines": lines}, settings, rates=rates)


def _totals(by: str | None, book: Path) -> dict[str, tuple[str, Decimal, int, int]]:
    report = compute_kpis([read_book(book)], TODAY, by)  # type: ignore[arg-type]
    assert report.values is not None
    return {g: (t.base, t.value, t.orders, t.not_valued) for g, (t,) in report.values.groups.items()}


def test_values_by_buyer_and_month_in_the_base_currency(book: Path) -> None:
    # JPY: 150,000 x 0.0066667 = 1,000.005 -> 1,000.01 (half-up); cancelled PO-5 left out
    assert _totals("buyer", book) == {
        "All": ("USD", Decimal("6300.12"), 3, 1),
        "Hansa Wohnen GmbH": ("USD", Decimal("2100.01"), 2, 0),
        "Nordic Home AB": ("USD", Decimal("4200.11"), 1, 1),
    }
    assert _totals("month", book) == {
        "All": ("USD", Decimal("6300.12"), 3, 1),
        "2026-09": ("USD", Decimal("4200.11"), 1, 0),
        "2026-10": ("USD", Decimal("2100.01"), 2, 1),
    }


def test_rates_used_and_a_missing_rate_is_a_finding(book: Path) -> None:
    report = compute_kpis([read_book(book)], TODAY, "buyer")
    values = report.values
    assert values is not None
    assert [(r.currency, r.rate, r.as_of, r.orders) for r in values.rates] == [
        ("EUR", "1.1", dt.date(2026, 11, 1), 1),
        ("JPY", "0.0066667", None, 1),
    ]
    assert [(f.code, f.sheet, f.row, f.column, f.order, f.value) for f in values.missing] == [
        ("fx-rate-missing", "Orders", 5, "Currency", "PO-4", "CNY")
    ]


def test_cli_prints_and_emits_the_values(book: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["kpi", str(book), "--by", "buyer", "--format", "json"])
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)["values"]
    assert values["groups"]["All"] == [{"base": "USD", "value": "6300.12", "orders": 3, "not_valued": 1}]
    assert [m["code"] for m in values["missing"]] == ["fx-rate-missing"]
    text = runner.invoke(app, ["kpi", str(book), "--by", "month"], terminal_width=160)
    assert "│ 2026-10 │ USD  │ 2,100.01 │" in text.stdout
    assert "Rate used: 1 EUR = 1.1 USD as of 2026-11-01 (book.xlsx, 1 orders)" in text.stdout
    assert (
        "fx-rate-missing Orders row 5: order PO-4: Add CNY to the Rates table on Lists (in USD)."
        in text.stdout
    )


def test_a_book_without_base_currency_is_not_valued(tmp_path: Path) -> None:
    path = build_template(tmp_path / "plain.xlsx", {"Orders": [order()], "Lines": [line()]}, {"Today": TODAY})
    report = compute_kpis([read_book(path)], TODAY)
    assert report.values is not None
    assert report.values.groups == {"All": []}
    assert report.values.not_valued_books == ["plain.xlsx"]
