"""sheetsync upgrade: a book made before contract v1.1 gains what v1.1 adds, and nothing else changes.

The v1.0 book is the template as `sheetsync new` wrote it before v1.1: built here by the same
template code with the v1.1 columns, Settings keys and Lists tables taken out of the contract.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

import handmade
from helpers import line, order, rows_of, shipment, write_book
from sheetsync.actions.check import check_path
from sheetsync.actions.generate import generate_file
from sheetsync.actions.upgrade import upgrade_file
from sheetsync.cli import app
from sheetsync.contract import DOCUMENTS, LINES, ORDERS, SETTINGS, SHIPMENTS, Sheet
from sheetsync.edits import AddColumns, AddRows
from sheetsync.findings import FileError
from sheetsync.io.guard.xml_guard import column_number
from sheetsync.io.ooxml import grow
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.read.reader import read_book
from sheetsync.workbook import lists, template
from sheetsync.workbook.upgrade import template_lists_tables
from test_package_writer import libreoffice_copy, parts

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
NEW_COLUMNS = {
    "Orders": ["Buyer Address", "Consignee Address", "Notify Address", "Shipping Marks", "L/C Issue Date",
               "Issuing Bank"],
    "Shipments": ["Forwarder", "Consignee", "Port of Discharge"],
    "Documents": ["Revision", "Issued", "Superseded"],
}  # fmt: skip
NEW_SETTINGS = ["Exporter Bank", "Signatory", "Doc No Series", "Base Currency", "Store View"]
SHEETS = {"Orders": ORDERS, "Lines": LINES, "Shipments": SHIPMENTS, "Documents": DOCUMENTS}


def _older(sheet: Sheet) -> Sheet:
    gone = set(NEW_COLUMNS.get(sheet.name, ()))
    return dataclasses.replace(sheet, columns=tuple(c for c in sheet.columns if c.header not in gone))


def v10_book(path: Path, monkeypatch: pytest.MonkeyPatch, **rows: list[dict[str, Any]]) -> Path:
    """The template without what v1.1 added: columns, Settings keys, and every Lists table but the
    code lists (the Column Map, and any later one: cut out of the Lists sheet's cells)."""
    with monkeypatch.context() as m:
        m.setattr(template, "TABLE_SHEETS", tuple(_older(s) for s in SHEETS.values()))
        m.setattr(lists, "SETTINGS", tuple(s for s in SETTINGS if s[0] not in NEW_SETTINGS))
        given = {
            k.capitalize(): [
                {h: x for h, x in r.items() if h not in NEW_COLUMNS.get(k.capitalize(), ())} for r in v
            ]
            for k, v in rows.items()
        }
        template.build_template(path, given)
    return _without_lists_tables(path)


def _without_lists_tables(path: Path) -> Path:
    """Drop the Lists cells right of the code lists and the port table (past their blank column)."""
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info)) for info in z.infolist()]
    first = len(lists.list_columns()) + 1  # 0-based: the first column after the code lists' gap

    def kept(m: re.Match[bytes]) -> bytes:
        return m.group() if column_number(m.group(1).decode()) - 1 < first else b""

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet5.xml":  # Lists
                data = re.sub(rb'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>)', kept, data, flags=re.S)
            z.writestr(info, data)
    return path


@pytest.fixture
def old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return v10_book(
        tmp_path / "old.xlsx", monkeypatch, orders=[order()], lines=[line()], shipments=[shipment()]
    )


