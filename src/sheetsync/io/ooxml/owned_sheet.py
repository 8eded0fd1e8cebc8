"""Render a sheet sheetsync owns (`ReplaceSheet`) as worksheet XML.

Text goes in as inline strings (`t="inlineStr"`), so sharedStrings.xml is never touched, and
only an explicit `Formula` value becomes a formula: user text such as `=cmd|' /C calc'!A0`
stays text.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sheetsync.a1 import column_letter
from sheetsync.edits import NUMBER_FORMATS, Formula, ReplaceSheet, Value
from sheetsync.excel_limits import MAX_CELL_TEXT
from sheetsync.io.ooxml.xml_text import escape_attr, escape_text, text_of

NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
# The same sets in RE2 syntax, for Arrow: what `escape_text` / `xml_text.escape_attr` change.
_ILLEGAL_RE2 = r"\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}\x{fffe}\x{ffff}"
_NEEDS_ESCAPE_RE2 = rf"[&<>{_ILLEGAL_RE2}]|_x[0-9A-Fa-f]{{4}}_"
_ATTR_SPECIAL_RE2 = rf'[&<>"\n\r\t{_ILLEGAL_RE2}]|_x[0-9A-Fa-f]{{4}}_'
ROWS_PER_CHUNK = 2000
ROWS_PER_BATCH = 50_000  # rendered at once (see `_data_rows`)


def inline_string(value: str) -> str:
    """An inline string's <is> element (escaped only when it must be: most text is plain)."""
    value = value[:MAX_CELL_TEXT]
    text = escape_text(value) if _NEEDS_ESCAPE.search(value) else value
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def cell_xml(ref: str, value: Value, style: str) -> str:
    """One cell: text inline (never a formula), numbers as numbers, a `Formula` with its cached value."""
    if isinstance(value, str):
        return f'<c r="{ref}"{style} t="inlineStr">{inline_string(value)}</c>'
    if isinstance(value, Formula):
        return _formula(ref, value, style)
    if value is None or math.isnan(value):
        return f'<c r="{ref}"{style}/>' if style else ""
    return f'<c r="{ref}"{style}><v>{value!r}</v></c>'


def _formula(ref: str, formula: Formula, style: str) -> str:
    """A formula cell with its cached value (text: t="str"; a number; or none)."""
    body = f"<f>{escape_text(formula.expression[1:])}</f>"
    cached = formula.cached
    if isinstance(cached, str):
        return f'<c r="{ref}"{style} t="str">{body}<v>{escape_text(cached[:MAX_CELL_TEXT])}</v></c>'
    if cached is None or math.isnan(cached):
        return f'<c r="{ref}"{style}>{body}</c>'
    return f'<c r="{ref}"{style}>{body}<v>{cached!r}</v></c>'


def _header_row(edit: ReplaceSheet, header_xf: int) -> str:
    style = f' s="{header_xf}"'
    return (
        '<row r="1">'
        + "".join(cell_xml(f"{column_letter(i)}1", c.header, style) for i, c in enumerate(edit.columns))
        + "</row>"
    )


def _chunks(xml: pa.Array, per_chunk: int) -> Iterator[bytes]:
    """The concatenated text of an Arrow string array, `per_chunk` items at a time, no per-item Python."""
    if xml.null_count:
        raise ValueError("rendered XML has a null item")
    offsets = np.frombuffer(xml.buffers()[1], dtype=np.int32)[xml.offset : xml.offset + len(xml) + 1]
    data = xml.buffers()[2]
    for start in range(0, len(xml), per_chunk):
        end = min(start + per_chunk, len(xml))
        if offsets[end] > offsets[start]:
            yield data[offsets[start] : offsets[end]].to_pybytes()


def _data_rows(
    edit: ReplaceSheet, link: str, number_xfs: Mapping[int, int], start: int, stop: int
) -> pa.Array:
    """The XML of data rows `start`..`stop` (0-based), built column by column in Arrow.

    Rendered a batch at a time: an Issues sheet can have a million rows, whose XML would take
    gigabytes at once.
    """
    batch = edit.rows[start:stop]
    count = len(batch)
    letters = [column_letter(i) for i in range(len(edit.columns))]
    numbers = pa.array(range(start + 2, start + count + 2), type=pa.int64()).cast(pa.string())
    linked: dict[int, list[int]] = {}
    for n, i in edit.links:
        if start <= n < stop:
            linked.setdefault(i, []).append(n - start)
    cells = []
    for i, values in enumerate(zip(*batch, strict=True)):
        number_format = edit.columns[i].number_format
        plain = f' s="{number_xfs[NUMBER_FORMATS[number_format]]}"' if number_format else ""
        styles: pa.Array | str | None = plain or None
        if i in linked:
            mask = np.zeros(count, dtype=bool)
            mask[linked[i]] = True
            styles = pc.if_else(pa.array(mask), link, plain)
        if set(map(type, values)) <= {str, type(None)}:
            cells.append(_text_cells(values, letters[i], numbers, styles))
        else:
            marked = set(linked.get(i, ()))
            cells.append(
                pa.array(
                    [
                        ""
                        if v is None
                        else cell_xml(f"{letters[i]}{start + n + 2}", v, link if n in marked else plain)
                        for n, v in enumerate(values)
                    ],
                    type=pa.string(),
                )
            )
    return pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")


