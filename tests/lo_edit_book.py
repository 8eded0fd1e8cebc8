"""Edit a workbook in LibreOffice (headless, through UNO) as a user would, recalculate, save as .xlsx.

Run with the Python that has LibreOffice's `uno` module (Debian: python3-uno), not the venv:
    python3 tests/lo_edit_book.py PROFILE_DIR BOOK OUT STEPS_JSON
STEPS_JSON is a list of steps, done in order:
    {"insert_column": "Orders", "at": 0}                 a column inserted before column index `at`
    {"sort": "Lines", "header_row": 1, "by": 1, "descending": true}
        the rows below the header sorted on 0-based column `by` of the used area
    {"pivot": "Orders", "rows": 2, "count": 0, "to": "Pivot"}
        a pivot table (DataPilot) of the sheet's used area on a new sheet `to`: one row per
        value of column `rows`, counting column `count`
Then every formula is recalculated (`calculateAll`) and the book stored as Excel 2007+ .xlsx.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.lang import DisposedException  # type: ignore[import-not-found]

from lo_run_macro import connect, prop


def _sort(sheet: Any, header_row: int, by: int, descending: bool) -> None:
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.getRangeAddress()
    rows = sheet.getCellRangeByPosition(0, header_row, end.EndColumn, end.EndRow)  # 0-based: below the header
    field = uno.createUnoStruct("com.sun.star.table.TableSortField")
    field.Field, field.IsAscending = by, not descending
    fields = uno.Any("[]com.sun.star.table.TableSortField", (field,))
    descriptor = (prop("SortFields", fields), prop("ContainsHeader", False), prop("IsSortColumns", False))
    uno.invoke(rows, "sort", (uno.Any("[]com.sun.star.beans.PropertyValue", descriptor),))


def _pivot(doc: Any, source: str, rows: int, count: int, to: str) -> None:
    sheets = doc.Sheets
    sheets.insertNewByName(to, sheets.getCount())
    data = sheets.getByName(source)
    cursor = data.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.getRangeAddress()
    tables = sheets.getByName(to).getDataPilotTables()
    descriptor = tables.createDataPilotDescriptor()
    descriptor.setSourceRange(data.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).getRangeAddress())
    fields = descriptor.getDataPilotFields()
    fields.getByIndex(rows).Orientation = uno.Enum("com.sun.star.sheet.DataPilotFieldOrientation", "ROW")
    counted = fields.getByIndex(count)
    counted.Orientation = uno.Enum("com.sun.star.sheet.DataPilotFieldOrientation", "DATA")
    counted.Function = uno.Enum("com.sun.star.sheet.GeneralFunction", "COUNT")
    at = uno.createUnoStruct("com.sun.star.table.CellAddress")
    at.Sheet, at.Column, at.Row = sheets.getCount() - 1, 0, 0
    tables.insertNewByName("OrdersByBuyer", at, descriptor)


def main(profile: Path, book: Path, out: Path, steps: list[dict[str, Any]]) -> int:
    pipe = f"sheetsync{uuid.uuid4().hex}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--nologo", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        ctx = connect(pipe)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(book.resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            print(f"LibreOffice could not open {book}", file=sys.stderr)
            return 2
        for step in steps:
            if "insert_column" in step:
                doc.Sheets.getByName(step["insert_column"]).Columns.insertByIndex(step["at"], 1)
            elif "pivot" in step:
                _pivot(doc, step["pivot"], step["rows"], step["count"], step["to"])
            elif "sort" in step:
                _sort(doc.Sheets.getByName(step["sort"]), step["header_row"], step["by"], step["descending"])
            else:
                print(f"unknown step {step}", file=sys.stderr)
                return 2
        doc.calculateAll()
        doc.storeToURL(out.resolve().as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        with contextlib.suppress(DisposedException):  # the bridge drops as the office exits
            desktop.terminate()
        return 0
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), json.loads(sys.argv[4])))
