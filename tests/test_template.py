"""The standard workbook template: built from the contract, deterministic, fillable, recalculable."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from helpers import TODAY, d, lc_order, line, order, rows_of, shipment
from sheetsync.actions.check import check_path
from sheetsync.cli import app
from sheetsync.contract import LINES, ORDERS, SETTINGS, TABLE_SHEETS, codelists
from sheetsync.contract.ports_data import DEFAULT_PORT_ALIASES, MAJOR_PORTS
from sheetsync.contract.sheets import COLUMN_MAP_HEADERS, RATES_HEADERS
from sheetsync.workbook.lists import defined_name, list_columns, list_name
from sheetsync.workbook.template import build_template

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workbook_templates" / "order_tracker.xlsx"


def _line(**overrides: Any) -> dict[str, Any]:
    """A clean line without its Amount, so that the template writes the formula."""
    row = line(**overrides)
    if "Amount" not in overrides and "amount" not in overrides:
        row.pop("Amount")
    return row


def snapshot(path: Path) -> dict[str, Any]:
    """Everything a user sees in a workbook, as plain data: cells, formats, dropdowns, tables, names."""
    wb = openpyxl.load_workbook(path)
    shot: dict[str, Any] = {"names": {n: v.attr_text for n, v in wb.defined_names.items()}}
    for ws in wb:
        shot[ws.title] = {
            "cells": [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()],
            "freeze": ws.freeze_panes,
            "widths": {(v.min, v.max): (v.width, v.number_format) for v in ws.column_dimensions.values()},
            "validations": sorted(
                (str(v.sqref), v.type, v.formula1, v.errorStyle, v.promptTitle, v.prompt)
                for v in ws.data_validations.dataValidation
            ),
            "tables": {t.name: (t.ref, t.tableStyleInfo.name, _table_columns(t)) for t in ws.tables.values()},
        }
    return shot


def _table_columns(table: Any) -> list[tuple[str, str | None]]:
    return [
        (c.name, c.calculatedColumnFormula and c.calculatedColumnFormula.attr_text)
        for c in table.tableColumns
    ]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("template") / "order_tracker.xlsx")


def test_committed_template_equals_a_fresh_build(fresh: Path) -> None:
    assert snapshot(COMMITTED) == snapshot(fresh)


def test_two_builds_are_identical_to_the_byte(fresh: Path, tmp_path: Path) -> None:
    again = build_template(tmp_path / "again.xlsx")
    assert again.read_bytes() == fresh.read_bytes()


def test_every_contract_column_has_its_header_format_width_and_dropdown(fresh: Path) -> None:
    wb = openpyxl.load_workbook(fresh)
    assert wb.sheetnames == ["Orders", "Lines", "Shipments", "Documents", "Lists", "Settings"]
    for sheet in TABLE_SHEETS:
        ws = wb[sheet.name]
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
        assert all(c.font.b for c in ws[1])
        table = ws.tables[str(sheet.table)]
        assert table.ref == f"A1:{get_column_letter(len(sheet.columns))}2"
        dropdowns = {str(v.sqref): v for v in ws.data_validations.dataValidation}
        for i, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(i)
            (dim,) = [c for c in ws.column_dimensions.values() if c.min <= i <= c.max]
            assert dim.width == pytest.approx(column.width, abs=1)
            assert dim.number_format == (column.number_format or "General")
            rule = dropdowns.pop(f"{letter}2:{letter}1048576", None)
            if column.codelist:
                assert rule is not None, (sheet.name, column.header)
                assert (rule.type, rule.formula1, rule.errorStyle) == (
                    "list",
                    list_name(column.codelist),
                    "warning",
                )
                assert rule.promptTitle == column.header and rule.prompt
        assert dropdowns == {}
    assert wb["Orders"].freeze_panes == "B2"
    assert wb["Lines"].freeze_panes == "A2"


def test_the_dropdowns_asked_for_are_there(fresh: Path) -> None:
    wb = openpyxl.load_workbook(fresh)

    def sources(name: str) -> dict[str, str]:
        ws = wb[name]
        return {str(ws.cell(1, _col(v.sqref)).value): v.formula1 for v in ws.data_validations.dataValidation}

    assert sources("Orders") == {
        "Buyer Country": "List_Countries", "Incoterm": "List_Incoterms",
        "Transport Mode": "List_TransportModes", "Port of Loading": "List_Ports",
        "Port of Discharge": "List_Ports", "Currency": "List_Currencies",
        "Payment Terms": "List_PaymentTerms", "Status": "List_Statuses",
    }  # fmt: skip
    assert sources("Lines") == {"Origin": "List_Countries", "Unit": "List_Units"}
    assert sources("Documents") == {"Type": "List_DocumentTypes"}


def _col(sqref: Any) -> int:
    letters = re.match(r"[A-Z]+", str(sqref))
    assert letters is not None
    return openpyxl.utils.column_index_from_string(letters.group(0))


def test_lists_hold_the_code_lists_behind_their_defined_names(fresh: Path) -> None:
    wb = openpyxl.load_workbook(fresh)
    ws = wb["Lists"]
    expected = list_columns()
    assert [c.value for c in ws[1]] == [*expected, None, *COLUMN_MAP_HEADERS, None, *RATES_HEADERS]
    for header, values in expected.items():
        sheet, _, ref = wb.defined_names[defined_name(header)].attr_text.partition("!")
        cells = [c.value for row in ws[ref.replace("$", "")] for c in row]
        if header not in ("Port Alias", "LOCODE"):
            assert (sheet, cells) == ("Lists", list(values))
    assert len(expected["Incoterms"]) == 11
    assert "USD" in expected["Currencies"] and "CN" in expected["Countries"]
    assert expected["Units"][0] == "H87"
    alias_ref = wb.defined_names["List_PortAliases"].attr_text.split("!")[1].replace("$", "")
    aliases = [c.value for row in ws[alias_ref] for c in row]
    assert dict(zip(aliases[0::2], aliases[1::2], strict=True)) == DEFAULT_PORT_ALIASES


def test_port_table_is_well_formed() -> None:
    assert len(DEFAULT_PORT_ALIASES) >= 60
    countries = set(codelists.country_codes())
    for code, name in MAJOR_PORTS.items():
        assert re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", code) and code[:2] in countries and name
    assert set(DEFAULT_PORT_ALIASES.values()) == set(MAJOR_PORTS)
    assert DEFAULT_PORT_ALIASES["Shanghai"] == "CNSHA" and DEFAULT_PORT_ALIASES["Istanbul"] == "TRAMR"


def test_settings_sheet_has_defaults_explanations_and_a_date_order_dropdown(
    fresh: Path, tmp_path: Path
) -> None:
    ws = openpyxl.load_workbook(fresh)["Settings"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["Setting", "Value", "Explanation"]
    assert rows[1:] == [[k, None if v in ("", None) else v, text] for k, v, text in SETTINGS]
    (rule,) = ws.data_validations.dataValidation
    assert (str(rule.sqref), rule.formula1) == ("B6", '"DMY,MDY"')
    filled = build_template(
        tmp_path / "s.xlsx", settings={"Date Order": "MDY", "Today": dt.date(2026, 11, 25)}
    )
    values = {r[0].value: r[1] for r in openpyxl.load_workbook(filled)["Settings"].iter_rows(min_row=2)}
    assert values["Date Order"].value == "MDY"
    assert (values["Today"].value, values["Today"].number_format) == (d("2026-11-25"), "yyyy-mm-dd")
    with pytest.raises(ValueError, match="Unknown setting"):
        build_template(tmp_path / "bad.xlsx", settings={"Date Format": "DMY"})


def test_filled_rows_are_typed_and_amount_is_a_formula_unless_given(tmp_path: Path) -> None:
    rows = {
        "Orders": [
            order(),
            {"order_no": "PO-2", "order_date": dt.date(2026, 3, 4), "buyer": " A & B <Ltd> "},
        ],
        "Lines": [
            _line(),
            _line(Line=2, Amount=99.5),
            {"order_no": "PO-2", "quantity": "1,000", "unit_price": 2},
        ],
    }
    path = build_template(tmp_path / "filled.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    orders, lines = wb["Orders"], wb["Lines"]
    assert orders.tables["Orders"].ref == "A1:AY3" and lines.tables["Lines"].ref == "A1:O4"
    assert (orders["B3"].value, orders["B3"].number_format) == (d("2026-03-04"), "yyyy-mm-dd")
    assert orders["C3"].value == " A & B <Ltd> "
    formula = '=IFERROR(Lines[[#This Row],[Quantity]]*Lines[[#This Row],[Unit Price]],"")'
    assert [lines[f"J{r}"].value for r in (2, 3, 4)] == [formula, 99.5, formula]
    assert (lines["G4"].value, lines["E2"].value, lines["E2"].data_type) == ("1,000", "6304.92", "s")
    cached = openpyxl.load_workbook(path, data_only=True)["Lines"]
    assert [cached[f"J{r}"].value for r in (2, 3, 4)] == [4200, 99.5, None]  # "" (a #VALUE! caught)


def test_text_is_never_turned_into_a_formula_and_bad_input_is_refused(tmp_path: Path) -> None:
    path = build_template(tmp_path / "t.xlsx", {"Orders": [{"Order No": "=1+1", "Buyer": "x\x01y_x0041_"}]})
    ws = openpyxl.load_workbook(path)["Orders"]
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    cells = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name("Orders").to_python()
    assert cells[1][2] == "x\x01y_x0041_"  # control character and literal _x0041_ survive
    for rows, error in [
        ({"Orders": [{"Order Nr": "PO-1"}]}, ValueError),
        ({"Sheet9": []}, ValueError),
        ({"Orders": [{"Order No": object()}]}, TypeError),
        ({"Orders": [{"Deposit %": float("nan")}]}, ValueError),
    ]:
        with pytest.raises(error):
            build_template(tmp_path / "bad.xlsx", rows)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"user data")
    with pytest.raises(FileExistsError):
        build_template(target)
    assert target.read_bytes() == b"user data"
    build_template(target, force=True)
    assert openpyxl.load_workbook(target).sheetnames[0] == "Orders"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_blank_template_reads_clean(fresh: Path) -> None:
    report = check_path(fresh, TODAY)
    assert (report.error, rows_of(report.findings)) == (None, [])


def test_template_filled_with_clean_rows_reads_clean_and_a_typed_amount_is_caught(tmp_path: Path) -> None:
    rows = {
        "Orders": [order(Incoterm="FCA"), lc_order(**{"Order No": "PO-1002"})],  # FCA: containers are fine
        "Lines": [_line(), _line(**{"Order No": "PO-1002"})],
        "Shipments": [shipment()],
    }
    clean = build_template(tmp_path / "clean.xlsx", rows, {"Today": TODAY})
    assert rows_of(check_path(clean, TODAY).findings) == []
    rows["Lines"] = [_line(), _line(**{"Order No": "PO-1002", "Amount": 4000})]
    wrong = build_template(tmp_path / "wrong.xlsx", rows, {"Today": TODAY})
    assert rows_of(check_path(wrong, TODAY).findings) == [("calc-line-amount", "Lines", 3, "Amount")]


def test_many_rows_stretch_the_tables(tmp_path: Path) -> None:
    lines = [_line(Line=i + 1, Quantity=i) for i in range(5000)]
    path = build_template(tmp_path / "big.xlsx", {"Orders": [order()], "Lines": lines})
    wb = openpyxl.load_workbook(path, read_only=False, data_only=True)
    ws = wb["Lines"]
    assert ws.tables["Lines"].ref == "A1:O5001" and ws.max_row == 5001
    assert (ws["B5001"].value, ws["J5001"].value) == (5000, 4999 * 3.5)


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_amount_formula(soffice: Path, tmp_path: Path) -> None:
    lines = [_line(), _line(Line=2, Quantity=3, **{"Unit Price": 1.1}), _line(Line=3, Quantity=0.5, Amount=7)]
    source = build_template(tmp_path / "calc.xlsx", {"Orders": [order()], "Lines": lines})
    out = tmp_path / "out"
    subprocess.run(
        [str(soffice), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    ws = openpyxl.load_workbook(out / "calc.xlsx", data_only=True)["Lines"]
    assert [ws[f"J{r}"].value for r in (2, 3, 4)] == pytest.approx([4200, 3.3, 7])
    formulas = openpyxl.load_workbook(out / "calc.xlsx")["Lines"]
    assert str(formulas["J3"].value).startswith("=IFERROR(")


def test_cli_new_writes_the_template_and_refuses_to_overwrite(tmp_path: Path, fresh: Path) -> None:
    target = tmp_path / "sub" / "book.xlsx"
    first = CliRunner().invoke(app, ["new", str(target)])
    assert first.exit_code == 0, first.output
    assert "Wrote" in first.output and "Orders, Lines, Shipments, Documents" in first.output
    assert snapshot(target) == snapshot(fresh)
    target.write_bytes(b"keep me")
    second = CliRunner().invoke(app, ["new", str(target)])
    assert second.exit_code == 2 and target.read_bytes() == b"keep me"
    assert CliRunner().invoke(app, ["new", str(target), "--force"]).exit_code == 0
    assert openpyxl.load_workbook(target).sheetnames[:2] == [ORDERS.name, LINES.name]
