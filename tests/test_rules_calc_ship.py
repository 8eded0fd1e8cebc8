"""calc-* and ship-* rules (RULES.md §4), end to end on workbooks written in the test."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from helpers import (
    TODAY,
    d,
    departed_shipment,
    line,
    order,
    rows_of,
    shipment,
    shipped_order,
    write_book,
)
from sheetsync.actions.check import check_path

Rows = Iterable[Mapping[str, Any]]


def check(
    tmp_path: Path, orders: Rows, lines: Rows, **kw: Any
) -> list[tuple[str, str, int | None, str | None]]:
    report = check_path(write_book(tmp_path / "book.xlsx", orders, lines, **kw), today=TODAY)
    assert report.error is None
    return rows_of(report.findings)


def messages(tmp_path: Path, orders: Rows, lines: Rows, **kw: Any) -> dict[str, list[str]]:
    report = check_path(write_book(tmp_path / "msg.xlsx", orders, lines, **kw), today=TODAY)
    found: dict[str, list[str]] = {}
    for f in report.findings:
        found.setdefault(f.code, []).append(f.message)
    return found


# calc-line-amount ------------------------------------------------------------------------------


def test_line_amount_off_by_more_than_a_minor_unit(tmp_path: Path) -> None:
    orders = [order(), order(**{"Order No": "PO-2001", "Currency": "JPY"})]
    lines = [
        line(),
        line(Line=2, Amount=4200.02),
        line(**{"Order No": "PO-2001", "Unit Price": 350, "Amount": 420_002}),
    ]
    assert check(tmp_path, orders, lines) == [
        ("calc-line-amount", "Lines", 3, "Amount"),
        ("calc-line-amount", "Lines", 4, "Amount"),
    ]
    assert messages(tmp_path, orders, lines)["calc-line-amount"] == [
        "Should be USD 4,200.00; restore the formula.",
        "Should be JPY 420,000; restore the formula.",
    ]


def test_line_amount_within_tolerance_does_not_fire(tmp_path: Path) -> None:
    orders = [
        order(),
        order(**{"Order No": "PO-2001", "Currency": "JPY"}),
        order(**{"Order No": "PO-3001", "Status": "Cancelled"}),
    ]
    lines = [
        line(Amount=4200.01),  # exactly one cent off
        line(Line=2, Quantity=3, **{"Unit Price": 0.333, "Amount": 1.0}),  # 0.999 rounds to 1.00
        line(**{"Order No": "PO-2001", "Unit Price": 350, "Amount": 420_001}),  # one yen
        line(**{"Order No": "PO-3001", "Amount": 9999}),  # cancelled: out of scope
    ]
    assert check(tmp_path, orders, lines) == []


def test_line_amount_uses_the_settings_tolerance(tmp_path: Path) -> None:
    lines = [line(Amount=4200.4), line(Line=2, Amount=4200.6)]
    found = check(tmp_path, [order()], lines, settings={"Amount Tolerance": 0.5})
    assert found == [("calc-line-amount", "Lines", 3, "Amount")]


def test_line_amount_skips_a_cell_that_failed_schema_type(tmp_path: Path) -> None:
    lines = [line(Quantity="twelve hundred")]
    assert check(tmp_path, [order()], lines) == [("schema-type", "Lines", 2, "Quantity")]


# calc-gross-lt-net -----------------------------------------------------------------------------


def test_gross_below_net(tmp_path: Path) -> None:
    lines = [line(), line(Line=2, **{"Gross Weight kg": 539.5})]
    assert check(tmp_path, [order()], lines) == [("calc-gross-lt-net", "Lines", 3, "Gross Weight kg")]


def test_gross_equal_to_net_does_not_fire(tmp_path: Path) -> None:
    lines = [line(**{"Gross Weight kg": 540.0})]
    assert check(tmp_path, [order()], lines) == []


# ship-packages ---------------------------------------------------------------------------------


def fca(**overrides: Any) -> dict[str, Any]:
    """An FCA order, so containerised shipments raise no trade-incoterm-container note."""
    return order(Incoterm="FCA", **overrides)


def test_packages_exceed_cartons_or_differ_once_shipped(tmp_path: Path) -> None:
    orders = [fca(), shipped_order(Incoterm="FCA", **{"Order No": "PO-1002"})]
    lines = [line(), line(**{"Order No": "PO-1002"})]
    shipments = [
        shipment(Packages=30, **{"Gross Weight kg": 300.0}),
        shipment(Packages=30, **{"Shipment No": "SH-1001-2", "Gross Weight kg": 300.0}),
        departed_shipment(Packages=45, **{"Order No": "PO-1002", "Shipment No": "SH-1002-1"}),
    ]
    assert check(tmp_path, orders, lines, shipments=shipments) == [
        ("ship-packages", "Orders", 2, None),
        ("ship-packages", "Orders", 3, None),
    ]
    found = messages(tmp_path, orders, lines, shipments=shipments)["ship-packages"]
    assert found == ["60 packages vs 50 cartons.", "45 packages vs 50 cartons."]


def test_packages_partial_before_shipping_does_not_fire(tmp_path: Path) -> None:
    orders = [fca(), shipped_order(Incoterm="FCA", **{"Order No": "PO-1002"})]
    lines = [
        line(),
        line(**{"Order No": "PO-1002", "Cartons": 20}),
        line(**{"Order No": "PO-1002", "Line": 2}),
    ]
    shipments = [
        shipment(Packages=20, **{"Gross Weight kg": 240.0}),
        departed_shipment(Packages=70, **{"Order No": "PO-1002", "Shipment No": "SH-1002-1",
                                          "Gross Weight kg": 1200.0}),
    ]  # fmt: skip
    assert check(tmp_path, orders, lines, shipments=shipments) == []


# ship-weight -----------------------------------------------------------------------------------


def test_weight_excess_or_difference_once_shipped(tmp_path: Path) -> None:
    orders = [fca(), shipped_order(Incoterm="FCA", **{"Order No": "PO-1002"})]
    lines = [line(), line(**{"Order No": "PO-1002"})]
    shipments = [
        shipment(**{"Gross Weight kg": 606.5}),  # over 600 + 1 %
        departed_shipment(**{"Order No": "PO-1002", "Shipment No": "SH-1002-1", "Gross Weight kg": 590.0}),
    ]
    assert check(tmp_path, orders, lines, shipments=shipments) == [
        ("ship-weight", "Orders", 2, None),
        ("ship-weight", "Orders", 3, None),
    ]
    found = messages(tmp_path, orders, lines, shipments=shipments)["ship-weight"]
    assert found == ["606.5 kg vs 600 kg.", "590 kg vs 600 kg."]


def test_weight_within_tolerance_does_not_fire(tmp_path: Path) -> None:
    orders = [fca(), shipped_order(Incoterm="FCA", **{"Order No": "PO-1002"})]
    lines = [line(), line(**{"Order No": "PO-1002"})]
    shipments = [
        shipment(**{"Gross Weight kg": 300.0}),  # partial: only an excess counts before shipping
        departed_shipment(**{"Order No": "PO-1002", "Shipment No": "SH-1002-1", "Gross Weight kg": 594.0}),
    ]
    assert check(tmp_path, orders, lines, shipments=shipments) == []
    looser = check(tmp_path, [fca()], [line()], shipments=[shipment(**{"Gross Weight kg": 620.0})],
                   settings={"Weight Tolerance %": 5})  # fmt: skip
    assert looser == []


# ship-dates ------------------------------------------------------------------------------------


def test_arrival_before_departure(tmp_path: Path) -> None:
    shipments = [
        shipment(ETA=d("2027-01-04")),
        departed_shipment(ATD=d("2026-11-10"), ATA=d("2026-11-05"), **{"Shipment No": "SH-1001-2",
                                                                       "Packages": 0, "Gross Weight kg": 0})
    ]  # fmt: skip
    found = check(tmp_path, [fca()], [line()], shipments=shipments)
    assert found == [("ship-dates", "Shipments", 2, "ETA"), ("ship-dates", "Shipments", 3, "ATA")]


def test_arrival_on_the_day_of_departure_does_not_fire(tmp_path: Path) -> None:
    shipments = [shipment(ETA=d("2027-01-05"))]
    assert check(tmp_path, [fca()], [line()], shipments=shipments) == []


# ship-etd-mismatch -----------------------------------------------------------------------------


def two_vessel_order(**overrides: Any) -> dict[str, Any]:
    return shipped_order(Incoterm="FCA", **{"ETA Plan": d("2026-11-22"), "ETA Actual": d("2026-11-22")},
                         **overrides)  # fmt: skip


def two_shipments(first_atd: str, last_ata: str) -> list[dict[str, Any]]:
    half = {"Packages": 25, "Gross Weight kg": 300.0}
    return [
        departed_shipment(ATD=d(first_atd), ATA=d("2026-11-20"), **half),
        departed_shipment(ATD=d("2026-11-02"), ATA=d(last_ata), **{"Shipment No": "SH-1001-2"}, **half),
    ]


def test_order_dates_disagree_with_shipments(tmp_path: Path) -> None:
    found = check(
        tmp_path, [two_vessel_order()], [line()], shipments=two_shipments("2026-10-31", "2026-11-21")
    )
    assert found == [
        ("ship-etd-mismatch", "Orders", 2, "ETA Actual"),
        ("ship-etd-mismatch", "Orders", 2, "ETD Actual"),
    ]


def test_order_dates_agree_with_shipments_does_not_fire(tmp_path: Path) -> None:
    found = check(
        tmp_path, [two_vessel_order()], [line()], shipments=two_shipments("2026-10-30", "2026-11-22")
    )
    assert found == []


# ship-container-missing ------------------------------------------------------------------------


def test_departed_sea_shipment_without_container(tmp_path: Path) -> None:
    orders = [shipped_order(Incoterm="FCA")]
    shipments = [departed_shipment(**{"Container No": None})]
    found = check(tmp_path, orders, [line()], shipments=shipments)
    assert found == [("ship-container-missing", "Shipments", 2, "Container No")]


def test_container_not_needed_by_air_or_before_departure(tmp_path: Path) -> None:
    orders = [
        shipped_order(Incoterm="FCA", **{"Transport Mode": "Air", "Port of Loading": "CNPVG",
                                         "Port of Discharge": "SEARN"}),
        fca(**{"Order No": "PO-1002"}),
    ]  # fmt: skip
    shipments = [
        departed_shipment(**{"Container No": None, "Vessel / Flight": "CA 911"}),
        shipment(**{"Order No": "PO-1002", "Shipment No": "SH-1002-1", "Container No": None}),
    ]
    found = check(tmp_path, orders, [line(), line(**{"Order No": "PO-1002"})], shipments=shipments)
    assert found == []
