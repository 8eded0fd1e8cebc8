"""Document tabs on the live workbook: added, frozen and removed through xlwings, in blocks.

A tab's cells go in with one write (formulas as formulas: a string starting with "=" is a
formula to Excel, text is written with an apostrophe); then each of its styles is applied to
all the cells of that style at once, in as few range addresses as the 255-character limit
allows. What xlwings' open-source API sets: number formats, fonts, fills, borders, alignment,
wrapping, merges, column widths, hidden columns, row heights, gridlines, the print area and the
rows repeated on each page (the sheet's `Print_Titles` name, which is how Excel stores them).
What it cannot set (only `.api`, Windows COM or macOS AppleScript, could): A4 paper, fit to
one page wide, margins, centring, the footer and the tab colour — the tab prints with Excel's
page defaults; a tab the CLI generated has them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import xlwings as xw

from sheetsync.a1 import column_letter
from sheetsync.edits import AddRegister, DocCell, DocumentSheet, FreezeSheet
from sheetsync.excel.port_cells import address_chunks, cell_value, split_ref
from sheetsync.findings import FileError

FONT, LABEL_COLOUR, FILL, BORDER = "Arial", "#44546A", "#DDE4EE", "#8497B0"
Align = Literal["left", "center", "right"]
# style -> (size, bold, filled, bordered, horizontal alignment, number format); as document_styles.py
STYLES: dict[str, tuple[float, bool, bool, bool, Align, str | None]] = {
    "text": (10, False, False, False, "left", None),
    "label": (8, True, False, False, "left", None),
    "title": (16, True, False, False, "left", None),
    "head": (10, True, True, True, "center", None),
    "cell": (10, False, False, True, "left", None),
    "number": (10, False, False, True, "right", None),
    "amount": (10, False, False, True, "right", "#,##0.00"),
    "integer": (10, False, False, True, "right", "#,##0"),
    "date": (10, False, False, False, "left", "yyyy-mm-dd"),
    "total": (10, True, True, True, "right", None),
    "total_amount": (10, True, True, True, "right", "#,##0.00"),
    "small": (10, False, False, False, "left", None),
}


def find_sheet(book: xw.Book, name: str) -> xw.Sheet | None:
    """The sheet called `name`, compared as Excel compares tab names."""
    wanted = name.casefold()
    return next((s for s in book.sheets if s.name.casefold() == wanted), None)


def check_title(sheet: xw.Sheet, title: str) -> None:
    """Refuse to replace or remove a tab whose A1 is not the document's title: it is not sheetsync's."""
    if str(sheet.range("A1").value or "").strip() != title:
        raise FileError(
            "file-sheet-taken",
            f"The book has its own sheet named {sheet.name!r}; rename it so sheetsync can write its own.",
        )


def add_document(book: xw.Book, edit: DocumentSheet) -> None:
    """Add a document tab after the last one, replacing `replaces` / a tab of its name first."""
    for old in dict.fromkeys(n.casefold() for n in (edit.replaces, edit.name) if n):
        found = find_sheet(book, old)
        if found is not None:
            check_title(found, edit.title)
            found.delete()
    active = book.sheets.active
    sheet = book.sheets.add(edit.name, after=list(book.sheets)[-1])
    cells = {split_ref(ref): cell for ref, cell in edit.cells.items()}
    last_row = max(r for r, _ in cells)
    last_col = max(c for _, c in cells)
    block = [[_value(cells.get((r, c))) for c in range(1, last_col + 1)] for r in range(1, last_row + 1)]
    whole = sheet.range((1, 1), (last_row, last_col))
    whole.value = block
    whole.font.name = FONT
    whole.font.size = 10
    whole.vertical_alignment = "top"
    whole.wrap_text = True
    by_style: dict[str, list[str]] = {}
    for ref, cell in edit.cells.items():
        by_style.setdefault(cell.style, []).append(ref)
    for style, refs in by_style.items():
        for address in address_chunks(refs):
            _style(sheet.range(address), style)
    _merge(sheet, edit.merges)
    _layout(sheet, edit)
    sheet.page_setup.print_area = edit.print_area
    if edit.repeat_rows:
        first, last = edit.repeat_rows
        sheet.names.add("Print_Titles", f"={_quoted(edit.name)}!${first}:${last}")
    active.activate()


def _value(cell: DocCell | None) -> Any:
    return None if cell is None else cell_value(cell.value)


def _style(target: xw.Range, style: str) -> None:
    size, bold, filled, bordered, align, number_format = STYLES[style]
    if size != 10:
        target.font.size = size
    if bold:
        target.font.bold = True
    if style == "label":
        target.font.color = LABEL_COLOUR
    if filled:
        target.color = FILL
    if bordered:
        target.borders.set("all", line_style="continuous", weight="thin", color=BORDER)
    target.horizontal_alignment = align
    if number_format:
        target.number_format = number_format


def _merge(sheet: xw.Sheet, merges: Iterable[str]) -> None:
    """Merge the areas; one-row areas on consecutive rows over the same columns in one call."""
    runs: dict[tuple[int, int], list[list[int]]] = {}
    for area in merges:
        first, _, last = area.partition(":")
        (r1, c1), (r2, c2) = split_ref(first), split_ref(last or first)
        if r1 != r2:
            sheet.range(area).merge()
            continue
        rows = runs.setdefault((c1, c2), [])
        if rows and rows[-1][-1] == r1 - 1:
            rows[-1].append(r1)
        else:
            rows.append([r1])
    for (c1, c2), groups in runs.items():
        for run in groups:
            sheet.range((run[0], c1), (run[-1], c2)).merge(across=True)


def _layout(sheet: xw.Sheet, edit: DocumentSheet) -> None:
    """Column widths (equal widths together), hidden columns, row heights, no gridlines."""
    widths: dict[float, list[int]] = {}
    for i, width in enumerate(edit.widths, start=1):
        widths.setdefault(width, []).append(i)
    for width, columns in widths.items():
        for address in _column_chunks(columns):
            sheet.range(address).column_width = width
    for letter in edit.hidden:
        sheet.range(f"{letter}:{letter}").columns.hidden = True
    heights: dict[float, list[int]] = {}
    for row, height in edit.heights.items():
        heights.setdefault(height, []).append(row)
    for height, rows in heights.items():
        sheet.range(",".join(f"{r}:{r}" for r in sorted(rows))).row_height = height
    sheet.show_gridlines = False


def _column_chunks(columns: list[int]) -> list[str]:
    return [",".join(f"{column_letter(c - 1)}:{column_letter(c - 1)}" for c in columns)]


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def freeze(book: xw.Book, edit: FreezeSheet, rows: list[list[Any]], start: tuple[int, int]) -> None:
    """Turn the tab's formulas into the values they show (`rows`, its used range as read), then
    set `edit.values`; with `freeze=False` only the values are set."""
    sheet = find_sheet(book, edit.name)
    if sheet is None:
        raise FileError("file-no-register", f"The book has no tab {edit.name!r} to freeze.")
    if edit.freeze and rows:
        block = [[cell_value(v) if isinstance(v, str) else v for v in row] for row in rows]
        sheet.range((start[0] + 1, start[1] + 1)).value = block
    for ref, value in edit.values.items():
        sheet.range(ref).value = cell_value(value)


def add_register(book: xw.Book, edit: AddRegister) -> None:
    """A Documents sheet after the last one: the contract's header row, bold, as an Excel Table."""
    active = book.sheets.active
    sheet = book.sheets.add("Documents", after=list(book.sheets)[-1])
    last = column_letter(len(edit.headers) - 1)
    sheet.range(f"A1:{last}1").value = [[cell_value(h) for h in edit.headers]]
    for i, width in enumerate(edit.widths):
        sheet.range(f"{column_letter(i)}:{column_letter(i)}").column_width = width
    sheet.tables.add(sheet.range(f"A1:{last}2"), name="Documents", has_headers=True)
    active.activate()
