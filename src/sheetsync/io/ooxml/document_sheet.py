"""Write document tabs (`DocumentSheet`), freeze them (`FreezeSheet`), add the register (`AddRegister`).

A document tab is small (a page or two), so it is rendered whole. It prints on A4, one page
wide, its print area and repeated rows set as Excel's own defined names (`_xlnm.Print_Area`,
`_xlnm.Print_Titles`), which LibreOffice reads too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from sheetsync.edits import AddRegister, DocumentSheet, FreezeSheet
from sheetsync.findings import FileError
from sheetsync.io.guard.xml_guard import column_number
from sheetsync.io.ooxml import workbook_xml as wx
from sheetsync.io.ooxml.document_styles import ensure_document_styles
from sheetsync.io.ooxml.owned_sheet import NS, cell_xml, first_row
from sheetsync.io.ooxml.package import CONTENT_TYPES, Package, SheetPart
from sheetsync.io.ooxml.xml_text import declared_prefix, escape_attr, escape_text, root_prefix, text_of

TABLE_REL = wx.REL_NS.decode() + "/table"
TABLE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
HIDDEN = ' hidden="1"'
FOOTER = "&amp;L&amp;8&amp;A&amp;R&amp;8Page &amp;P of &amp;N"  # tab name left, page of pages right
_A1 = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")


def _split(ref: str) -> tuple[int, int]:
    found = _A1.match(ref)
    if found is None:
        raise ValueError(f"not a cell address: {ref!r}")
    return int(found.group(2)), column_number(found.group(1))


def render(edit: DocumentSheet, xfs: Mapping[str, int]) -> bytes:
    """The worksheet part of a document tab."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for ref, cell in edit.cells.items():
        row, column = _split(ref)
        rows.setdefault(row, []).append((column, cell_xml(ref, cell.value, f' s="{xfs[cell.style]}"')))
    heights = {n: f' ht="{h:g}" customHeight="1"' for n, h in edit.heights.items()}
    body = "".join(
        f'<row r="{n}"{heights.get(n, "")}>' + "".join(xml for _, xml in sorted(rows[n])) + "</row>"
        for n in sorted(rows)
    )
    hidden = {column_number(letter) for letter in edit.hidden}
    widths = dict(enumerate(edit.widths, start=1)) | {i: 8.0 for i in hidden if i > len(edit.widths)}
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"{HIDDEN if i in hidden else ""}/>'
        for i, w in sorted(widths.items())
    )
    merges = "".join(f'<mergeCell ref="{m}"/>' for m in edit.merges)
    last = max(rows, default=1)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>'
        '<sheetPr><tabColor rgb="FF2F5597"/><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{edit.print_area.split(":")[-1].replace("$", "") if last else "A1"}"/>'
        '<sheetViews><sheetView showGridLines="0" workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="13"/><cols>{cols}</cols><sheetData>{body}</sheetData>'
        + (f'<mergeCells count="{len(edit.merges)}">{merges}</mergeCells>' if edit.merges else "")
        + '<printOptions horizontalCentered="1"/>'
        '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="portrait" fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter><oddFooter>{FOOTER}</oddFooter></headerFooter>"
        "</worksheet>"
    ).encode()


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _owned(package: Package, sheet: SheetPart, title: str) -> None:
    """Refuse to replace a tab whose A1 is not the document's title: it is not sheetsync's."""
    row = first_row(package.head(sheet.part), package.shared_text())
    if not row or row[0].strip() != title:
        raise FileError(
            "file-sheet-taken",
            f"The book has its own sheet named {sheet.name!r}; rename it so sheetsync can write its own.",
        )


def add_document(package: Package, edit: DocumentSheet) -> None:
    """Add one document tab (see `add_documents`)."""
    add_documents(package, [edit])


