"""Highlights on a user's sheet: one signed conditional format per marked sheet.

Design: one conditional-format rule per marked sheet (in blocks of 500 areas on big sheets)
whose `sqref` lists exactly the marked cells and whose formula is the constant
`"sheetsync"="sheetsync"` (TRUE, and a signature). The cells' own XML is never touched; Excel
moves the sqref with the cells when rows are inserted; only marked cells evaluate the rule, so
a 100,000-row sheet stays fast (a lookup into the Issues sheet would scan it once per visible
cell). `clear` finds the blocks by their signature — also after Excel re-saved the book — and
removing them restores the bytes exactly.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sheetsync.a1 import column_letter
from sheetsync.io.guard.xml_guard import column_number
from sheetsync.io.ooxml.xml_text import element_span, insert_before_first, root_prefix

SIGNATURE = '"sheetsync"="sheetsync"'
AREAS_PER_BLOCK = 500
_CLOSE_SHEET_DATA = re.compile(rb"</([\w.-]+:)?sheetData>")
_Q = rb'(?:"|&quot;)'
_SIGNED = rb"%ssheetsync%s=%ssheetsync%s" % (_Q, _Q, _Q, _Q)

_AFTER_CF = [b"conditionalFormatting", b"dataValidations", b"hyperlinks", b"printOptions",
             b"pageMargins", b"pageSetup", b"headerFooter", b"rowBreaks", b"colBreaks",
             b"customProperties", b"cellWatches", b"ignoredErrors", b"smartTags", b"drawing",
             b"legacyDrawing", b"legacyDrawingHF", b"picture", b"oleObjects", b"controls",
             b"webPublishItems", b"tableParts", b"extLst"]  # fmt: skip


_CELL_ADDRESS = r"^(?P<column>[A-Z]{1,3})(?P<row>[1-9][0-9]{0,6})$"
_ROW_BITS = 21  # Excel rows stop at 1,048,576 < 2**21


def areas(cells: tuple[str, ...]) -> list[str]:
    """A1 addresses as compact areas: runs of rows in one column become `B2:B9`.

    Columns in sheet order, rows ascending, each cell once. Vectorised (a marked sheet can
    have 300,000 cells): each cell becomes the number column * 2**21 + row, so a run of rows
    is a run of consecutive numbers.
    """
    if not cells:
        return []
    parts = pc.extract_regex(pa.array(cells, type=pa.string()), _CELL_ADDRESS)
    if parts.null_count:
        bad = cells[pc.index(pc.is_null(parts), True).as_py()]
        raise ValueError(f"not a cell address: {bad!r}")
    letters = pc.dictionary_encode(parts.field(0))
    index = np.array([column_number(str(c)) - 1 for c in letters.dictionary.to_pylist()], dtype=np.int64)
    rows = pc.cast(parts.field(1), pa.int64()).to_numpy()
    keys = np.unique((index[letters.indices.to_numpy()] << _ROW_BITS) | rows)
    breaks = np.flatnonzero(np.diff(keys) != 1)
    first = keys[np.concatenate(([0], breaks + 1))]
    last = keys[np.concatenate((breaks, [len(keys) - 1]))]
    mask = (1 << _ROW_BITS) - 1
    names = pa.array([column_letter(i) for i in range(int(keys[-1] >> _ROW_BITS) + 1)], type=pa.string())
    column = names.take(pa.array(first >> _ROW_BITS))
    start = pa.array(first & mask).cast(pa.string())
    end = pa.array(last & mask).cast(pa.string())
    single = pa.array(first == last)
    joined = pc.binary_join_element_wise(column, start, ":", column, end, "")
    found: list[str] = pc.if_else(single, pc.binary_join_element_wise(column, start, ""), joined).to_pylist()
    return found


def sqref(cells: tuple[str, ...]) -> str:
    """The cells as one space-separated sqref."""
    return " ".join(areas(cells))


def _split(sheet: bytes) -> tuple[bytes, int]:
    """(namespace prefix, offset just after </sheetData>) of a worksheet part or of its tail."""
    at = sheet.rfind(b"sheetData>")
    closing = _CLOSE_SHEET_DATA.search(sheet, max(at - 64, 0), at + 10) if at >= 0 else None
    if closing:
        return closing.group(1) or b"", closing.end()
    p = root_prefix(sheet, b"worksheet")
    span = element_span(sheet, p + b"sheetData")
    if span is None:
        raise ValueError("the worksheet has no <sheetData>")
    return p, span[2]


def _block(p: bytes, sqref_text: str, dxf: int, priority: int) -> bytes:
    """One <conditionalFormatting> with sheetsync's rule, in the sheet's namespace prefix `p`."""
    rule = f'<cfRule type="expression" dxfId="{dxf}" priority="{priority}"><formula>{SIGNATURE}</formula>'
    xml = f'<conditionalFormatting sqref="{sqref_text}">{rule}</cfRule></conditionalFormatting>'.encode()
    return re.sub(rb"<(/?)", lambda m: b"<" + m.group(1) + p, xml)


def add_highlight(sheet: bytes, cells: tuple[str, ...], dxf: int) -> bytes:
    """Insert the conditional format marking `cells`, after (below) the sheet's own rules' priority.

    Areas go in blocks of at most `AREAS_PER_BLOCK`, keeping each sqref well under the 8,192
    characters Excel accepts for a range's address in its own UI and API.
    """
    p, cut = _split(sheet)
    tail = sheet[cut:]
    first = max((int(n) for n in re.findall(rb'priority="(\d+)"', tail)), default=0) + 1
    found = areas(cells)
    runs = [" ".join(found[i : i + AREAS_PER_BLOCK]) for i in range(0, len(found), AREAS_PER_BLOCK)]
    blocks = b"".join(_block(p, run, dxf, first + n) for n, run in enumerate(runs))
    tail = insert_before_first(tail, blocks, [p + t for t in _AFTER_CF], b"</" + p + b"worksheet>")
    return b"".join([memoryview(sheet)[:cut], tail])


def remove_highlights(sheet: bytes) -> bytes:
    """Remove every block `add_highlight` inserted (found by its signature formula)."""
    prefix, cut = _split(sheet)
    p = re.escape(prefix)
    pattern = (
        rb"<%(p)sconditionalFormatting\b[^>]*>\s*<%(p)scfRule\b[^>]*>\s*<%(p)sformula>%(s)s"
        rb"</%(p)sformula>\s*</%(p)scfRule>\s*</%(p)sconditionalFormatting>"
    ) % {b"p": p, b"s": _SIGNED}
    return sheet[:cut] + re.sub(pattern, b"", sheet[cut:])


def has_highlights(sheet_tail: bytes) -> bool:
    """Whether a sheet (or its part after <sheetData>) carries a sheetsync highlight block."""
    return re.search(_SIGNED, sheet_tail) is not None
