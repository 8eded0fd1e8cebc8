"""Grow a user's sheet at the package level: headers added to the right, rows added below.

`sheetsync upgrade` adds what a newer contract has to an existing book through these two
edits. `AddColumns` writes header cells to the right of a sheet's columns, each styled like
the header on its left, gives the columns their widths (and the number format of a sibling
column, `like`), and — when the headers belong to an Excel Table — grows the Table's range,
its autofilter and its column list. `AddRows` writes rows below a sheet's last row (Settings
keys), each cell styled like the text cell above it, and grows a Table that ended just above them.
Both refuse to write over a cell that holds a value. Only the sheet's part and its Table's part
change; text goes in as inline strings, so sharedStrings.xml is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sheetsync.a1 import column_letter
from sheetsync.edits import AddColumns, AddRows
from sheetsync.findings import WRITE_ERRORS, FileError
from sheetsync.io.guard.xml_guard import column_number
from sheetsync.io.ooxml import workbook_xml as wx
from sheetsync.io.ooxml.package import Package, SheetPart
from sheetsync.io.ooxml.register import (
    STYLE_ATTR,
    TYPE_ATTR,
    cell_texts,
    cells_by_column,
    data_prefix,
    put_rows,
    render_row,
    rows_by_number,
)
from sheetsync.io.ooxml.xml_text import escape_attr

_TABLE_REF = re.compile(rb'<(?:[\w.-]+:)?table\b[^>]*?\sref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_REF = re.compile(
    rb'(<(?:[\w.-]+:)?(?:table|autoFilter|dimension)\b[^>]*?\sref=")([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?(")'
)
_DIMENSION = re.compile(rb'(<(?:[\w.-]+:)?dimension\b[^>]*?\sref=")([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?(")')
_TEXT = (b"s", b"inlineStr", b"str")
_COLS = re.compile(rb"<(?P<p>[\w.-]+:)?cols\b[^>]*>(?P<body>.*?)</(?:[\w.-]+:)?cols>", re.S)
_COL = re.compile(rb"<(?:[\w.-]+:)?col\b[^>]*?/>")
_SHEET_DATA = re.compile(rb"<(?P<p>[\w.-]+:)?sheetData\b")
_TABLE_COLUMNS = re.compile(
    rb'(<(?:[\w.-]+:)?tableColumns\b[^>]*?\scount=")(\d+)("[^>]*>)(.*?)(</(?:[\w.-]+:)?tableColumns>)', re.S
)
_TABLE_COLUMN = re.compile(
    rb"<(?P<p>[\w.-]+:)?tableColumn\b(?P<attrs>[^>]*?)(?:/>|>.*?</(?:[\w.-]+:)?tableColumn>)", re.S
)


@dataclass(frozen=True, slots=True)
class TablePart:
    """An Excel Table on a sheet: its name, part, and range (Excel rows, 0-based columns)."""

    name: str
    part: str
    first_row: int
    first_column: int
    last_row: int
    last_column: int
    header_rows: int  # 0 when the Table shows no header row
    has_rels: bool  # a query table or other part hangs off the Table


def _fail(detail: str) -> FileError:
    return FileError(
        "file-write-failed", f"{WRITE_ERRORS['file-write-failed']} {detail}; nothing was written."
    )


def sheet_tables(package: Package, sheet: SheetPart) -> list[TablePart]:
    """The Excel Tables of a worksheet, in the order its relationships list them."""
    rels = wx.rels_path(sheet.part)
    if not package.exists(rels):
        return []
    out = []
    for tag in wx.tags(package.read(rels), b"Relationship"):
        if not tag.attrs.get("Type", "").endswith("/table") or tag.attrs.get("TargetMode") == "External":
            continue
        part = wx.resolve(sheet.part, tag.attrs["Target"])
        if not package.exists(part):
            continue
        head = package.head(part, 4096)
        ref = _TABLE_REF.search(head)
        start = re.search(rb"<(?:[\w.-]+:)?table\b[^>]*>", head)
        if ref is None or start is None:
            continue
        name = re.search(rb'\sname="([^"]*)"', start.group())
        headers = re.search(rb'\sheaderRowCount="(\d+)"', start.group())
        out.append(TablePart(
            name=name.group(1).decode() if name else "", part=part,
            first_row=int(ref.group(2)), first_column=column_number(ref.group(1).decode()) - 1,
            last_row=int(ref.group(4)), last_column=column_number(ref.group(3).decode()) - 1,
            header_rows=int(headers.group(1)) if headers else 1, has_rels=package.exists(wx.rels_path(part)),
        ))  # fmt: skip
    return out


def _worksheet(package: Package, name: str) -> SheetPart:
    sheet = package.sheet(name)
    if sheet is None or not sheet.is_worksheet:
        raise _fail(f"the book has no worksheet {name!r}")
    return sheet


def _grow_dimension(xml: bytes, last_row: int, last_column: int) -> bytes:
    """The sheet's dimension grown to reach `last_row` and `last_column` (0-based) at least."""

    def grow(m: re.Match[bytes]) -> bytes:
        first_col, first_row = m.group(2), m.group(3)
        end_col = column_number((m.group(4) or m.group(2)).decode()) - 1
        end_row = int(m.group(5) or m.group(3))
        end = column_letter(max(end_col, last_column)).encode() + b"%d" % max(end_row, last_row)
        return m.group(1) + first_col + first_row + b":" + end + m.group(6)

    return _DIMENSION.sub(grow, xml, count=1)


