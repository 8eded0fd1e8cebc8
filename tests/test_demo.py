"""The demo book: deterministic, realistic, its mistakes all found, its clean rows quiet."""

from __future__ import annotations

import datetime as dt
import string
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from helpers import TODAY, rows_of
from sheetsync.actions.check import check_path
from sheetsync.cli import app
from sheetsync.contract.codelists import MILESTONE_SEQUENCE
from sheetsync.demo import DemoData, demo_rows, write_demo
from sheetsync.rules.ports.match import resolve_port

ALL_CODES = {
    "calc-line-amount", "calc-gross-lt-net", "trade-incoterm-retired", "trade-incoterm-mode",
    "trade-insurance-low", "code-container", "code-country", "code-currency", "schema-duplicate-key",
    "schema-unknown-ref", "lc-amount-exceeded", "lc-shipment-late", "lc-shipment-at-risk",
    "milestone-overdue", "milestone-out-of-sequence", "ship-packages", "schema-type",
    "schema-date-ambiguous", "schema-date-placeholder",
}  # fmt: skip


def iso6346_valid(number: str) -> bool:
    """An independent ISO 6346 check (RULES.md §10): letters skip multiples of 11."""
    values = [v for v in range(10, 39) if v % 11][:26]
    letter = dict(zip(string.ascii_uppercase, values, strict=True))
    if len(number) != 11 or not number[:4].isalpha() or number[3] not in "UJZ" or not number[4:].isdigit():
        return False
    total = sum((letter[c] if c.isalpha() else int(c)) * 2**i for i, c in enumerate(number[:10]))
    return total % 11 % 10 == int(number[10])


def as_date(value: object) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else None


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return demo_rows(60, 7, TODAY)


@pytest.fixture(scope="module")
def clean() -> DemoData:
    return demo_rows(400, 3, TODAY, mistakes=False, messy=False)


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory, demo: DemoData) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "orders.xlsx", demo)


def test_same_seed_same_rows_other_seed_other_rows(demo: DemoData) -> None:
    again = demo_rows(60, 7, TODAY)
    assert (again.orders, again.lines, again.shipments, again.injected) == (
        demo.orders, demo.lines, demo.shipments, demo.injected,
    )  # fmt: skip
    assert demo_rows(60, 8, TODAY).orders != demo.orders


def test_iso6346_oracle_agrees_with_rules_md() -> None:
    assert iso6346_valid("CSQU3054383") and iso6346_valid("MWCU6059784")
    assert not iso6346_valid("CSQU3054384")


def test_clean_containers_pass_iso6346(clean: DemoData) -> None:
    numbers = [n for s in clean.shipments if s["Container No"] for n in str(s["Container No"]).split(";")]
    assert len(numbers) > 50
    assert [n for n in numbers if not iso6346_valid(n)] == []


def test_clean_ports_are_real_locodes_and_places_name_them(clean: DemoData) -> None:
    for o in clean.orders:
        for header in ("Port of Loading", "Port of Discharge"):
            code = str(o[header])
            assert resolve_port(code) == code, code  # a LOCODE of the loaded UN/LOCODE data
        if o["Incoterm"] in ("FOB", "CIF"):
            port = o["Port of Loading"] if o["Incoterm"] == "FOB" else o["Port of Discharge"]
            assert resolve_port(str(o["Incoterm Place"])) == port, o["Incoterm Place"]


def test_clean_milestones_in_sequence_and_none_overdue(clean: DemoData) -> None:
    for o in clean.orders:
        for part in ("Plan", "Actual"):
            for a, b in MILESTONE_SEQUENCE:
                da, db = as_date(o.get(f"{a} {part}")), as_date(o.get(f"{b} {part}"))
                assert da is None or db is None or da <= db, (o["Order No"], part, a, b)
        for header, value in o.items():
            if header.endswith(" Plan") and (plan := as_date(value)) and plan < TODAY:
                actual = as_date(o.get(header.replace(" Plan", " Actual")))
                assert actual is not None and actual <= TODAY, (o["Order No"], header)


def test_clean_shipments_carry_the_order_cartons_and_weight(clean: DemoData) -> None:
    cartons: Counter[object] = Counter()
    gross: defaultdict[object, float] = defaultdict(float)
    for line in clean.lines:
        cartons[line["Order No"]] += int(str(line["Cartons"]))
        gross[line["Order No"]] += float(str(line["Gross Weight kg"]))
        assert float(str(line["Gross Weight kg"])) >= float(str(line["Net Weight kg"]))
    packages: Counter[object] = Counter()
    for s in clean.shipments:
        packages[s["Order No"]] += int(str(s["Packages"]))
        gross[s["Order No"]] -= float(str(s["Gross Weight kg"]))
    assert packages and all(packages[o] == cartons[o] for o in packages)
    assert all(abs(gross[o]) < 0.05 for o in packages)


