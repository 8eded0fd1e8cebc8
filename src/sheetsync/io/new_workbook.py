"""The one way sheetsync writes a new workbook with XlsxWriter: atomically, user text as text.

    with new_workbook(out) as wb:
        ws = wb.add_worksheet("Findings")
        write_text(ws, 1, 0, coordinator)   # None / NaN -> an empty cell, anything else -> text

A value typed by a user (`=HYPERLINK(...)`, `+1`, `-x`, `@SUM(...)`, DDE `=cmd|' /C calc'!A0`)
must come out as the text it was, never as a live formula, a link or a number: XlsxWriter's
`write()` and `write_row()` turn strings starting with `=` into formulas unless the workbook
is opened with `strings_to_formulas=False`, which `new_workbook` always sets (with
`strings_to_urls` and `strings_to_numbers` off). A blank (None, NaN, pandas NA) is an empty
cell, never the text "nan". The dashboard writes through here; the check report's frame and
the template's skeleton take `OPTIONS` (their rows are spliced in as inline strings, as the
Issues sheet's are by `io.ooxml.owned_sheet`: text that can never be read as a formula).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import xlsxwriter

from sheetsync.io.atomic import atomic_output

OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@contextmanager
def new_workbook(target: Path, **options: Any) -> Iterator[xlsxwriter.Workbook]:
    """An XlsxWriter workbook that replaces `target` atomically once the block ends without error."""
    with atomic_output(Path(target)) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {**options, **OPTIONS})
        try:
            yield workbook
        finally:
            workbook.close()  # on an error too: the temporary file is then removed


def is_blank(value: object) -> bool:
    """None, NaN, pandas' NA/NaT or an empty string."""
    if value is None or value == "":
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def cell_text(value: object) -> str:
    """A value as the text a cell shows: "" for a blank, never "nan"."""
    return "" if is_blank(value) else str(value)


def write_text(ws: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
    """`value` as a text cell, or an empty cell when it is blank."""
    if is_blank(value):
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


__all__ = ["OPTIONS", "cell_text", "is_blank", "new_workbook", "write_text"]
