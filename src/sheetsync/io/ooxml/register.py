"""Register a generated document in the book's `Documents` sheet, at the package level.

The row of the document's Doc No is updated in place (a regenerated invoice keeps its row);
a new document takes the Excel Table's empty last row if it has one, else a new row below it,
and the Table's range, its autofilter and the sheet's dimension grow by that row. Cells in
columns sheetsync does not know are kept as they were; each new cell takes the format of its
column (the row above, else the column's own style). Only the Documents sheet and its Table
part change; every other part is copied as it was.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sheetsync.a1 import column_letter
from sheetsync.contract.model import header_key
from sheetsync.contract.sheets import DOCUMENTS
from sheetsync.edits import RegisterDocument
from sheetsync.excel_dates import excel_serial
from sheetsync.findings import WRITE_ERRORS, FileError
from sheetsync.io.guard.xml_guard import column_number
from sheetsync.io.ooxml import workbook_xml as wx
from sheetsync.io.ooxml.owned_sheet import inline_string
from sheetsync.io.ooxml.package import Package
from sheetsync.io.ooxml.xml_text import text_of
from sheetsync.io.read.sheet_head import CELL, ROW

_R = re.compile(rb'\sr="([A-Z]+)?(\d+)"')
STYLE_ATTR = re.compile(rb'\ss="(\d+)"')
TYPE_ATTR = re.compile(rb'\st="(\w+)"')
_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)\b")
_REF = re.compile(
    rb'(<(?:[\w.-]+:)?(?:table|autoFilter|dimension)\b[^>]*?\sref=")([A-Z]+)(\d+):([A-Z]+)(\d+)(")'
)
_SHEET_DATA = re.compile(rb"<(?P<p>[\w.-]+:)?sheetData\b[^>]*?(?P<empty>/)?>")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData>")
_TABLE_END = re.compile(rb'(<(?:[\w.-]+:)?(?:table|autoFilter)\b[^>]*?\sref="[A-Z]+\d+:[A-Z]+)(\d+)(")')
RegisterValue = str | float | dt.date | None


def _fail(code: str, detail: str) -> FileError:
    return FileError(code, f"{WRITE_ERRORS[code]} {detail}")


def register_document(package: Package, edit: RegisterDocument) -> None:
    """Write `edit.values` (contract keys of the Documents sheet) as the document's row.

    Values for columns the book's register does not have are left out; Doc No is required.
    """
    register_documents(package, [edit])


def register_documents(package: Package, edits: Sequence[RegisterDocument]) -> None:
    """Write several documents' rows with one read and one write of the register (see above)."""
    register = _open_register(package)
    if register is None:
        raise _fail("file-no-register", "Add a Documents sheet (as `sheetsync new` lays it out).")
    xml, texts, rows, columns = register.xml, register.texts, register.rows, register.columns
    table_part, table, header_row, last_row = (
        register.table_part,
        register.table,
        register.header,
        register.last,
    )
    if "doc_no" not in columns:
        raise _fail("file-no-register", "Its header row has no Doc No column.")
    date1904 = bool(wx.DATE1904.search(package.head(package.workbook)))
    by_doc = _doc_rows(rows, columns["doc_no"], header_row, last_row, texts)
    written: dict[int, bytes] = {}
    for edit in edits:
        values = {key: value for key, value in edit.values.items() if key in columns}
        doc_no = str(edit.match or values["doc_no"]).strip()
        target = by_doc.get(doc_no)
        if target is None:
            target, last_row = _new_row(rows, written, header_row, last_row, texts)
        current = ROW.match(written[target]) if target in written else rows.get(target)
        above = ROW.match(written[target - 1]) if target - 1 in written else rows.get(target - 1)
        styles = _column_styles(xml, above if target - 1 > header_row else None)
        written[target] = render_row(current, target, columns, values, styles, date1904, data_prefix(xml))
        by_doc.pop(doc_no, None)
        by_doc[str(values["doc_no"]).strip()] = target
    xml = put_rows(xml, rows, written)
    grown = max(written, default=0)
    if grown > max(rows, default=0) or (table and grown > _table_rows(table)[1]):
        xml = _grow(xml, grown)
        if table_part and table:
            package.write(table_part, _grow(table, grown))
    package.write(register.part, xml)