def _value_at(
    xml: bytes, rows: range, columns: range, text: Callable[[bytes, bytes | None], str]
) -> str | None:
    """The A1 address of the first cell of `rows` x `columns` that holds a value (one scan of the
    sheet for those columns' cells, not a parse of every row)."""
    letters = b"|".join(column_letter(i).encode() for i in columns)
    cells = re.compile(
        rb'<(?:[\w.-]+:)?c\b(?P<attrs>[^>]*?\sr="(?P<col>' + letters + rb')(?P<row>\d+)"[^>]*?)'
        rb"(?:/>|>(?P<body>.*?)</(?:[\w.-]+:)?c>)",
        re.S,
    )
    for cell in cells.finditer(xml):
        if int(cell.group("row")) in rows and text(cell.group("attrs"), cell.group("body")):
            return f"{cell.group('col').decode()}{cell.group('row').decode()}"
    return None


def add_columns(package: Package, edit: AddColumns) -> None:
    """Write `edit.headers` from `edit.first_column` on `edit.header_row` (see the module)."""
    sheet = _worksheet(package, edit.sheet)
    xml = package.read(sheet.part)
    rows = rows_by_number(xml)
    text = cell_texts(package)
    new = range(edit.first_column, edit.first_column + len(edit.headers))
    table = next((t for t in sheet_tables(package, sheet) if t.name == edit.table), None)
    if edit.table is not None:
        if table is None or table.has_rels or table.header_rows != 1 or table.first_row != edit.header_row:
            raise _fail(f"the Table {edit.table!r} on {edit.sheet!r} cannot take new columns")
        if table.last_column + 1 != edit.first_column:
            raise _fail(f"the new columns of {edit.sheet!r} do not follow its Table {edit.table!r}")
    last = table.last_row if table is not None else max(rows, default=0)
    taken = _value_at(xml, range(edit.header_row, last + 1), new, text)
    if taken is not None:
        raise _fail(f"{edit.sheet}!{taken} holds a value where a new column would go")
    header = rows.get(edit.header_row)
    cells = cells_by_column(header)
    lefts = [i for i, c in cells.items() if i < edit.first_column and text(c.group("attrs"), c.group("body"))]
    style = STYLE_ATTR.search(cells[max(lefts)].group("attrs")) if lefts else None
    styled = b' s="%s"' % style.group(1) if style else b""
    columns = {h: i for h, i in zip(edit.headers, new, strict=True)}
    row = render_row(header, edit.header_row, columns, dict(zip(edit.headers, edit.headers, strict=True)),
                      lambda _: styled, False, data_prefix(xml))  # fmt: skip
    xml = put_rows(xml, rows, {edit.header_row: row})
    col_styles = _col_styles(xml)
    likes = list(edit.like) + [None] * (len(edit.headers) - len(edit.like))
    xml = _add_cols(xml, {i: (w, col_styles.get(like) if like is not None else None)
                          for i, w, like in zip(new, edit.widths, likes, strict=True)})  # fmt: skip
    xml = _grow_dimension(xml, edit.header_row, new[-1])
    package.write(sheet.part, xml)
    if table is not None:
        package.write(table.part, _grown_table(package.read(table.part), table, edit, likes))


