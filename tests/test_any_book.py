"""Books people made by hand (issue 11): any header spelling, any subset of columns, no rule crash.

The subset property builds one full book from the demo rows and, for random removals of
contract columns and sheets, zero-row sheets and shuffled columns, checks that `check` finishes
without an internal error and that every rule the reduced book still has the columns for finds
exactly what it finds on the full book, on the columns still present.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from helpers import TODAY, d, lc_order, line, order, rows_of, shipment, write_book
from sheetsync.actions.check import check_path
from sheetsync.book import Book
from sheetsync.contract import LINES, ORDERS, SHEETS, SHIPMENTS
from sheetsync.demo import demo_rows
from sheetsync.findings import Finding
from sheetsync.io.read.reader import read_book
from sheetsync.reporting.check_json import exit_status
from sheetsync.rules import engine
from sheetsync.rules.engine import REGISTRY, Context, Rule, run_rules
from sheetsync.rules.judge import check_book
from sheetsync.rules.normalise import normalise_book

Key = tuple[str, str, int | None, str | None]
BOOK_LEVEL = {"schema-header-missing", "schema-sheet-missing", "sheet-skipped", "sheet-duplicate"}


def renamed(rows: Iterable[Mapping[str, Any]], names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{names.get(k, k): v for k, v in r.items()} for r in rows]


def headers(sheet: Any, names: Mapping[str, str]) -> list[str]:
    return [names.get(c.header, c.header) for c in sheet.columns]


def findings(path: Path) -> list[Key]:
    report = check_path(path, TODAY)
    assert report.error is None
    return rows_of(report.findings)


# 1. Headers in any case, spacing and punctuation --------------------------------------------


def test_order_no_in_capitals_with_a_full_stop_is_order_no_on_every_sheet(tmp_path: Path) -> None:
    names = {"Order No": "ORDER NO."}
    orders = renamed([order(Incoterm="FCA")], names)
    lines = renamed([line(), line(Line=2), line(**{"Order No": "PO-9999"})], names)
    ships = renamed([shipment()], names)
    path = write_book(
        tmp_path / "b.xlsx", orders, lines, ships,
        headers={"Orders": headers(ORDERS, names), "Lines": headers(LINES, names),
                 "Shipments": headers(SHIPMENTS, names)},
    )  # fmt: skip
    assert findings(path) == [("schema-unknown-ref", "Lines", 4, "ORDER NO.")]


_GLUE = st.sampled_from(["", "", "", " ", "  ", ".", "-", "_", "/", "'", ":", "(", ")"])


@st.composite
def spelling(draw: st.DrawFn, header: str) -> str:
    """`header` in any case, with spaces and punctuation (never % or #) anywhere."""
    out = [draw(_GLUE)]
    for ch in header:
        if ch == " ":
            out.append(draw(st.sampled_from(["", " ", "_", ".", "-", "  "])))
            continue
        out.append(ch.upper() if draw(st.booleans()) else ch.lower())
        out.append(draw(_GLUE))
    written = "".join(out).strip()
    return written if any(c.isalnum() for c in written) else header


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_case_spacing_and_punctuation_maps_to_the_same_column(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    spelt = {
        s.name: {c.header: data.draw(spelling(c.header), label=f"{s.name}.{c.header}") for c in s.columns}
        for s in (ORDERS, LINES, SHIPMENTS)
    }
    path = tmp_path_factory.mktemp("spelling") / "b.xlsx"
    write_book(
        path, renamed([order()], spelt["Orders"]), renamed([line()], spelt["Lines"]),
        renamed([shipment()], spelt["Shipments"]),
        headers={s.name: headers(s, spelt[s.name]) for s in (ORDERS, LINES, SHIPMENTS)},
    )  # fmt: skip
    book = read_book(path)
    for s in (ORDERS, LINES, SHIPMENTS):
        sheet = book.sheets[s.name]
        written = spelt[s.name]
        assert {key: ref.header for key, ref in sheet.columns.items()} == {
            c.key: written[c.header].strip() for c in s.columns
        }
        assert sheet.extra_headers == []
    assert [f for f in book.findings if f.code.startswith("schema-header")] == []


def test_percent_and_hash_carry_meaning(tmp_path: Path) -> None:
    names = {"Insurance %": "Insurance", "Deposit %": "Deposit"}
    path = write_book(
        tmp_path / "b.xlsx", renamed([order()], names), [line()], headers={"Orders": headers(ORDERS, names)}
    )
    orders = read_book(path).sheets["Orders"]
    assert not orders.has("insurance_pct") and not orders.has("deposit_pct")
    assert orders.extra_headers == ["Deposit", "Insurance"]


def test_units_after_the_name_are_read_and_pounds_are_a_finding(tmp_path: Path) -> None:
    line_names = {"Net Weight kg": "N.W (kgs)", "Gross Weight kg": "G.W (KGS)", "Volume m3": "Volume (cbm)"}
    ship_names = {"Gross Weight kg": "Gross Weight (lbs)", "Volume m3": "Volume, m3"}
    path = write_book(
        tmp_path / "b.xlsx", [order(Incoterm="FCA")], renamed([line()], line_names),
        renamed([shipment(**{"Gross Weight kg": 1322.8})], ship_names),
        headers={"Lines": headers(LINES, line_names), "Shipments": headers(SHIPMENTS, ship_names)},
    )  # fmt: skip
    book = read_book(path)
    lines = book.sheets["Lines"].frame
    assert (lines.at[2, "net_kg"], lines.at[2, "gross_kg"], lines.at[2, "volume_m3"]) == (540.0, 600.0, 3.2)
    assert book.sheets["Shipments"].frame.at[2, "volume_m3"] == 3.2
    assert book.sheets["Shipments"].frame["gross_kg"].isna().all()
    unit = [f for f in check_path(path, TODAY).findings if f.sheet == "Shipments"]
    assert [(f.code, f.row, f.column, f.cell) for f in unit] == [
        ("schema-header-unit", 1, "Gross Weight (lbs)", "I1")
    ]
    assert "lb" in unit[0].message and "Gross Weight kg" in unit[0].message


# 1. A failing rule is one internal-error; the others run; exit status 2 ----------------------


def test_a_rule_that_raises_is_one_internal_error_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(book: Book, ctx: Context) -> list[Finding]:
        raise ZeroDivisionError("a bug in sheetsync")

    monkeypatch.setattr(
        engine, "REGISTRY", [Rule("broken", ("ship-weight",), ("Orders",), broken), *REGISTRY]
    )
    monkeypatch.setenv("SHEETSYNC_LOG_DIR", str(tmp_path / "logs"))
    path = write_book(tmp_path / "b.xlsx", [order(Incoterm="DDU")], [line()])
    report = check_path(path, TODAY)
    assert rows_of(report.findings) == [
        ("internal-error", "Orders", None, None),
        ("trade-incoterm-retired", "Orders", 2, "Incoterm"),
    ]
    error = next(f for f in report.findings if f.code == "internal-error")
    assert error.severity == "error" and error.cell is None
    assert "test_any_book (broken) checks failed (ZeroDivisionError)" in error.message
    log = Path(error.message.split("the log ")[1].rstrip("."))
    assert log.parent == tmp_path / "logs"
    assert "ZeroDivisionError: a bug in sheetsync" in log.read_text()
    assert exit_status([report]) == 2


# 2. Aliases mean the same thing -------------------------------------------------------------


def test_carrier_and_forwarder_are_two_columns(tmp_path: Path) -> None:
    ships = [shipment(Forwarder="Kuehne+Nagel")]
    names = list(ships[0])
    path = write_book(
        tmp_path / "b.xlsx", [order(Incoterm="FCA")], [line()], ships, headers={"Shipments": names}
    )
    assert findings(path) == []
    frame = read_book(path).sheets["Shipments"].frame
    assert (frame.at[2, "carrier"], frame.at[2, "forwarder"]) == ("Maersk", "Kuehne+Nagel")


def test_common_shorthand_maps_by_default(tmp_path: Path) -> None:
    order_names = {"Order No": "Order ID"}
    line_names = {"Order No": "PO Num", "Line": "Item No", "Unit Price": "Price Per Unit",
                  "Net Weight kg": "N.W (kgs)", "Gross Weight kg": "G.W (kgs)"}  # fmt: skip
    ship_names = {"Carrier": "Carrier Name", "Vessel / Flight": "Vessel Name"}
    path = write_book(
        tmp_path / "b.xlsx", renamed([order(Incoterm="FCA")], order_names), renamed([line()], line_names),
        renamed([shipment()], ship_names),
        headers={"Orders": headers(ORDERS, order_names), "Lines": headers(LINES, line_names),
                 "Shipments": headers(SHIPMENTS, ship_names)},
    )  # fmt: skip
    assert findings(path) == []
    book = read_book(path)
    assert all(not sd.extra_headers for sd in book.sheets.values())


def test_item_is_decided_by_its_cells(tmp_path: Path) -> None:
    # A purchase register: `Item #` is the line number, `Item` the goods description.
    register = {"Line": "Item #", "Description": "Item"}
    path = write_book(
        tmp_path / "a.xlsx",
        [order()],
        renamed([line()], register),
        headers={"Lines": headers(LINES, register)},
    )
    assert findings(path) == []
    lines = read_book(path).sheets["Lines"]
    assert (lines.columns["line"].header, lines.columns["description"].header) == ("Item #", "Item")
    # A book with `Item` as its only line-number column and numbers in it.
    numbered = {"Line": "Item"}
    path = write_book(
        tmp_path / "b.xlsx",
        [order()],
        renamed([line()], numbered),
        headers={"Lines": headers(LINES, numbered)},
    )
    assert findings(path) == []
    assert read_book(path).sheets["Lines"].columns["line"].header == "Item"
    # `Item` holding text beside a Line column is the description, not a second line number.
    text_item = {"Description": "Item"}
    lines_rows = renamed([line(), line(Line=2, Description="Linen cushion")], text_item)
    path = write_book(
        tmp_path / "c.xlsx", [order()], lines_rows, headers={"Lines": headers(LINES, text_item)}
    )
    assert findings(path) == []


# 3. A column nobody fills is one finding -----------------------------------------------------


def test_a_column_blank_on_every_row_is_one_finding_on_its_header(tmp_path: Path) -> None:
    lines = [line(Line=n, Cartons=None) for n in (1, 2, 3)]
    path = write_book(tmp_path / "b.xlsx", [order()], lines)
    report = check_path(path, TODAY)
    assert rows_of(report.findings) == [("schema-required", "Lines", 1, "Cartons")]
    (blank,) = report.findings
    assert (blank.cell, blank.value, blank.order) == ("K1", None, None)
    assert "blank on all 3 rows" in blank.message


def test_an_absent_conditionally_required_column_is_one_finding(tmp_path: Path) -> None:
    without = [
        {h: v for h, v in lc_order(**{"Order No": no}).items() if h != "L/C No"} for no in ("PO-1", "PO-2")
    ]
    lines = [line(**{"Order No": no}) for no in ("PO-1", "PO-2")]
    path = write_book(tmp_path / "b.xlsx", without, lines, headers={"Orders": list(without[0])})
    report = check_path(path, TODAY)
    assert rows_of(report.findings) == [("schema-required", "Orders", 1, "L/C No")]
    assert (report.findings[0].cell, report.findings[0].value) == (None, None)
    assert report.findings[0].message == "Fill L/C No: the column is absent; 2 rows that need it."


def test_a_column_blank_on_some_rows_keeps_its_cell_findings(tmp_path: Path) -> None:
    lines = [line(Line=1, Cartons=None), line(Line=2), line(Line=3, Cartons=None)]
    path = write_book(tmp_path / "b.xlsx", [order()], lines)
    assert findings(path) == [
        ("schema-required", "Lines", 2, "Cartons"),
        ("schema-required", "Lines", 4, "Cartons"),
    ]


def test_an_untracked_milestone_actual_is_one_finding_per_column(tmp_path: Path) -> None:
    closed = {"Status": "Closed", "Inspection Actual": None, "Inspection Plan": d("2026-10-22")}
    shipped = [order(**{"Order No": f"PO-{n}", **SHIPPED_ALL, **closed}) for n in (1, 2, 3)]
    lines = [line(**{"Order No": f"PO-{n}"}) for n in (1, 2, 3)]
    path = write_book(tmp_path / "b.xlsx", shipped, lines)
    found = [f for f in check_path(path, TODAY).findings if f.code == "milestone-actual-missing"]
    assert [(f.code, f.sheet, f.row, f.column, f.cell, f.value) for f in found] == [
        ("milestone-actual-missing", "Orders", 1, "Inspection Actual", "AG1", None)
    ]


SHIPPED_ALL: dict[str, Any] = {
    "Production End Plan": d("2026-10-20"), "Production End Actual": d("2026-10-20"),
    "Booking Confirmed Plan": d("2026-10-15"), "Booking Confirmed Actual": d("2026-10-15"),
    "Cargo Ready Plan": d("2026-10-25"), "Cargo Ready Actual": d("2026-10-25"),
    "ETD Plan": d("2026-10-30"), "ETD Actual": d("2026-10-30"),
    "ETA Plan": d("2026-11-20"), "ETA Actual": d("2026-11-20"),
    "Docs Sent Plan": d("2026-11-04"), "Docs Sent Actual": d("2026-11-04"),
    "Balance Received Plan": d("2026-11-21"), "Balance Received Actual": d("2026-11-21"),
}  # fmt: skip


def test_milestones_not_tracked_leave_every_milestone_rule(tmp_path: Path) -> None:
    late = order(**{"Production End Plan": d("2026-11-01"), "Inspection Plan": d("2026-11-02")})
    path = write_book(tmp_path / "a.xlsx", [late], [line()])
    assert findings(path) == [
        ("milestone-overdue", "Orders", 2, "Inspection Plan"),
        ("milestone-overdue", "Orders", 2, "Production End Plan"),
    ]
    path = write_book(
        tmp_path / "b.xlsx",
        [late],
        [line()],
        settings={"Milestones Not Tracked": "inspection, Production-End"},
    )
    assert findings(path) == []
    path = write_book(
        tmp_path / "c.xlsx", [late], [line()], settings={"Milestones Not Tracked": "Inspection, QC"}
    )
    assert ("schema-type", "Settings", 3, "Milestones Not Tracked") in findings(path)


def test_mark_highlights_the_header_cell_of_a_blank_column(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from sheetsync.cli import app

    path = write_book(tmp_path / "b.xlsx", [order()], [line(Line=n, Cartons=None) for n in (1, 2)])
    result = CliRunner().invoke(app, ["mark", str(path), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    wb = load_workbook(path)
    assert " ".join(str(cf.sqref) for cf in wb["Lines"].conditional_formatting) == "K1"


# 7. Books in the team's own words ------------------------------------------------------------


def _save(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def _table(sheet: Any, rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    names = [c.header for c in sheet.columns]
    return [names, *([r.get(h) for h in names] for r in rows)]


def test_sheet_names_with_a_year_are_read_and_other_sheets_are_listed(tmp_path: Path) -> None:
    path = _save(tmp_path / "b.xlsx", {
        "Orders 2024": _table(ORDERS, [order(Incoterm="FCA")]),
        "Orders 2023": _table(ORDERS, [order(Incoterm="DDU")]),
        "lines_2024": _table(LINES, [line()]),
        "Shipments 2024": _table(SHIPMENTS, [shipment()]),
        "Notes": [["call the buyer"]],
        "Settings": [["Today", d(TODAY.isoformat())]],
    })  # fmt: skip
    report = check_path(path, TODAY)
    assert rows_of(report.findings) == [
        ("sheet-duplicate", "Orders 2023", None, None),
        ("sheet-skipped", "Notes", None, None),
    ]
    skipped = {f.sheet: f.message for f in report.findings}
    assert "'Orders 2024' was read as Orders" in skipped["Orders 2023"]
    assert "Not a sheet sheetsync reads" in skipped["Notes"]


def test_column_map_on_lists_maps_a_teams_own_headers(tmp_path: Path) -> None:
    names = {"Order No": "Order Ref", "Coordinator": "Handled By"}
    path = _save(tmp_path / "b.xlsx", {
        "Orders": _table_named(ORDERS, [order()], names),
        "Lines": _table_named(LINES, [line()], {"Order No": "Order Ref"}),
        "Lists": [["Incoterms", None, "Map Sheet", "Header as Written", "Contract Column"],
                  ["FOB", None, None, "Order Ref", "order no"],
                  [None, None, "Orders", "Handled By", "Coordinator"],
                  [None, None, "Orders", "Priority", "Urgency"]],
        "Settings": [["Today", d(TODAY.isoformat())]],
    })  # fmt: skip
    report = check_path(path, TODAY)
    assert rows_of(report.findings) == [("column-map-unknown", "Lists", 4, "Contract Column")]
    assert report.findings[0].cell == "E4"
    book = read_book(path)
    assert book.sheets["Orders"].columns["coordinator"].header == "Handled By"
    assert book.sheets["Lines"].columns["order_no"].header == "Order Ref"


def _table_named(sheet: Any, rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> list[list[Any]]:
    table = _table(sheet, rows)
    return [[names.get(h, h) for h in table[0]], *table[1:]]


def test_no_header_row_names_the_likeliest_row_and_the_nearest_columns(tmp_path: Path) -> None:
    path = _save(tmp_path / "b.xlsx", {
        "Orders": [["order_ref", "order_ts", "vendor_id", "buyer_name"], ["A-1", 1, 2, "X"]],
        "Lines": _table(LINES, [line()]),
    })  # fmt: skip
    report = check_path(path, TODAY)
    missing = next(f for f in report.findings if f.code == "schema-header-missing" and f.sheet == "Orders")
    assert "Row 1 looks most like one" in missing.message
    assert "order_ref (nearest: Order No" in missing.message
    assert "Column Map" in missing.message


# 1. Any subset of columns and sheets: the rules that can run find the same -------------------

REMOVABLE = [(s.name, c.key) for s in (ORDERS, LINES, SHIPMENTS) for c in s.columns]


def _full_rows() -> dict[str, list[dict[str, Any]]]:
    data = demo_rows(40, 11, TODAY, messy=False)
    for row in data.lines:
        if row.get("Amount") is None and row.get("Quantity") and row.get("Unit Price") is not None:
            row["Amount"] = round(float(row["Quantity"]) * float(row["Unit Price"]), 2)
    return {"Orders": data.orders, "Lines": data.lines, "Shipments": data.shipments}


FULL_ROWS = _full_rows()


def _write(path: Path, drop: set[tuple[str, str]], gone: set[str], empty: set[str], seed: int) -> Path:
    rng = random.Random(seed)
    sheets: dict[str, list[list[Any]]] = {}
    for name, rows in FULL_ROWS.items():
        if name in gone:
            continue
        names = [c.header for c in SHEETS[name].columns if (name, c.key) not in drop]
        if seed:
            rng.shuffle(names)
        sheets[name] = [names, *([r.get(h) for h in names] for r in rows if name not in empty)]
    sheets["Settings"] = [["Today", d(TODAY.isoformat())]]
    return _save(path, sheets)


def _by_rule(book: Book) -> dict[str, list[Key]]:
    """Each applicable rule's findings on `book` (aliases resolved first), as (code, sheet, row, column)."""
    found: dict[str, list[Key]] = {"reader": rows_of(f for f in book.findings if f.code not in BOOK_LEVEL)}
    found["normalise"] = rows_of(normalise_book(book))
    ctx = Context(today=TODAY)
    for r in REGISTRY:
        # A rule reading an optional sheet when there is one falls back without it: not comparable.
        fallback = any(book.get(need.split(".")[0]) is None for need in r.optional)
        if r.applies(book) and not fallback:
            found[r.name] = rows_of(run_rules(book, ctx, [r]))
    return found


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Key]]:
    path = _write(tmp_path_factory.mktemp("full") / "full.xlsx", set(), set(), set(), 0)
    book = read_book(path)
    assert not [f for f in check_book(book, TODAY) if f.code == "internal-error"]
    return _by_rule(read_book(path))


def _present(book: Book, key: Key) -> bool:
    _, sheet, _, column = key
    sd = next((s for s in book.sheets.values() if s.name == sheet), None)
    return sd is not None and (column is None or any(ref.header == column for ref in sd.columns.values()))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    drop=st.sets(st.sampled_from(REMOVABLE), max_size=25),
    gone=st.sets(st.sampled_from(["Orders", "Lines", "Shipments"]), max_size=2),
    empty=st.sets(st.sampled_from(["Orders", "Lines", "Shipments"]), max_size=1),
    seed=st.integers(0, 1000),
)
def test_any_subset_of_columns_and_sheets_finds_the_same_on_what_is_left(
    tmp_path_factory: pytest.TempPathFactory,
    full: dict[str, list[Key]],
    drop: set[tuple[str, str]],
    gone: set[str],
    empty: set[str],
    seed: int,
) -> None:
    path = _write(tmp_path_factory.mktemp("subset") / "b.xlsx", drop, gone, empty - gone, seed)
    report = check_path(path, TODAY)
    assert report.error is None
    assert not [f for f in report.findings if f.code == "internal-error"], report.findings
    if empty - gone:
        return  # rows gone: findings may differ (a Lines row's order is unknown); it must finish
    book = read_book(path)
    for rule, found in _by_rule(book).items():
        expected = [k for k in full.get(rule, []) if _present(book, k)]
        assert [k for k in found if _present(book, k)] == expected, rule


def test_the_subset_property_sees_findings_of_every_family(full: dict[str, list[Key]]) -> None:
    families = {k[0].split("-")[0] for found in full.values() for k in found}
    assert {"schema", "code", "calc", "ship", "trade", "lc", "milestone"} <= families


def test_the_template_offers_the_column_map_and_milestones_not_tracked(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from sheetsync.cli import app

    path = tmp_path / "new.xlsx"
    result = CliRunner().invoke(app, ["new", str(path)])
    assert result.exit_code == 0, result.output
    assert "Column Map" in " ".join(result.output.split())
    wb = load_workbook(path)
    assert "Milestones Not Tracked" in [row[0].value for row in wb["Settings"].iter_rows()]
    lists = [[c.value for c in row] for row in wb["Lists"].iter_rows(max_row=3)]
    assert lists[0][-3:] == ["Map Sheet", "Header as Written", "Contract Column"]
    assert lists[1][-3:] == ["Orders", "Handled By", "Coordinator"]
    assert check_path(path, TODAY).findings == []


def test_a_reader_failure_is_sheetsyncs_not_a_damaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sheetsync.io.read import reader

    def broken(path: Path, fast: bool = True) -> Book:
        raise KeyError("a bug in the reader")

    monkeypatch.setattr(reader, "read_book", broken)
    monkeypatch.setenv("SHEETSYNC_LOG_DIR", str(tmp_path / "logs"))
    path = write_book(tmp_path / "b.xlsx", [order()], [line()])
    report = check_path(path, TODAY)
    assert report.error is None
    assert rows_of(report.findings) == [("internal-error", "", None, None)]
    message = report.findings[0].message
    assert f"sheetsync failed reading {path} (KeyError)" in message and "damaged" not in message
    assert "a bug in the reader" in Path(message.split("the log ")[1].rstrip(".")).read_text()
    assert exit_status([report]) == 2