def test_realistic_mix(clean: DemoData) -> None:
    orders = clean.orders
    lc = [o for o in orders if str(o["Payment Terms"]).startswith("L/C")]
    assert 0.2 < len(lc) / len(orders) < 0.4
    assert all(float(str(o["L/C Amount"])) >= 1 for o in lc)
    assert {o["Insurance %"] for o in orders if o["Incoterm"] in ("CIF", "CIP")} == {110}
    statuses = Counter(o["Status"] for o in orders)
    assert set(statuses) == {"Open", "Sampling", "In production", "Ready", "Shipped", "Closed", "Cancelled"}
    per_order = Counter(s["Order No"] for s in clean.shipments)
    assert 0.04 < sum(1 for n in per_order.values() if n == 2) / len(per_order) < 0.2
    assert 2.5 < len(clean.lines) / len(orders) < 3.5
    assert {o["Currency"] for o in orders} == {"USD", "EUR", "GBP", "JPY"}


def test_written_amounts_are_quantity_times_price(tmp_path: Path) -> None:
    data = demo_rows(40, 5, TODAY, mistakes=False, messy=False)
    book = CalamineWorkbook.from_path(str(write_demo(tmp_path / "clean.xlsx", data)))
    header, *rows = book.get_sheet_by_name("Lines").to_python()
    col = {h: i for i, h in enumerate(header)}
    assert len(rows) == len(data.lines)
    for r in rows:
        assert r[col["Amount"]] == pytest.approx(r[col["Quantity"]] * r[col["Unit Price"]], abs=0.005)


def test_every_mistake_kind_is_injected(demo: DemoData) -> None:
    assert {i.code for i in demo.injected} == ALL_CODES
    assert len(demo.injected) == 20


def test_layout_quirks_are_in_the_file(demo_book: Path, demo: DemoData) -> None:
    wb = load_workbook(demo_book)
    orders, lines = wb["Orders"], wb["Lines"]
    assert orders["A1"].value and orders["A3"].value == "Order No" and orders["B3"].value == "Order Date"
    assert orders.tables["Orders"].ref == f"A3:AY{3 + len(demo.orders)}"
    assert orders.freeze_panes == "B4"
    assert {str(dv.sqref) for dv in orders.data_validations.dataValidation} >= {"G4:G1048576"}
    names = [c.name for c in lines.tables["Lines"].tableColumns]
    assert names[0] == lines["A1"].value == "PO No" and "Ctns" in names and "Cartons" not in names


def test_check_finds_every_injected_mistake_and_nothing_else(demo_book: Path, demo: DemoData) -> None:
    report = check_path(demo_book)
    assert report.error is None
    expected = sorted((i.code, i.sheet, i.row, i.column) for i in demo.injected)
    found = rows_of(report.findings)
    assert [e for e in expected if e not in found] == []
    loud = rows_of(f for f in report.findings if f.severity.value != "info")
    informational = {"schema-date-placeholder"}
    assert loud == rows_of(
        {"code": c, "sheet": s, "row": r, "column": col}
        for c, s, r, col in expected
        if c not in informational
    )


@pytest.mark.parametrize(("orders", "seed", "messy"), [(300, 11, True), (200, 12, False)])
def test_clean_books_give_no_error_or_warning(tmp_path: Path, orders: int, seed: int, messy: bool) -> None:
    data = demo_rows(orders, seed, TODAY, mistakes=False, messy=messy)
    report = check_path(write_demo(tmp_path / "clean.xlsx", data))
    assert report.error is None
    assert rows_of(f for f in report.findings if f.severity.value != "info") == []


def test_cli_writes_the_demo_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out" / "orders.xlsx"
    runner = CliRunner()
    first = runner.invoke(app, ["demo", str(target), "--orders", "60", "--today", "2026-11-25"])
    assert first.exit_code == 0, first.output
    assert "61 orders" in first.output and "24 mistakes" in first.output
    before = target.read_bytes()
    again = runner.invoke(app, ["demo", str(target), "--orders", "10"])
    assert again.exit_code == 2 and target.read_bytes() == before
    forced = runner.invoke(app, ["demo", str(target), "--orders", "10", "--force", "--today", "2026-11-25"])
    assert forced.exit_code == 0 and target.read_bytes() != before