def add_documents(package: Package, edits: Sequence[DocumentSheet]) -> None:
    """Add the tabs after the last one, replacing `replaces` / a tab of the same name first.

    All tabs go in with one edit of workbook.xml, its relationships and the content types, so
    documents for a thousand orders cost one pass over each, not one per tab.
    """
    if package.styles is None:
        raise FileError("file-corrupt", "the workbook has no styles part")
    styles, xfs = ensure_document_styles(package.read(package.styles))
    package.write(package.styles, styles)
    sheets = {s.name.casefold(): s for s in package.sheets()}
    for edit in edits:
        for old in dict.fromkeys(n.casefold() for n in (edit.replaces, edit.name) if n):
            if old in sheets:
                _owned(package, sheets[old], edit.title)
                package.remove_sheet(sheets[old])
                sheets = {s.name.casefold(): s for s in package.sheets()}
    _add_worksheets(package, [(edit, render(edit, xfs)) for edit in edits], len(sheets))


def _add_worksheets(package: Package, parts: Sequence[tuple[DocumentSheet, bytes]], first_index: int) -> None:
    workbook, rels = package.read(package.workbook), package.read(package.rels)
    ids = {t.attrs.get("Id") for t in wx.tags(rels, b"Relationship")}
    sheet_id = max((s.sheet_id for s in package.sheets()), default=0)
    folder = wx.resolve(package.workbook, "worksheets/x")[:-1]
    p = root_prefix(workbook, b"workbook")
    r = declared_prefix(workbook, wx.REL_NS)
    entries, names, relations, overrides = [], [], [], []
    n_rid, n_part = len(ids) + 1, 1
    for i, (edit, xml) in enumerate(parts):
        while f"rId{n_rid}" in ids:
            n_rid += 1
        while package.exists(f"{folder}sheet{n_part}.xml"):
            n_part += 1
        rid, part, sheet_id = f"rId{n_rid}", f"{folder}sheet{n_part}.xml", sheet_id + 1
        ids.add(rid)
        package.owned.add(edit.name)  # sheetsync's tab: the write check expects it after the book's own
        package.write(part, xml)
        entries.append(b'<%ssheet name="%s" sheetId="%d" %s:id="%s"/>'
                       % (p, escape_attr(edit.name).encode(), sheet_id, r, rid.encode()))  # fmt: skip
        names.append(_name(p, "_xlnm.Print_Area", first_index + i, f"{_quoted(edit.name)}!{edit.print_area}"))
        if edit.repeat_rows:
            rows = f"{_quoted(edit.name)}!${edit.repeat_rows[0]}:${edit.repeat_rows[1]}"
            names.append(_name(p, "_xlnm.Print_Titles", first_index + i, rows))
        relations.append(wx.relationship(rid, wx.WORKSHEET_REL, part[len(folder) - len("worksheets/") :]))
        overrides.append(wx.override(part, wx.WORKSHEET_TYPE))
    at = workbook.rindex(b"</" + p + b"sheets>")
    workbook = workbook[:at] + b"".join(entries) + workbook[at:]
    close = b"</" + p + b"definedNames>"
    if close not in workbook:
        workbook = wx.add_defined_name(workbook, "x", "x", 0)  # creates the block; its entry goes again
        workbook = re.sub(rb"<%sdefinedName name=\"x\"[^>]*>x</%sdefinedName>" % (p, p), b"", workbook)
    at = workbook.rindex(close)
    package.write(package.workbook, workbook[:at] + b"".join(names) + workbook[at:])
    package.write(package.rels, wx.add_before_close(rels, b"Relationships", b"".join(relations)))
    types = package.read(CONTENT_TYPES)
    package.write(CONTENT_TYPES, wx.add_before_close(types, b"Types", b"".join(overrides)))


def _name(p: bytes, name: str, index: int, formula: str) -> bytes:
    """A sheet-local defined name (print area, print titles), visible as Excel writes them."""
    return b'<%sdefinedName name="%s" localSheetId="%d">%s</%sdefinedName>' % (
        p, name.encode(), index, escape_text(formula).encode(), p)  # fmt: skip


_CELL = re.compile(rb"<(?P<p>[\w.-]+:)?c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?:[\w.-]+:)?c>)", re.S)
_HAS_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")


def freeze(package: Package, edit: FreezeSheet) -> None:
    """Replace every formula of the tab by its cached value; set `edit.values` on existing cells."""
    sheet = package.sheet(edit.name)
    if sheet is None:
        raise FileError("file-no-register", f"The book has no tab {edit.name!r} to freeze.")
    xml = package.read(sheet.part)
    package.write(sheet.part, _CELL.sub(lambda cell: _frozen(cell, edit.values, edit.freeze), xml))


