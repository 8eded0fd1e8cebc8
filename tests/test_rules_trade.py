"""trade-* rules (RULES.md §7), end to end on workbooks written in the test."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from helpers import TODAY, line, order, rows_of, shipment, write_book
from sheetsync.actions.check import check_path

Rows = Iterable[Mapping[str, Any]]


def report(tmp_path: Path, orders: Rows, **kw: Any) -> list[Any]:
    orders = list(orders)
    lines = [line(**{"Order No": o["Order No"]}) for o in orders]
    result = check_path(write_book(tmp_path / "book.xlsx", orders, lines, **kw), today=TODAY)
    assert result.error is None
    return result.findings


def check(tmp_path: Path, orders: Rows, **kw: Any) -> list[tuple[str, str, int | None, str | None]]:
    return rows_of(report(tmp_path, orders, **kw))


def numbered(*orders: dict[str, Any]) -> list[dict[str, Any]]:
    """Give each order its own Order No: PO-1001, PO-1002, ..."""
    return [{**o, "Order No": f"PO-{1001 + i}"} for i, o in enumerate(orders)]


def cif(**overrides: Any) -> dict[str, Any]:
    """A clean CIF order to Gothenburg, insured at 110 %."""
    base = {"Incoterm": "CIF", "Incoterm Place": "Gothenburg", "Insurance %": 110}
    return order(**{**base, **overrides})


# trade-incoterm-retired ------------------------------------------------------------------------


def test_retired_incoterms(tmp_path: Path) -> None:
    orders = numbered(
        order(Incoterm="DDU", **{"Incoterm Place": "Gothenburg"}),
        order(Incoterm="DAT", **{"Incoterm Place": "Gothenburg"}),
    )
    found = report(tmp_path, orders)
    assert rows_of(found) == [
        ("trade-incoterm-retired", "Orders", 2, "Incoterm"),
        ("trade-incoterm-retired", "Orders", 3, "Incoterm"),
    ]
    assert [f.message for f in found] == ["Use DAP.", "Use DPU."]


def test_incoterms_2020_and_cancelled_orders_do_not_fire(tmp_path: Path) -> None:
    orders = numbered(
        order(Incoterm="DAP", **{"Incoterm Place": "Gothenburg"}),
        order(Incoterm="DDU", Status="Cancelled"),
    )
    assert check(tmp_path, orders) == []


# trade-incoterm-mode ---------------------------------------------------------------------------


def test_sea_term_on_air_or_road(tmp_path: Path) -> None:
    air = {"Transport Mode": "Air"}
    orders = numbered(order(**air), order(**{"Transport Mode": "Road"}))
    assert check(tmp_path, orders) == [
        ("trade-incoterm-mode", "Orders", 2, "Incoterm"),
        ("trade-incoterm-mode", "Orders", 3, "Incoterm"),
    ]


def test_any_mode_terms_off_sea_do_not_fire(tmp_path: Path) -> None:
    orders = numbered(
        order(Incoterm="FCA", **{"Transport Mode": "Air", "Port of Loading": "CNPVG"}),
        cif(Incoterm="CIP", **{"Transport Mode": "Rail"}),
        order(),
    )
    assert check(tmp_path, orders) == []


# trade-incoterm-container ----------------------------------------------------------------------


def test_sea_term_for_containerised_goods(tmp_path: Path) -> None:
    orders = numbered(order(), order(Incoterm="FCA"))
    shipments = [shipment(), shipment(**{"Order No": "PO-1002", "Shipment No": "SH-1002-1"})]
    found = check(tmp_path, orders, shipments=shipments)
    assert found == [("trade-incoterm-container", "Orders", 2, "Incoterm")]


def test_sea_term_without_containers_does_not_fire(tmp_path: Path) -> None:
    orders = numbered(order(), cif())
    shipments = [shipment(**{"Container No": None})]  # bulk, not yet departed
    assert check(tmp_path, orders, shipments=shipments) == []


# trade-incoterm-place --------------------------------------------------------------------------


def test_named_place_is_not_the_port(tmp_path: Path) -> None:
    orders = numbered(order(**{"Incoterm Place": "Ningbo"}), cif(**{"Incoterm Place": "Hamburg"}))
    found = report(tmp_path, orders)
    assert rows_of(found) == [
        ("trade-incoterm-place", "Orders", 2, "Incoterm Place"),
        ("trade-incoterm-place", "Orders", 3, "Incoterm Place"),
    ]
    assert [f.message for f in found] == ["Named port should be CNSHA.", "Named port should be SEGOT."]


def test_named_place_written_differently_does_not_fire(tmp_path: Path) -> None:
    orders = numbered(
        order(**{"Incoterm Place": "Shanghai, China"}),
        order(**{"Incoterm Place": "SHANGHAI PORT", "Port of Loading": "Shanghai"}),
        order(**{"Incoterm Place": "CN SHA"}),
        cif(),
        order(Incoterm="FCA", **{"Incoterm Place": "Suzhou"}),  # FCA names any place
    )
    assert check(tmp_path, orders) == []


# trade-insurance-low ---------------------------------------------------------------------------


def test_insurance_below_110(tmp_path: Path) -> None:
    orders = numbered(cif(**{"Insurance %": 100}), cif(Incoterm="CIP", **{"Insurance %": 109.5}))
    assert check(tmp_path, orders) == [
        ("trade-insurance-low", "Orders", 2, "Insurance %"),
        ("trade-insurance-low", "Orders", 3, "Insurance %"),
    ]


def test_insurance_at_or_above_110_does_not_fire(tmp_path: Path) -> None:
    orders = numbered(cif(), cif(Incoterm="CIP", **{"Insurance %": 120}), order(**{"Insurance %": 50}))
    assert check(tmp_path, orders) == []


# trade-port-same -------------------------------------------------------------------------------


def test_same_port_of_loading_and_discharge(tmp_path: Path) -> None:
    orders = numbered(
        order(**{"Port of Discharge": "Shanghai, China"}),
        order(Incoterm="FCA", **{"Port of Loading": "CN SHA", "Port of Discharge": "SHANGHAI PORT"}),
    )
    assert check(tmp_path, orders) == [
        ("trade-port-same", "Orders", 2, "Port of Discharge"),
        ("trade-port-same", "Orders", 3, "Port of Discharge"),
    ]


def test_different_ports_do_not_fire(tmp_path: Path) -> None:
    orders = numbered(order(), order(**{"Port of Loading": "CNNGB", "Incoterm Place": "Ningbo"}))
    assert check(tmp_path, orders) == []