def _text_cells(
    values: tuple[str | None, ...], letter: str, numbers: pa.Array, styles: pa.Array | str | None
) -> pa.Array:
    """Inline-string cells for a column of text (None: no cell), exactly as `cell_xml` writes them."""
    text = pc.utf8_slice_codeunits(pa.array(values, type=pa.string()), 0, MAX_CELL_TEXT)
    special = pc.fill_null(pc.match_substring_regex(text, _NEEDS_ESCAPE_RE2), False)
    if pc.any(special).as_py():
        escaped = [
            escape_text(v) if v is not None and s else v
            for v, s in zip(text.to_pylist(), special.to_pylist(), strict=True)
        ]
        text = pa.array(escaped, type=pa.string())
    first = pc.utf8_slice_codeunits(text, 0, 1)
    last = pc.utf8_slice_codeunits(text, -1, 2**31 - 1)
    preserve = pc.fill_null(pc.or_(pc.utf8_is_space(first), pc.utf8_is_space(last)), False)
    opening = pc.if_else(preserve, '<is><t xml:space="preserve">', "<is><t>")
    style = "" if styles is None else styles
    cell = pc.binary_join_element_wise(
        f'<c r="{letter}', numbers, '"', style, ' t="inlineStr">', opening, text, "</t></is></c>", ""
    )
    return pc.fill_null(cell, "")


def _views(edit: ReplaceSheet) -> str:
    if not edit.freeze_header:
        return '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    return (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        'sqref="A2"/></sheetView></sheetViews>'
    )


def filter_range(edit: ReplaceSheet) -> str:
    """The autofilter range in absolute form: header row to the last data row."""
    return f"$A$1:${column_letter(len(edit.columns) - 1)}${len(edit.rows) + 1}"


def render_chunks(
    edit: ReplaceSheet, header_xf: int, link_xf: int, number_xfs: Mapping[int, int] | None = None
) -> Iterator[bytes]:
    """The worksheet part for `edit`, in chunks (a 400,000-row Issues sheet never sits in memory).

    `header_xf` / `link_xf` are the cell formats for the header and hyperlink cells;
    `number_xfs` maps each built-in number format the columns use to its cell format.
    """
    width = len(edit.columns)
    last = f"{column_letter(width - 1)}{len(edit.rows) + 1}"
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{c.width:g}" customWidth="1"/>'
        for i, c in enumerate(edit.columns, start=1)
    )
    yield (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>'
        f'<sheetPr><tabColor rgb="FFC0504D"/></sheetPr><dimension ref="A1:{last}"/>{_views(edit)}'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
    ).encode()
    yield _header_row(edit, header_xf).encode()
    yield from data_rows_xml(edit, link_xf, number_xfs)
    yield b"</sheetData>" + (f'<autoFilter ref="A1:{last}"/>'.encode() if edit.autofilter else b"")
    if edit.links:
        yield b"<hyperlinks>"
        yield from _chunks(_hyperlinks(edit), ROWS_PER_CHUNK)
        yield b"</hyperlinks>"
    yield b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    yield b"</worksheet>"


def data_rows_xml(
    edit: ReplaceSheet, link_xf: int, number_xfs: Mapping[int, int] | None = None
) -> Iterator[bytes]:
    """The data rows of `edit` only, in chunks (for a sheet whose frame is written elsewhere)."""
    for start in range(0, len(edit.rows), ROWS_PER_BATCH):
        stop = start + ROWS_PER_BATCH
        yield from _chunks(_data_rows(edit, f' s="{link_xf}"', number_xfs or {}, start, stop), ROWS_PER_CHUNK)


def _hyperlinks(edit: ReplaceSheet) -> pa.Array:
    """One `<hyperlink>` per link, by row then column, built in Arrow (an Issues sheet has 100,000s)."""
    count = len(edit.links)
    keys = np.fromiter(itertools.chain.from_iterable(edit.links), dtype=np.int64, count=2 * count)
    rows, columns = keys[0::2], keys[1::2]
    order = np.lexsort((columns, rows))
    targets = pa.array(list(edit.links.values()), type=pa.string()).take(pa.array(order))
    special = pc.fill_null(pc.match_substring_regex(targets, _ATTR_SPECIAL_RE2), False)
    if pc.any(special).as_py():
        pairs = zip(targets.to_pylist(), special.to_pylist(), strict=True)
        targets = pa.array([escape_attr(t) if s else t for t, s in pairs], type=pa.string())
    letters = pa.array([column_letter(i) for i in range(len(edit.columns))], type=pa.string())
    column = letters.take(pa.array(columns[order]))
    row = pa.array(rows[order] + 2).cast(pa.string())
    return pc.binary_join_element_wise('<hyperlink ref="', column, row, '" location="', targets, '"/>', "")


def render(
    edit: ReplaceSheet, header_xf: int, link_xf: int, number_xfs: Mapping[int, int] | None = None
) -> bytes:
    """The whole worksheet part for `edit` (small sheets, tests)."""
    return b"".join(render_chunks(edit, header_xf, link_xf, number_xfs))


def first_row(sheet_head: bytes, shared_string: Callable[[int], str]) -> list[str]:
    """The text of row 1 from the start of a worksheet part (inline, shared or formula strings)."""
    start = re.search(rb"<(?:[\w.-]+:)?row\b[^>]*>", sheet_head)
    if start is None or not re.search(rb'\sr="1"', start.group()):
        return []
    end = sheet_head.find(b"row>", start.end())
    texts = []
    cells = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
    for cell in cells.finditer(sheet_head[start.end() : end]):
        kind = re.search(rb'\st="(\w+)"', cell.group(1))
        text = text_of(cell.group(2) or b"", b"tv")
        if kind and kind.group(1) == b"s" and text.isdigit():
            text = shared_string(int(text))
        texts.append(text)
    return texts