def _grown_table(xml: bytes, table: TablePart, edit: AddColumns, likes: Sequence[int | None]) -> bytes:
    """The Table part with the new columns: range, autofilter and column list."""
    listed = _TABLE_COLUMNS.search(xml)
    if listed is None:
        raise _fail(f"the Table {table.name!r} lists no columns")
    existing = list(_TABLE_COLUMN.finditer(listed.group(4)))
    names = {_attr(c, b"name").casefold() for c in existing}
    if any(h.casefold() in names for h in edit.headers):
        raise _fail(f"the Table {table.name!r} already has a column named like a new one")
    next_id = max((int(_attr(c, b"id") or 0) for c in existing), default=0) + 1
    p = existing[0].group("p") or b"" if existing else b""
    added = []
    for offset, (header, like) in enumerate(zip(edit.headers, likes, strict=True)):
        dxf = b""
        if like is not None and 0 <= like - table.first_column < len(existing):
            found = re.search(rb'\sdataDxfId="(\d+)"', existing[like - table.first_column].group("attrs"))
            dxf = b' dataDxfId="%s"' % found.group(1) if found else b""
        added.append(b'<%stableColumn id="%d" name="%s"%s/>'
                     % (p, next_id + offset, escape_attr(header).encode(), dxf))  # fmt: skip
    count = int(listed.group(2)) + len(edit.headers)
    xml = (
        xml[: listed.start()] + listed.group(1) + b"%d" % count + listed.group(3) + listed.group(4)
        + b"".join(added) + listed.group(5) + xml[listed.end() :]
    )  # fmt: skip
    last = edit.first_column + len(edit.headers) - 1
    return _REF.sub(lambda m: _widened(m, last), xml)


def _widened(m: re.Match[bytes], last_column: int) -> bytes:
    """A table or autoFilter range reaching `last_column` (its rows as they were)."""
    end_row = m.group(5) or m.group(3)
    return (
        m.group(1)
        + m.group(2)
        + m.group(3)
        + b":"
        + column_letter(last_column).encode()
        + end_row
        + m.group(6)
    )


def _attr(match: re.Match[bytes], name: bytes) -> str:
    found = re.search(rb"\s" + name + rb'="([^"]*)"', match.group("attrs"))
    return found.group(1).decode() if found else ""


def _col_styles(xml: bytes) -> dict[int, bytes]:
    """0-based column -> its `<col style>` value."""
    out: dict[int, bytes] = {}
    for col in wx.tags(xml, b"col"):
        if "style" in col.attrs:
            for index in range(int(col.attrs.get("min", 1)) - 1, int(col.attrs.get("max", 1))):
                out[index] = col.attrs["style"].encode()
    return out


