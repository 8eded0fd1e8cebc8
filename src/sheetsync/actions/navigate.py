"""Findings by place: the next or previous one after a cell, the ones on a cell, and what they say.

The ribbon's Next issue, Previous issue and Explain this cell. Places are compared as Excel
does: sheets in tab order (names case-insensitively), then rows, then columns; a finding
with a row but no cell sits in column A of its row; one with neither is not a place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sheetsync.a1 import column_number
from sheetsync.findings import CATALOGUE, Finding

_CELL = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")
Place = tuple[int, int, int]  # (tab index, row, column number)


def place(sheets: Sequence[str], sheet: str, cell: str | None, row: int | None = None) -> Place | None:
    """Where (sheet, cell) sits in reading order, or None when the sheet is not in `sheets`."""
    wanted = sheet.casefold()
    tab = next((i for i, name in enumerate(sheets) if name.casefold() == wanted), None)
    if tab is None:
        return None
    if cell and (m := _CELL.match(cell.replace("$", "").upper())):
        return tab, int(m[2]), column_number(m[1])
    return (tab, row, 1) if row else None


def _placed(findings: Sequence[Finding], sheets: Sequence[str]) -> list[tuple[Place, Finding]]:
    placed = [(p, f) for f in findings if (p := place(sheets, f.sheet, f.cell, f.row)) is not None]
    placed.sort(key=lambda pf: pf[0])
    return placed


def next_finding(findings: Sequence[Finding], sheets: Sequence[str], sheet: str, cell: str) -> Finding | None:
    """The first finding placed after (sheet, cell), wrapping round to the first; None if none is placed."""
    placed = _placed(findings, sheets)
    here = place(sheets, sheet, cell) or (-1, 0, 0)
    after = [f for p, f in placed if p > here]
    return after[0] if after else (placed[0][1] if placed else None)


def previous_finding(
    findings: Sequence[Finding], sheets: Sequence[str], sheet: str, cell: str
) -> Finding | None:
    """The last finding placed before (sheet, cell), wrapping round to the last; None if none is placed."""
    placed = _placed(findings, sheets)
    here = place(sheets, sheet, cell) or (len(sheets), 0, 0)
    before = [f for p, f in placed if p < here]
    return before[-1] if before else (placed[-1][1] if placed else None)


def findings_at(findings: Sequence[Finding], sheets: Sequence[str], sheet: str, cell: str) -> list[Finding]:
    """The findings pointing at (sheet, cell), or at its row when they name no cell."""
    here = place(sheets, sheet, cell)
    if here is None:
        return []
    row_only = (here[0], here[1], 1)
    return [
        f
        for f in findings
        if (p := place(sheets, f.sheet, f.cell, f.row)) == here or (not f.cell and p == row_only)
    ]


def explain(found: Sequence[Finding], sheet: str, cell: str) -> str:
    """The text Explain this cell shows: each finding's severity, code, message and rule title."""
    if not found:
        return f"No finding on {sheet}!{cell}."
    parts = [f"{len(found)} finding{'s' if len(found) != 1 else ''} on {sheet}!{cell}:"]
    for f in found:
        title = CATALOGUE[f.code].title if f.code in CATALOGUE else ""
        parts.append(f"\n{f.severity.value.upper()} {f.code}" + (f" ({title})" if title else ""))
        parts.append(f.message)
    return "\n".join(parts)