def _frozen(cell: re.Match[bytes], values: Mapping[str, str | float], freeze: bool = True) -> bytes:
    p, attrs, body = cell.group("p") or b"", cell.group("attrs"), cell.group("body") or b""
    ref = re.search(rb'\sr="([A-Z]+\d+)"', attrs)
    plain = re.sub(rb'\st="\w+"', b"", attrs)
    address = ref.group(1).decode() if ref else None
    if address is not None and address in values:
        return _restyled(p, plain, cell_xml(address, values[address], "").encode())
    if not freeze or not _HAS_FORMULA.search(body):
        return cell.group()
    kind = re.search(rb'\st="(\w+)"', attrs)
    value = text_of(body, b"v")
    if kind and kind.group(1) == b"str":
        return _restyled(p, plain, cell_xml("A1", value, "").encode())
    if not value:
        return b"<%sc%s/>" % (p, plain)
    keep = b' t="%s"' % kind.group(1) if kind and kind.group(1) in (b"b", b"e") else b""
    return b"<%sc%s%s><%sv>%s</%sv></%sc>" % (p, plain, keep, p, value.encode(), p, p)


def _restyled(p: bytes, attrs: bytes, rendered: bytes) -> bytes:
    """`rendered` (an unstyled cell from `cell_xml`) with the original cell's attributes and prefix."""
    found = re.match(rb'<c r="[^"]*"(?P<t>(?: t="\w+")?)>(?P<body>.*)</c>$', rendered, re.S)
    if found is None:
        return b"<%sc%s/>" % (p, attrs)
    body = re.sub(rb"<(/?)", lambda m: b"<" + m.group(1) + p, found.group("body"))
    return b"<%sc%s%s>%s</%sc>" % (p, attrs, found.group("t"), body, p)


def add_register(package: Package, edit: AddRegister) -> None:
    """A Documents sheet holding an empty Table `Documents` with the contract's headers."""
    width = len(edit.headers)
    last_col = _letters(width - 1)
    ref = f"A1:{last_col}2"
    header = "".join(cell_xml(f"{_letters(i)}1", h, "") for i, h in enumerate(edit.headers))
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(edit.widths, 1)
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>'
        f'<dimension ref="{ref}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
        f'<sheetData><row r="1">{header}</row></sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>'
    ).encode()
    package.add_worksheet("Documents", sheet)
    part = package.sheets()[-1].part
    tables = [n for n in package.zip.namelist() if re.match(r"xl/tables/table\d+\.xml$", n)]
    ids = [
        int(m)
        for n in tables
        for m in re.findall(rb'<(?:[\w.-]+:)?table\b[^>]*?\sid="(\d+)"', package.head(n, 4096))
    ]
    number = next(n for n in range(1, 100_000) if not package.exists(f"xl/tables/table{n}.xml"))
    table_part = f"xl/tables/table{number}.xml"
    columns = "".join(
        f'<tableColumn id="{i}" name="{escape_attr(h)}"/>' for i, h in enumerate(edit.headers, 1)
    )
    package.write(table_part, (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'id="{max(ids, default=0) + 1}" name="Documents" displayName="Documents" ref="{ref}" '
        f'headerRowCount="1"><autoFilter ref="{ref}"/><tableColumns count="{width}">{columns}</tableColumns>'
        '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode())  # fmt: skip
    package.write(
        wx.rels_path(part),
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + wx.relationship("rId1", TABLE_REL, f"../tables/table{number}.xml")
        + b"</Relationships>",
    )
    types = package.read(CONTENT_TYPES)
    package.write(CONTENT_TYPES, wx.add_before_close(types, b"Types", wx.override(table_part, TABLE_TYPE)))


def _letters(index: int) -> str:
    from sheetsync.a1 import column_letter

    return column_letter(index)


def single_tab_copy(source: Path, tab: str, out: Path) -> None:
    """`out`: a copy of `source` holding only `tab`, its formulas frozen to their values (for a PDF)."""
    package = Package(source)
    try:
        freeze(package, FreezeSheet(tab))
        for sheet in reversed(package.sheets()):
            if sheet.name.casefold() != tab.casefold():
                package.remove_sheet(sheet)
        with out.open("wb") as fh:
            package.save(fh)
    finally:
        package.close()
