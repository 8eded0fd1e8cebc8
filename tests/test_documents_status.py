"""sheetsync status: a buyer's open orders in plain words, and nothing internal in the file."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from helpers import TODAY, departed_shipment, line, order, shipped_order, write_book
from sheetsync.actions.status import status_files
from sheetsync.cli import app

OTHER = {"Order No": "PO-2001", "Buyer": "Hansa Wohnen GmbH", "Consignee": "Hansa Wohnen GmbH"}
INTERNAL = ("Lin Wei", "Margin", "27.5", "PO-2001", "Hansa", "3.5", "4200", "secret supplier")


def book(path: Path) -> Path:
    orders = [
        shipped_order() | {"Margin %": 27.5},
        order(**{"Order No": "PO-1002"}) | {"Margin %": 27.5},
        order(**OTHER) | {"Margin %": 27.5},
        order(**{"Order No": "PO-1003", "Status": "Closed"}),
    ]
    lines = [line(**{"Order No": o["Order No"]}) | {"Supplier": "secret supplier"} for o in orders]
    return write_book(path, orders, lines, [departed_shipment()])


def test_the_status_lists_the_buyers_open_orders_in_plain_words(tmp_path: Path) -> None:
    out = tmp_path / "status.xlsx"
    [made] = status_files(book(tmp_path / "book.xlsx"), "NORDIC HOME AB", out, TODAY)
    assert (made.buyer, made.orders) == ("NORDIC HOME AB", 2)
    ws = openpyxl.load_workbook(out)["Status"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    day = dt.datetime
    assert rows == [
        ["PO-1001", day(2026, 9, 1), "Shipped", "Documents sent", day(2026, 11, 4), "Arrived",
         day(2026, 12, 5), "On track.", day(2026, 10, 30), day(2026, 12, 5), "MAERSK EDMONTON 447W",
         "MAEU260458812", "CSQU3054383", "Sent 04 Nov 2026"],
        ["PO-1002", day(2026, 9, 1), "In production", "Production Start", day(2026, 9, 20), "Production End",
         day(2026, 12, 20), "On track.", day(2027, 1, 5), day(2027, 2, 10), "", "", "", "Not yet"],
    ]  # fmt: skip


def test_nothing_internal_leaks_into_the_status_workbook(tmp_path: Path) -> None:
    out = tmp_path / "status.xlsx"
    status_files(book(tmp_path / "book.xlsx"), "Nordic Home AB", out, TODAY)
    with zipfile.ZipFile(out) as z:
        xml = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    text = re.sub(r"<[^>]+>", " ", xml)  # every text and attribute-free value in every part
    assert [word for word in INTERNAL if word in text] == []
    assert openpyxl.load_workbook(out).sheetnames == ["Status"]
    assert "<f>" not in xml  # values only: no formula can reach back into the order book


def test_all_buyers_get_one_workbook_each(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["status", str(book(tmp_path / "book.xlsx")), "--all-buyers", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "Status Hansa Wohnen GmbH.xlsx", "Status Nordic Home AB.xlsx",
    ]  # fmt: skip
    assert CliRunner().invoke(app, ["status", str(tmp_path / "book.xlsx")]).exit_code == 2
