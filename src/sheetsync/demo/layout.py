"""Give a template-built workbook the layout quirks of a hand-kept one, in the package XML.

Two quirks: title rows above a table (every row, cell reference, frozen pane, dropdown range
and the Table's range move down) and headers renamed to an alias (the header cell and the
Table column name change together, as Excel does when a user retypes a header). Every other
part of the package is copied unchanged.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape, unescape

from sheetsync.excel_limits import MAX_ROWS

_SHEET = re.compile(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(r'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"')
_REL_TARGET = re.compile(r'<Relationship [^>]*?Target="([^"]+)"')
_CELL_REF = re.compile(r'(<c r="[A-Z]+)(\d+)"')
_ROW_REF = re.compile(r'(<row r=")(\d+)"')
_RANGE = re.compile(r'((?:ref|sqref|topLeftCell|activeCell)=")([^"]+)"')
_A1 = re.compile(r"([A-Z]+)(\d+)")
_HEADER_CELL = re.compile(r'<c r="([A-Z]+1)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


def _targets(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part name (`xl/worksheets/sheet1.xml`)."""
    rels = dict(_REL.findall(zf.read("xl/_rels/workbook.xml.rels").decode()))
    return {name: "xl/" + rels[rid].lstrip("/").removeprefix("xl/") for name, rid in _SHEET.findall(
        zf.read("xl/workbook.xml").decode())}  # fmt: skip


def _table_part(zf: zipfile.ZipFile, sheet_part: str) -> str | None:
    path = PurePosixPath(sheet_part)
    rels = f"{path.parent}/_rels/{path.name}.rels"
    if rels not in zf.namelist():
        return None
    for target in _REL_TARGET.findall(zf.read(rels).decode()):
        if "tables/" in target:
            return str(PurePosixPath(path.parent, target)).replace("worksheets/../", "")
    return None


def _shift_range(text: str, by: int) -> str:
    return _A1.sub(lambda m: f"{m.group(1)}{min(int(m.group(2)) + by, MAX_ROWS)}", text)


def _shift(xml: str, by: int) -> str:
    """Move every row, cell reference and range of a part down by `by` rows."""
    xml = _ROW_REF.sub(lambda m: f'{m.group(1)}{int(m.group(2)) + by}"', xml)
    xml = _CELL_REF.sub(lambda m: f'{m.group(1)}{int(m.group(2)) + by}"', xml)
    xml = _RANGE.sub(lambda m: f'{m.group(1)}{_shift_range(m.group(2), by)}"', xml)
    xml = re.sub(r'ySplit="(\d+)"', lambda m: f'ySplit="{int(m.group(1)) + by}"', xml)
    return re.sub(r'(<dimension ref="[A-Z]+)\d+', r"\g<1>1", xml)  # the titles start on row 1


def _title_rows(titles: Sequence[str]) -> str:
    return "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{escape(t)}</t></is></c></row>'
        for i, t in enumerate(titles, start=1)
    )


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    items = re.findall(r"<si>(.*?)</si>", zf.read("xl/sharedStrings.xml").decode(), re.S)
    return ["".join(unescape(t) for t in re.findall(r"<t[^>]*>(.*?)</t>", si, re.S)) for si in items]


def _rename_headers(xml: str, renames: Mapping[str, str], strings: list[str]) -> str:
    """Retype header cells (row 1) named in `renames` as inline strings with the new text."""

    def retype(m: re.Match[str]) -> str:
        ref, attrs, body = m.group(1), m.group(2), m.group(3) or ""
        value = re.search(r"<v>(\d+)</v>", body) if 't="s"' in attrs else None
        text = (
            strings[int(value.group(1))]
            if value
            else unescape("".join(re.findall(r"<t[^>]*>(.*?)</t>", body)))
        )
        if text not in renames:
            return m.group(0)
        style = re.search(r' s="\d+"', attrs)
        cell = f'<c r="{ref}"{style.group(0) if style else ""} t="inlineStr">'
        return f"{cell}<is><t>{escape(renames[text])}</t></is></c>"

    return _HEADER_CELL.sub(retype, xml)


def _rename_table_columns(xml: str, renames: Mapping[str, str]) -> str:
    for old, new in renames.items():
        xml = re.sub(
            rf'(<tableColumn id="\d+" name="){re.escape(escape(old))}"', rf'\g<1>{escape(new)}"', xml
        )
    return xml


def apply_layout(
    source: Path, target: Path, titles: Mapping[str, Sequence[str]], renames: Mapping[str, Mapping[str, str]]
) -> None:
    """Copy `source` to `target` with title rows above and headers renamed on the named sheets."""
    with zipfile.ZipFile(source) as zf, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        parts = _targets(zf)
        strings = _shared_strings(zf)
        edits: dict[str, str] = {}
        for sheet in sorted(set(titles) | set(renames)):
            sheet_part, table_part = parts[sheet], _table_part(zf, parts[sheet])
            xml = edits.get(sheet_part, zf.read(sheet_part).decode())
            table = zf.read(table_part).decode() if table_part else None
            if sheet in renames:
                xml = _rename_headers(xml, renames[sheet], strings)
                table = table and _rename_table_columns(table, renames[sheet])
            if titles.get(sheet):
                k = len(titles[sheet])
                xml = _shift(xml, k).replace("<sheetData>", "<sheetData>" + _title_rows(titles[sheet]), 1)
                table = table and _shift(table, k)
            edits[sheet_part] = xml
            if table_part and table is not None:
                edits[table_part] = table
        for info in zf.infolist():
            data = edits[info.filename].encode() if info.filename in edits else zf.read(info.filename)
            out.writestr(info, data, compress_type=info.compress_type)
