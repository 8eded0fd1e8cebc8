"""The edit model: what an action asks to change in a workbook, as plain data.

Actions (mark, clear, generate) return a list of edits instead of writing files; each face
applies them its own way — files through `sheetsync.io.ooxml.package`, a live Excel through xlwings.
Edits apply in order. A cell value is text, a number or an explicit `Formula`: text is always
written as text, so a user's `=cmd|...` can never become a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Excel's built-in number formats an owned column can use (no numFmts entry is needed; "date"
# is built-in 14, shown in the reader's own short-date style).
NUMBER_FORMATS: dict[str, int] = {
    "integer": 1,  # 0
    "decimal": 2,  # 0.00
    "thousands": 3,  # #,##0
    "amount": 4,  # #,##0.00
    "percent": 9,  # 0%
    "date": 14,  # short date (a date is its serial number)
    "text": 49,  # @
}


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell on a sheet sheetsync owns: `=SUM(B2:B9)` style, with the value it shows
    until the spreadsheet recalculates (give it: a file written by sheetsync has no calc engine).
    """

    expression: str
    cached: str | float | None = None

    def __post_init__(self) -> None:
        if not self.expression.startswith("="):
            raise ValueError(f"a formula starts with '=': {self.expression!r}")


Value = str | float | Formula | None


@dataclass(frozen=True, slots=True)
class OwnedColumn:
    """A column of a sheet sheetsync owns: header, width (Excel character units), number format."""

    header: str
    width: float
    number_format: str | None = None  # a key of NUMBER_FORMATS, for the data cells

    def __post_init__(self) -> None:
        if self.number_format is not None and self.number_format not in NUMBER_FORMATS:
            raise ValueError(
                f"unknown number format {self.number_format!r}; use one of {list(NUMBER_FORMATS)}"
            )


@dataclass(frozen=True, slots=True)
class ReplaceSheet:
    """Add, or replace, a sheet that sheetsync owns (e.g. Issues), placed after the user's.

    `links` maps (data row index, column index), both 0-based, to an in-book location such
    as `'Orders'!B12`. The header row is bold, frozen and carries an autofilter.
    """

    name: str
    columns: tuple[OwnedColumn, ...]
    rows: tuple[tuple[Value, ...], ...]
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


@dataclass(frozen=True, slots=True)
class RegisterDocument:
    """Record a generated document in the book's Documents register.

    `values` are keyed by the Documents sheet's contract keys (doc_no, type, order_no,
    shipment_no, sheet, generated, amount, quantity, packages, net_kg, gross_kg); text, numbers,
    dates or datetimes. The row of the same Doc No is updated; else a row is added to the Table.
    """

    values: Mapping[str, str | float | dt.date | None]
    match: str | None = None  # the Doc No of the row to update when `values` renumber it (issue)

    def __post_init__(self) -> None:
        if not str(self.values.get("doc_no") or "").strip():
            raise ValueError("a document needs its doc_no")


# The cell styles a document tab uses (`DocumentSheet`); io/ooxml/document_sheet.py defines them.
DOC_STYLES = ("text", "label", "title", "head", "cell", "number", "amount", "integer", "date", "total",
              "total_amount", "small")  # fmt: skip


@dataclass(frozen=True, slots=True)
class DocCell:
    """One cell of a document tab: a value (text, number or `Formula`) and a style of DOC_STYLES."""

    value: Value
    style: str = "text"

    def __post_init__(self) -> None:
        if self.style not in DOC_STYLES:
            raise ValueError(f"unknown document style {self.style!r}; use one of {DOC_STYLES}")


@dataclass(frozen=True, slots=True)
class DocumentSheet:
    """Add a print-ready document tab (invoice, packing list...), replacing `replaces` if given.

    `cells` maps A1 addresses to cells; `title` is the text of A1, which proves sheetsync wrote
    the tab before it is replaced. Printed on A4, `print_area` fitted to one page wide, rows
    `repeat_rows` (first, last) repeated on every page; `hidden` lists hidden column letters;
    `heights` gives rows that wrap (addresses) their height, as merged cells never grow by themselves.
    Its styles are kept by `clear` (the tab still uses them).
    """

    name: str
    title: str
    cells: Mapping[str, DocCell]
    widths: tuple[float, ...]
    print_area: str  # e.g. "$A$1:$H$40"
    merges: tuple[str, ...] = ()
    repeat_rows: tuple[int, int] | None = None
    hidden: tuple[str, ...] = ()
    replaces: str | None = None
    heights: Mapping[int, float] = field(default_factory=dict)  # Excel row -> height in points


@dataclass(frozen=True, slots=True)
class AddRegister:
    """Add the Documents register (an Excel Table in the contract's shape) to a book without one."""

    headers: tuple[str, ...]
    widths: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class FreezeSheet:
    """Turn a document tab's formulas into their cached values, and set cells (issued documents).

    With `freeze=False` only the cells of `values` change: a value typed over a formula.
    """

    name: str
    values: Mapping[str, str | float] = field(default_factory=dict)
    freeze: bool = True


@dataclass(frozen=True, slots=True)
class AddColumns:
    """Add headers to the right of a user's sheet (`sheetsync upgrade`); `table` grows to take them.

    The headers go on `header_row` (Excel row) from `first_column` (0-based), each styled like
    the header on its left, with its width; `like` gives, per new column, a 0-based column of
    the same kind whose number format (column style, Table data format) it takes, or None.
    Refused when a cell where a new column goes holds a value.
    """

    sheet: str
    header_row: int
    first_column: int
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    like: tuple[int | None, ...] = ()
    table: str | None = None

    def __post_init__(self) -> None:
        if not self.headers or len(self.widths) != len(self.headers) or len(self.like) > len(self.headers):
            raise ValueError("AddColumns needs headers, one width each, and at most one `like` each")


@dataclass(frozen=True, slots=True)
class AddRows:
    """Add rows of values below a user's sheet (`sheetsync upgrade`: Settings keys).

    Row `first_row` (Excel) on, from `first_column` (0-based); each cell styled like the text
    cell above it; a Table ending on the row above grows to take them. Refused over a value.
    """

    sheet: str
    first_row: int
    first_column: int
    rows: tuple[tuple[str | float | None, ...], ...]


@dataclass(frozen=True, slots=True)
class RemoveDocuments:
    """Remove generated document tabs and their rows of the Documents register (the reverse of
    generate). `tabs` maps each tab to its title: a tab whose A1 is not its title is not
    sheetsync's and is refused. `doc_nos` are the register rows that go; the rows below move up.
    """

    tabs: Mapping[str, str]
    doc_nos: tuple[str, ...]


Edit = (
    ReplaceSheet | Highlight | ClearMarks | RegisterDocument | DocumentSheet | AddRegister | FreezeSheet
    | AddColumns | AddRows | RemoveDocuments
)  # fmt: skip


def number_formats(edits: Iterable[Edit]) -> tuple[int, ...]:
    """The built-in number format ids the owned sheets of `edits` use, in a stable order."""
    wanted = {c.number_format for e in edits if isinstance(e, ReplaceSheet) for c in e.columns}
    return tuple(sorted(NUMBER_FORMATS[name] for name in wanted if name))