def _doc_rows(
    rows: Mapping[int, re.Match[bytes]], doc_column: int, header_row: int, last_row: int,
    text: Callable[[bytes, bytes | None], str],
) -> dict[str, int]:  # fmt: skip
    """Doc No -> its row, for the register's rows (the first row of a repeated Doc No)."""
    found: dict[str, int] = {}
    for number in range(header_row + 1, last_row + 1):
        cell = cells_by_column(rows.get(number)).get(doc_column)
        if cell is not None:
            found.setdefault(text(cell.group("attrs"), cell.group("body")).strip(), number)
    return found


def _new_row(
    rows: Mapping[int, re.Match[bytes]], written: Mapping[int, bytes], header_row: int, last_row: int,
    text: Callable[[bytes, bytes | None], str],
) -> tuple[int, int]:  # fmt: skip
    """(row for a new document, the table's last row now): the empty last row, else the next."""
    last = cells_by_column(rows.get(last_row))
    empty = not any(text(c.group("attrs"), c.group("body")) for c in last.values())
    if last_row > header_row and last_row not in written and empty:
        return last_row, last_row
    return last_row + 1, last_row + 1


def put_rows(xml: bytes, rows: Mapping[int, re.Match[bytes]], written: Mapping[int, bytes]) -> bytes:
    """Replace or insert each written row in one pass (rows stay in order)."""
    pieces: list[bytes] = []
    at = 0
    pending = sorted(n for n in written if n not in rows)
    for number in sorted(rows):
        row = rows[number]
        while pending and pending[0] < number:
            pieces += [xml[at : row.start()], written[pending.pop(0)]]
            at = row.start()
        if number in written:
            pieces += [xml[at : row.start()], written[number]]
            at = row.end()
    pieces.append(xml[at:])
    xml = b"".join(pieces)
    if pending:  # below every existing row
        xml = _put_row(xml, {}, pending[0], b"".join(written[n] for n in pending))
    return xml


def rows_by_number(xml: bytes) -> dict[int, re.Match[bytes]]:
    """The sheet's rows by Excel row number."""
    rows = {}
    for row in ROW.finditer(xml):
        number = _R.search(row.group("attrs") or b"")
        if number:
            rows[int(number.group(2))] = row
    return rows


def _table_part(package: Package, sheet_part: str) -> str | None:
    """The sheet's Table part named Documents, else its only Table."""
    rels = wx.rels_path(sheet_part)
    if not package.exists(rels):
        return None
    found = [
        wx.resolve(sheet_part, tag.attrs["Target"])
        for tag in wx.tags(package.read(rels), b"Relationship")
        if tag.attrs.get("Type", "").endswith("/table")
    ]
    named = [part for part in found if re.search(rb'\sname="Documents"', package.head(part, 4096))]
    if len(named) == 1:
        return named[0]
    return found[0] if len(found) == 1 else None


def _table_rows(table: bytes) -> tuple[int, int]:
    """(header row, last row) of a Table part's ref; a totals row is refused (rows would shift)."""
    found = re.search(rb'<(?:[\w.-]+:)?table\b[^>]*?\sref="[A-Z]+(\d+):[A-Z]+(\d+)"', table)
    if found is None:
        raise _fail("file-no-register", "Its Table has no range.")
    totals = re.search(rb'<(?:[\w.-]+:)?table\b[^>]*?\stotalsRowCount="([1-9]\d*)"', table)
    if totals:
        raise _fail("file-no-register", "Its Table has a totals row; turn it off to register documents.")
    return int(found.group(1)), int(found.group(2))


def _header_row(rows: Mapping[int, re.Match[bytes]], text: Callable[[bytes, bytes | None], str]) -> int:
    """Without a Table: the first row holding a Doc No header."""
    for number in sorted(rows):
        if "doc_no" in _columns(rows[number], text):
            return number
    raise _fail("file-no-register", "Its header row has no Doc No column.")


def cell_texts(package: Package) -> Callable[[bytes, bytes | None], str]:
    """A cell's text (shared, inline or formula string, or the number as written)."""
    shared = package.shared_text()

    def text(attrs: bytes, body: bytes | None) -> str:
        if not body or not _VALUE.search(body):
            return ""
        kind = m.group(1) if (m := TYPE_ATTR.search(attrs)) else b"n"
        if kind == b"s":
            index = text_of(body, b"v").strip()
            return shared(int(index)) if index.isdigit() else ""
        return text_of(body, b"t" if kind == b"inlineStr" else b"v")

    return text


