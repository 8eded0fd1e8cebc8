"""Code-list rules (RULES.md §3) end to end: real workbooks, exact (code, sheet, row, column)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from helpers import TODAY, lc_order, line, order, rows_of, shipment, write_book
from sheetsync.actions.check import check_path
from sheetsync.findings import Finding
from sheetsync.rules.codes import LETTER_VALUES, container_check_digit, container_numbers, judge_containers

Row = tuple[str, str, int | None, str | None]
FAMILIES = ("schema-", "code-")


def ours(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code.startswith(FAMILIES)]


def check(path: Path, **rows: Any) -> list[Finding]:
    report = check_path(write_book(path, **rows), today=TODAY)
    assert report.error is None
    return ours(report.findings)


def test_clean_and_messy_but_valid_codes_give_only_notes(tmp_path: Path) -> None:
    orders = [
        order(
            **{
                "Incoterm": "c&f",
                "Buyer Country": "China",
                "Currency": "rmb",
                "Port of Loading": "Shanghai, China",
                "Port of Discharge": "GOTHENBURG PORT",
            }
        ),
        order(
            **{
                "Order No": "PO-1002",
                "Incoterm": "fob",
                "Buyer Country": "se",
                "Currency": "usd",
                "Port of Loading": "CN SHA",
                "Port of Discharge": "DUBAI",
            }
        ),
        order(
            **{
                "Order No": "PO-1003",
                "Incoterm": "DDU",
                "Port of Loading": "cnsha",
                "Port of Discharge": "TOKYO",
            }
        ),
    ]
    lines = [
        line(**{"Unit": "PCS", "HS Code": "6304.92.00.10", "Origin": "cn"}),
        line(**{"Line": 2, "Unit": "PCS", "HS Code": "63049200"}),
        line(**{"Order No": "PO-1002", "Unit": "kgs", "HS Code": "630492001", "Origin": "China"}),
        line(**{"Order No": "PO-1003", "Unit": "set", "HS Code": 630492}),
    ]
    shipments = [
        shipment(**{"Container No": "CSQU3054383; mwcu 605978-4"}),
        shipment(**{"Shipment No": "SH-1002-1", "Order No": "PO-1002", "Container No": None}),
    ]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=lines, shipments=shipments)
    assert rows_of(found) == [
        ("code-normalised", "Lines", 2, "Unit"),
        ("code-normalised", "Lines", 4, "Origin"),
        ("code-normalised", "Lines", 4, "Unit"),
        ("code-normalised", "Orders", 2, "Buyer Country"),
        ("code-normalised", "Orders", 2, "Currency"),
        ("code-normalised", "Orders", 2, "Incoterm"),
    ]
    messages = {(f.column, f.value): f.message for f in found}
    assert messages[("Unit", "PCS")] == "Read PCS as H87."
    assert messages[("Incoterm", "c&f")] == "Read c&f as CFR."


def test_country(tmp_path: Path) -> None:
    orders = [order(**{"Buyer Country": "UK"}), order(**{"Order No": "PO-1002", "Buyer Country": "XX"})]
    lines = [line(Origin="EL"), line(**{"Order No": "PO-1002", "Origin": "Germany"})]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=lines)
    assert rows_of(found) == [
        ("code-country", "Lines", 2, "Origin"),
        ("code-country", "Orders", 2, "Buyer Country"),
        ("code-country", "Orders", 3, "Buyer Country"),
        ("code-normalised", "Lines", 3, "Origin"),
    ]
    messages = {f.value: f.message for f in found}
    assert messages["UK"] == "Use the ISO code GB."
    assert messages["EL"] == "Use the ISO code GR."
    assert messages["XX"] == "Use the ISO code (2 letters, e.g. CN)."


def test_currency(tmp_path: Path) -> None:
    orders = [
        order(Currency="$"),
        order(**{"Order No": "PO-1002", "Currency": "XYZ"}),
        order(**{"Order No": "PO-1003", "Currency": "eur"}),
    ]
    lines = [line(), line(**{"Order No": "PO-1002"}), line(**{"Order No": "PO-1003"})]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=lines)
    assert rows_of(found) == [
        ("code-currency", "Orders", 2, "Currency"),
        ("code-currency", "Orders", 3, "Currency"),
    ]


def test_ports_locode_and_unresolved(tmp_path: Path) -> None:
    orders = [
        order(**{"Port of Loading": "CNXXX", "Port of Discharge": "Atlantis"}),
        order(**{"Order No": "PO-1002", "Port of Loading": "XXABC", "Port of Discharge": "LAGOS"}),
    ]
    lines = [line(), line(**{"Order No": "PO-1002"})]
    shipments = [shipment(**{"Port of Discharge": "SE XXX"})]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=lines, shipments=shipments)
    assert rows_of(found) == [
        ("code-locode", "Orders", 2, "Port of Loading"),
        ("code-locode", "Shipments", 2, "Port of Discharge"),
        ("code-port-unresolved", "Orders", 2, "Port of Discharge"),
        ("code-port-unresolved", "Orders", 3, "Port of Discharge"),
        ("code-port-unresolved", "Orders", 3, "Port of Loading"),
    ]
    assert next(f for f in found if f.value == "CNXXX").message == "Check CNXXX."


def test_workbook_port_aliases_resolve_names(tmp_path: Path) -> None:
    path = write_book(tmp_path / "book.xlsx", [order(**{"Port of Discharge": "Atlantis Pier"})], [line()])
    wb = load_workbook(path)
    lists = wb.create_sheet("Lists")
    lists.append(["Port Alias", "LOCODE"])
    lists.append(["Atlantis Pier", "SEGOT"])
    wb.save(path)
    report = check_path(path, today=TODAY)
    assert rows_of(ours(report.findings)) == []


def test_hs_codes(tmp_path: Path) -> None:
    lines = [
        line(**{"HS Code": "12345"}),
        line(**{"Line": 2, "HS Code": "63-04-92"}),
        line(**{"Line": 3, "HS Code": "7701.00"}),
        line(**{"Line": 4, "HS Code": "9801.00.10"}),
        line(**{"Line": 5, "HS Code": "0001.10"}),
        line(**{"Line": 6, "HS Code": 8517120}),  # 7 digits typed as a number: a lost 0
        line(**{"Line": 7, "HS Code": 85171}),  # 5 digits as a number: too short, and a lost 0
        line(**{"Line": 8, "HS Code": 630492}),  # 6 digits as a number: fine
        line(**{"Line": 9, "HS Code": "6304 92"}),
    ]
    found = check(tmp_path / "book.xlsx", orders=[order()], lines=lines)
    assert rows_of(found) == [
        ("code-hs", "Lines", 2, "HS Code"),
        ("code-hs", "Lines", 3, "HS Code"),
        ("code-hs", "Lines", 8, "HS Code"),
        ("code-hs-chapter", "Lines", 4, "HS Code"),
        ("code-hs-chapter", "Lines", 5, "HS Code"),
        ("code-hs-chapter", "Lines", 6, "HS Code"),
        ("code-hs-lost-zero", "Lines", 7, "HS Code"),
        ("code-hs-lost-zero", "Lines", 8, "HS Code"),
    ]


def test_units(tmp_path: Path) -> None:
    lines = [
        line(Unit="BOGUS"),
        line(**{"Line": 2, "Unit": "CTN"}),
        line(**{"Line": 3, "Unit": "cartons"}),
        line(**{"Line": 4, "Unit": "pcs."}),
        line(**{"Line": 5, "Unit": "KGM"}),
    ]
    found = check(tmp_path / "book.xlsx", orders=[order()], lines=lines)
    assert rows_of(found) == [
        ("code-normalised", "Lines", 5, "Unit"),
        ("code-unit", "Lines", 2, "Unit"),
        ("code-unit-package", "Lines", 3, "Unit"),
        ("code-unit-package", "Lines", 4, "Unit"),
    ]


def test_containers(tmp_path: Path) -> None:
    shipments = [
        shipment(**{"Container No": "CSQU3054384"}),
        shipment(**{"Shipment No": "SH-1001-2", "Container No": "CSQU3054383; ABC1234567"}),
        shipment(**{"Shipment No": "SH-1001-3", "Container No": "csqu 305438-3;MWCU6059784;"}),
    ]
    found = check(tmp_path / "book.xlsx", orders=[order()], lines=[line()], shipments=shipments)
    assert rows_of(found) == [
        ("code-container", "Shipments", 2, "Container No"),
        ("code-container", "Shipments", 3, "Container No"),
    ]
    messages = {f.value: f.message for f in found}
    assert messages["CSQU3054384"] == "Check digit should be 3."
    assert messages["ABC1234567"] == "Container numbers are 3 letters + U, J or Z + 7 digits."


def test_incoterm_unknown_but_not_retired(tmp_path: Path) -> None:
    orders = [order(Incoterm="XYZ"), order(**{"Order No": "PO-1002", "Incoterm": "DDU"})]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=[line(), line(**{"Order No": "PO-1002"})])
    assert rows_of(found) == [("code-incoterm", "Orders", 2, "Incoterm")]


def test_code_normalised_once_per_value_and_column(tmp_path: Path) -> None:
    orders = [
        lc_order(**{"Buyer Country": "China"}),
        order(**{"Order No": "PO-1002", "Buyer Country": "China"}),
    ]
    lines = [
        line(Unit="PCS", Origin="China"),
        line(Line=2, Unit="PCS"),
        line(Line=3, Unit="pcs"),
        line(**{"Order No": "PO-1002", "Unit": "PCS"}),
    ]
    found = [
        f for f in check(tmp_path / "book.xlsx", orders=orders, lines=lines) if f.code == "code-normalised"
    ]
    assert rows_of(found) == [
        ("code-normalised", "Lines", 2, "Origin"),
        ("code-normalised", "Lines", 2, "Unit"),
        ("code-normalised", "Lines", 4, "Unit"),
        ("code-normalised", "Orders", 2, "Buyer Country"),
    ]


def test_check_digit_worked_examples() -> None:
    assert container_check_digit("CSQU305438") == 3
    assert container_check_digit("MWCU605978") == 4
    assert LETTER_VALUES["A"] == 10 and LETTER_VALUES["B"] == 12 and LETTER_VALUES["L"] == 23
    assert LETTER_VALUES["U"] == 32 and LETTER_VALUES["V"] == 34 and LETTER_VALUES["Z"] == 38
    assert container_numbers(" csqu 305438-3 ;; MWCU6059784 ") == ["CSQU3054383", "MWCU6059784"]


OWNER = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)


@given(OWNER, st.sampled_from("UJZ"), st.integers(0, 999_999), st.integers(1, 9))
def test_exactly_one_check_digit_is_valid(owner: str, category: str, serial: int, shift: int) -> None:
    stem = f"{owner}{category}{serial:06d}"
    digit = container_check_digit(stem)
    assert judge_containers(f"{stem}{digit}") == []
    wrong = judge_containers(f"{stem}{(digit + shift) % 10}")
    assert [(v.code, v.fields) for v in wrong] == [("code-container", {"d": digit})]


@pytest.mark.parametrize("text", ["CSQU3054383", "MWCU6059784"])
def test_worked_examples_are_valid(text: str) -> None:
    assert container_check_digit(text) == int(text[-1])
