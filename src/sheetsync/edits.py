"""The edit model: what an action asks to change in a workbook, as plain data.

Actions (mark, clear, generate) return a list of edits instead of writing files; each face
applies them its own way — files through `sheetsync.io.package`, a live Excel through xlwings.
Edits apply in order. Every cell value is text or a number, never a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class OwnedColumn:
    """A column of a sheet sheetsync owns: its header and width (Excel character units)."""

    header: str
    width: float


@dataclass(frozen=True, slots=True)
class ReplaceSheet:
    """Add, or replace, a sheet that sheetsync owns (e.g. Issues), placed after the user's.

    `links` maps (data row index, column index), both 0-based, to an in-book location such
    as `'Orders'!B12`. The header row is bold, frozen and carries an autofilter.
    """

    name: str
    columns: tuple[OwnedColumn, ...]
    rows: tuple[tuple[str | float | None, ...], ...]
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    autofilter: bool = True
    freeze_header: bool = True


@dataclass(frozen=True, slots=True)
class Highlight:
    """Mark cells (A1 addresses) of a user's sheet, without touching the cells themselves."""

    sheet: str
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClearMarks:
    """Remove every highlight sheetsync added, and the sheets it owns.

    `owned` maps an owned sheet's name to its header row, which proves sheetsync wrote it: a
    user's own sheet of that name is never removed.
    """

    owned: dict[str, tuple[str, ...]]


Edit = ReplaceSheet | Highlight | ClearMarks