def headers(path: Path, sheet: str, row: int = 1) -> list[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(path)[sheet]
    return [c.value for c in ws[row]]


def test_a_v10_book_gains_what_v11_adds_and_every_other_part_is_kept(old: Path, tmp_path: Path) -> None:
    assert all(
        not read_book(old).sheets[s].has(c.lower().replace(" ", "_"))
        for s, c in [("Orders", "Buyer Address")]
    )
    out = tmp_path / "new.xlsx"
    done = upgrade_file(old, out)
    assert done.plan.left == []
    before, after = parts(old), parts(out)
    changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    # Orders, Shipments, Documents and their Tables; Lists; Settings — nothing else.
    sheets = {f"xl/worksheets/sheet{n}.xml" for n in (1, 3, 4, 5, 6)}
    assert changed == sheets | {f"xl/tables/table{n}.xml" for n in (1, 3, 4)}
    book = read_book(out)
    for sheet, added in NEW_COLUMNS.items():
        data = book.sheets[sheet]
        assert [data.header(c.key) for c in data.contract.columns if c.header in added] == added
        assert headers(out, sheet)[-len(added) :] == added
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(out)
    assert wb["Orders"].tables["Orders"].ref == "A1:AY2"
    assert [c.name for c in wb["Orders"].tables["Orders"].tableColumns][-6:] == NEW_COLUMNS["Orders"]
    assert wb["Orders"].tables["Orders"].autoFilter.ref == "A1:AY2"
    assert wb["Orders"]["AT1"].style_id == wb["Orders"]["AS1"].style_id  # styled like its neighbour
    assert wb["Orders"].column_dimensions["AX"].width == pytest.approx(12)  # L/C Issue Date: a date column
    settings = {r[0].value: r[1].value for r in wb["Settings"].iter_rows(min_row=2) if r[0].value}
    assert [k for k in settings if k in NEW_SETTINGS] == NEW_SETTINGS
    assert list(settings) == [k for k, _, _ in SETTINGS]
    blocks = template_lists_tables()
    assert [a.split(": ", 1)[1] for a in done.plan.added if a.startswith("Lists")] == [
        ", ".join(b) for b in blocks
    ]
    lists_row = [c.value for c in wb["Lists"][1]]
    for block in blocks:
        at = lists_row.index(block[0])
        assert tuple(lists_row[at : at + len(block)]) == block
        assert lists_row[at - 1] is None  # one blank column apart
    assert rows_of(check_path(out).findings) == rows_of(check_path(old).findings)


def test_the_new_columns_are_read_and_documents_use_them(old: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.xlsx"
    upgrade_file(old, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Orders"]
    columns = {c.value: c.column for c in ws[1]}
    ws.cell(2, columns["Shipping Marks"]).value = "NORDIC/PO-1001"
    ws.cell(2, columns["L/C Issue Date"]).value = dt.datetime(2026, 9, 3)
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    frame = read_book(typed).sheets["Orders"].frame
    assert frame.loc[2, "shipping_marks"] == "NORDIC/PO-1001"
    assert frame.loc[2, "lc_issue_date"] == dt.datetime(2026, 9, 3)
    generate_file(typed, ["PO-1001"], ["invoice"], backup=False, now=dt.datetime(2026, 11, 25, 9, 30))
    register = read_book(typed).sheets["Documents"].frame
    assert register["revision"].tolist() == [1.0]


def test_upgrading_twice_changes_nothing(old: Path, tmp_path: Path) -> None:
    upgrade_file(old, backup=False)
    once = old.read_bytes()
    result = CliRunner().invoke(app, ["upgrade", str(old)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Nothing to upgrade")
    assert old.read_bytes() == once
    assert not old.with_name("old.bak.xlsx").exists()


def test_a_current_book_is_left_byte_for_byte(tmp_path: Path) -> None:
    book = template.build_template(tmp_path / "book.xlsx", {"Orders": [order()], "Lines": [line()]})
    before = book.read_bytes()
    result = CliRunner().invoke(app, ["upgrade", str(book)])
    assert result.exit_code == 0
    assert "Nothing to upgrade" in result.output
    assert book.read_bytes() == before


def test_the_cli_says_what_it_adds_and_a_dry_run_writes_nothing(old: Path) -> None:
    before = old.read_bytes()
    result = CliRunner().invoke(app, ["upgrade", str(old), "--dry-run"])
    assert result.exit_code == 0, result.output
    said = result.output.splitlines()
    assert said[0] == "Would add Orders AT1:AY1: " + ", ".join(NEW_COLUMNS["Orders"])
    assert "Would add Settings A11:C15: " + ", ".join(NEW_SETTINGS) in said
    assert old.read_bytes() == before
    result = CliRunner().invoke(app, ["upgrade", str(old)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Added Orders AT1:AY1: " + ", ".join(NEW_COLUMNS["Orders"])
    assert f"previous version kept as {old.with_name('old.bak.xlsx')}" in result.output
    assert old.with_name("old.bak.xlsx").read_bytes() == before


def test_a_hand_made_book_gets_columns_after_its_last_header(tmp_path: Path) -> None:
    """Title rows, aliased and shuffled headers, no Tables: the columns go in the header row found."""
    required = [c.header for c in ORDERS.columns if c.required.value != "never"]
    headers_ = ["Margin %", "PO #", *reversed(required[1:])]  # an extra column first, aliased, shuffled
    given = order() | {"PO #": order()["Order No"], "Margin %": 12}
    orders = [{h: given.get(h) for h in headers_}]
    book = write_book(tmp_path / "hand.xlsx", orders, [line()], title_rows=2, headers={"Orders": headers_})
    before = parts(book)
    done = upgrade_file(book, tmp_path / "out.xlsx")
    out = tmp_path / "out.xlsx"
    after = parts(out)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"}  # Orders, Settings
    row = headers(out, "Orders", 3)
    assert row[: len(headers_)] == headers_
    added = row[len(headers_) :]
    assert "Buyer Address" in added and "Notify Party" in added
    assert "PO #" not in added and "Order No" not in added
    assert headers(out, "Orders", 1)[0] == "Orders — title row 1"
    assert read_book(out).sheets["Orders"].has("buyer_address")
    assert any(note.startswith("No Lists sheet") for note in done.plan.left)


def test_a_users_column_right_of_the_table_is_never_written_over(old: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(old)
    wb["Orders"]["AU2"] = "my own note"
    wb.save(old)
    before = parts(old)
    done = upgrade_file(old, tmp_path / "out.xlsx")
    assert any(n.startswith("Orders: Buyer Address") and "AU2 holds a value" in n for n in done.plan.left)
    after = parts(tmp_path / "out.xlsx")
    assert after["xl/worksheets/sheet1.xml"] == before["xl/worksheets/sheet1.xml"]


@pytest.mark.libreoffice
def test_libreoffice_opens_the_upgraded_book(old: Path, tmp_path: Path, soffice: Path) -> None:
    out = tmp_path / "new.xlsx"
    upgrade_file(old, out)
    copy = libreoffice_copy(soffice, out, tmp_path / "lo")
    assert headers(copy, "Orders")[-6:] == NEW_COLUMNS["Orders"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(copy)
    assert wb["Orders"].tables["Orders"].ref == "A1:AY2"
    assert read_book(copy).sheets["Documents"].has("superseded")


def test_a_row_written_outside_the_sheets_namespace_is_refused_and_the_book_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet in an `x:` prefix: its new rows take the prefix; without it the write check refuses."""
    book = handmade.write_package(tmp_path / "book.xlsx", handmade.contract_grid(), prefix="x:")
    upgraded = upgrade_file(book, tmp_path / "out.xlsx", backup=False)
    assert (
        b'<x:row r="3"><x:c r="A3" t="inlineStr">' in parts(tmp_path / "out.xlsx")["xl/worksheets/sheet3.xml"]
    )
    assert upgraded.plan.added[0].startswith("Settings A3:B15")
    before = book.read_bytes()
    monkeypatch.setattr(grow, "data_prefix", lambda xml: b"")
    with pytest.raises(FileError) as caught:
        upgrade_file(book)
    assert caught.value.code == "file-write-failed"
    assert "xl/worksheets/sheet3.xml: an element is outside every namespace" in caught.value.message
    assert book.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "book.xlsx",
        "out.xlsx",
    ]


def test_the_writer_refuses_new_columns_or_rows_over_a_value(old: Path) -> None:
    """The package writer checks again what the planner checked: no new cell lands on a value."""
    wb = openpyxl.load_workbook(old)
    wb["Orders"]["AU2"] = "my own note"
    wb["Settings"]["B16"] = 3
    wb.save(old)
    before = old.read_bytes()
    over_column = AddColumns(
        "Orders", 1, 45, ("Buyer Address", "Consignee Address"), (30.0, 30.0), (), "Orders"
    )
    over_row = AddRows("Settings", 16, 0, (("Signatory", None),))
    for edit, where in ((over_column, "Orders!AU2"), (over_row, "Settings!B16")):
        with pytest.raises(FileError, match=f"{where} holds a value where a new"):
            write_edits(old, [edit])
    assert old.read_bytes() == before