def cells_by_column(row: re.Match[bytes] | None) -> dict[int, re.Match[bytes]]:
    """The row's cells by 0-based column."""
    if row is None or not row.group("body"):
        return {}
    out = {}
    for cell in CELL.finditer(row.group("body")):
        ref = _R.search(cell.group("attrs"))
        if ref and ref.group(1):
            out[column_number(ref.group(1).decode()) - 1] = cell
    return out


def _columns(header: re.Match[bytes] | None, text: Callable[[bytes, bytes | None], str]) -> dict[str, int]:
    """Contract key -> 0-based column, from the header row."""
    aliases = {k: c.key for c in DOCUMENTS.columns for k in c.match_keys()}
    out: dict[str, int] = {}
    for index, cell in cells_by_column(header).items():
        key = aliases.get(header_key(text(cell.group("attrs"), cell.group("body"))))
        if key and key not in out:
            out[key] = index
    return out


def _column_styles(xml: bytes, above: re.Match[bytes] | None) -> Callable[[int], bytes]:
    """A new cell's style attribute: the cell above's, else its column's (`<col style>`)."""
    by_column = {}
    for col in wx.tags(xml, b"col"):
        if "style" in col.attrs:
            for index in range(int(col.attrs.get("min", 1)) - 1, int(col.attrs.get("max", 1))):
                by_column[index] = col.attrs["style"].encode()
    cells = cells_by_column(above)

    def style(index: int) -> bytes:
        found = STYLE_ATTR.search(cells[index].group("attrs")) if index in cells else None
        value = found.group(1) if found else by_column.get(index)
        return b' s="%s"' % value if value and value != b"0" else b""

    return style


def value_xml(value: RegisterValue, date1904: bool) -> tuple[bytes, bytes] | None:
    """(type attribute, body) for a value; None for an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return b' t="inlineStr"', inline_string(value).encode("utf-8")
    if isinstance(value, dt.date):
        days = excel_serial(value, date1904)
        return b"", b"<v>%s</v>" % repr(round(float(days), 10)).encode()
    return b"", b"<v>%s</v>" % repr(float(value)).encode()


def render_row(
    existing: re.Match[bytes] | None,
    number: int,
    columns: Mapping[str, int],
    values: Mapping[str, RegisterValue],
    style: Callable[[int], bytes],
    date1904: bool,
    prefix: bytes = b"",
) -> bytes:
    """The row with sheetsync's cells set and any other cell kept as written; a new row takes
    `prefix`, the namespace prefix of the sheet's elements (`x:`), as an existing row keeps its own."""
    p = (existing.group("p") if existing else prefix) or b""
    kept = {i: cell.group() for i, cell in cells_by_column(existing).items()}
    old = cells_by_column(existing)
    for key, value in values.items():
        index = columns[key]
        ref = f"{column_letter(index)}{number}".encode()
        current = STYLE_ATTR.search(old[index].group("attrs")) if index in old else None
        s = b' s="%s"' % current.group(1) if current else style(index)
        rendered = value_xml(value, date1904)
        if rendered is None:
            kept[index] = b'<%sc r="%s"%s/>' % (p, ref, s) if s else b""
        else:
            kind, body = rendered
            body = re.sub(rb"<(/?)", lambda m: b"<" + m.group(1) + p, body)
            kept[index] = b'<%sc r="%s"%s%s>%s</%sc>' % (p, ref, s, kind, body, p)
    attrs = re.sub(rb'\sspans="[^"]*"', b"", existing.group("attrs")) if existing else b' r="%d"' % number
    return b"<%srow%s>%s</%srow>" % (p, attrs, b"".join(kept[i] for i in sorted(kept)), p)


def data_prefix(xml: bytes) -> bytes:
    """The namespace prefix of a worksheet's cell data (`x:`), empty in the default namespace."""
    data = _SHEET_DATA.search(xml)
    return (data.group("p") if data else None) or b""