def _add_cols(xml: bytes, wanted: Mapping[int, tuple[float, bytes | None]]) -> bytes:
    """`<col>` entries (width, style) for 0-based columns no existing entry covers, in order."""
    covered = {
        i
        for col in wx.tags(xml, b"col")
        for i in range(int(col.attrs.get("min", 1)) - 1, int(col.attrs.get("max", 1)))
    }
    fresh = {i: v for i, v in wanted.items() if i not in covered}
    if not fresh:
        return xml
    found = _COLS.search(xml)
    data = _SHEET_DATA.search(xml)
    p = (found.group("p") if found else data.group("p") if data else None) or b""

    def col(index: int) -> tuple[int, bytes]:
        width, style = fresh[index]
        s = b' style="%s"' % style if style and style != b"0" else b""
        return index + 1, b'<%scol min="%d" max="%d" width="%s" customWidth="1"%s/>' % (
            p, index + 1, index + 1, f"{width:g}".encode(), s)  # fmt: skip

    entries = [col(i) for i in sorted(fresh)]
    if found is None:
        if data is None:
            raise _fail("the sheet has no cell data")
        block = b"<%scols>%s</%scols>" % (p, b"".join(e for _, e in entries), p)
        return xml[: data.start()] + block + xml[data.start() :]
    body = found.group("body")
    pieces: list[tuple[int, bytes]] = [
        (int(m.group(1)), c.group())
        for c in _COL.finditer(body)
        if (m := re.search(rb'\smin="(\d+)"', c.group()))
    ]
    merged = b"".join(e for _, e in sorted(pieces + entries, key=lambda t: t[0]))
    start = found.start("body")
    return xml[:start] + merged + xml[found.end("body") :]


def add_rows(package: Package, edit: AddRows) -> None:
    """Write `edit.rows` from `edit.first_row` down, from `edit.first_column` (see the module)."""
    sheet = _worksheet(package, edit.sheet)
    xml = package.read(sheet.part)
    rows = rows_by_number(xml)
    text = cell_texts(package)
    numbers = range(edit.first_row, edit.first_row + len(edit.rows))
    width = max((len(r) for r in edit.rows), default=0)
    columns = range(edit.first_column, edit.first_column + width)
    taken = _value_at(xml, numbers, columns, text)
    if taken is not None:
        raise _fail(f"{edit.sheet}!{taken} holds a value where a new row would go")
    above = cells_by_column(rows.get(edit.first_row - 1))

    def style(index: int) -> bytes:
        """The style of the text cell above (a key, an explanation); a date's or a number's is not
        a new value's (Today's date format would show Due Soon Days as a date)."""
        cell = above.get(index)
        kind = TYPE_ATTR.search(cell.group("attrs")) if cell is not None else None
        found = (
            STYLE_ATTR.search(cell.group("attrs"))
            if cell is not None and kind and kind.group(1) in _TEXT
            else None
        )
        return b' s="%s"' % found.group(1) if found and found.group(1) != b"0" else b""

    written = {}
    for number, values in zip(numbers, edit.rows, strict=True):
        keys = {str(i): edit.first_column + i for i in range(len(values))}
        given = {str(i): v for i, v in enumerate(values)}
        written[number] = render_row(rows.get(number), number, keys, given, style, False, data_prefix(xml))
    xml = put_rows(xml, rows, written)
    last = edit.first_row + len(edit.rows) - 1
    xml = _grow_dimension(xml, last, columns[-1] if width else 0)
    package.write(sheet.part, xml)
    for table in sheet_tables(package, sheet):
        if (
            table.last_row == edit.first_row - 1
            and table.first_column <= edit.first_column <= table.last_column
        ):
            package.write(table.part, _grow_rows(package.read(table.part), last))


def _grow_rows(xml: bytes, last_row: int) -> bytes:
    """A Table part whose range and autofilter reach down to `last_row`."""

    def grow(m: re.Match[bytes]) -> bytes:
        end_col = m.group(4) or m.group(2)
        return m.group(1) + m.group(2) + m.group(3) + b":" + end_col + b"%d" % last_row + m.group(6)

    return _REF.sub(grow, xml)