def _put_row(xml: bytes, rows: Mapping[int, re.Match[bytes]], number: int, row: bytes) -> bytes:
    """Replace row `number`, or insert it before the first row below it (or at the end of sheetData)."""
    if number in rows:
        found = rows[number]
        return xml[: found.start()] + row + xml[found.end() :]
    below = [rows[n].start() for n in rows if n > number]
    if below:
        at = min(below)
        return xml[:at] + row + xml[at:]
    data = _SHEET_DATA.search(xml)
    if data is None:
        raise _fail("file-no-register", "Its sheet has no cell data part.")
    if data.group("empty"):
        p = data.group("p") or b""
        opened = data.group()[:-2] + b">"
        return xml[: data.start()] + opened + row + b"</%ssheetData>" % p + xml[data.end() :]
    close = _SHEET_DATA_END.search(xml, data.end())
    if close is None:
        raise _fail("file-no-register", "Its sheet data is not closed.")
    return xml[: close.start()] + row + xml[close.start() :]


def _grow(xml: bytes, last_row: int) -> bytes:
    """Every table, autoFilter and dimension range now reaches down to `last_row` at least."""

    def grow(m: re.Match[bytes]) -> bytes:
        end = max(int(m.group(5)), last_row)
        return m.group(1) + m.group(2) + m.group(3) + b":" + m.group(4) + b"%d" % end + m.group(6)

    return _REF.sub(grow, xml)


def unregister_documents(package: Package, doc_nos: Sequence[str]) -> None:
    """Take the rows of `doc_nos` (trimmed, ignoring case) out of the register: the rows below move
    up (cells renumbered), the freed rows at the end go, and the Table ends at the last row kept
    (never above its first data row)."""
    gone = {d.strip().casefold() for d in doc_nos}
    register = _open_register(package)
    if register is None:
        return
    xml, text, rows, header, last = (
        register.xml,
        register.texts,
        register.rows,
        register.header,
        register.last,
    )
    table_part, table = register.table_part, register.table
    doc = register.columns.get("doc_no")
    if doc is None:
        return
    body = [n for n in sorted(rows) if header < n <= last]

    def doc_no(n: int) -> str:
        cell = cells_by_column(rows[n]).get(doc)
        return text(cell.group("attrs"), cell.group("body")).strip().casefold() if cell else ""

    kept = [n for n in body if doc_no(n) not in gone]
    if len(kept) == len(body):
        return
    moved = {n: header + 1 + i for i, n in enumerate(kept)}
    pieces, at = [], 0
    for n in body:
        row = rows[n]
        pieces += [xml[at : row.start()], _renumbered(row.group(), n, moved[n]) if n in moved else b""]
        at = row.end()
    pieces.append(xml[at:])
    package.write(register.part, b"".join(pieces))
    if table_part and table:
        end = b"%d" % max(header + len(kept), header + 1)
        package.write(table_part, _TABLE_END.sub(lambda m: m.group(1) + end + m.group(3), table))


@dataclass(frozen=True, slots=True)
class _Register:
    """The Documents sheet as both register writers read it: its rows, its Table and header."""

    part: str
    xml: bytes
    texts: Callable[[bytes, bytes | None], str]
    rows: dict[int, re.Match[bytes]]
    table_part: str | None
    table: bytes | None
    header: int
    last: int
    columns: dict[str, int]


def _open_register(package: Package) -> _Register | None:
    """The register, or None when the book has no Documents worksheet."""
    sheet = package.sheet(DOCUMENTS.name)
    if sheet is None or not sheet.is_worksheet:
        return None
    xml = package.read(sheet.part)
    texts = cell_texts(package)
    rows = rows_by_number(xml)
    table_part = _table_part(package, sheet.part)
    table = package.read(table_part) if table_part else None
    header, last = _table_rows(table) if table else (_header_row(rows, texts), max(rows, default=0))
    return _Register(
        sheet.part, xml, texts, rows, table_part, table, header, last, _columns(rows.get(header), texts)
    )


def _renumbered(row: bytes, old: int, new: int) -> bytes:
    """A row's XML with its row number and each cell reference moved from `old` to `new`."""
    if old == new:
        return row
    return re.sub(rb'(\sr="[A-Z]*)%d"' % old, rb'\g<1>%d"' % new, row)
