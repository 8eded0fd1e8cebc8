"""Contract books written part by part, in the shapes other producers give their XML.

`contract_grid()` is the order book every producer test writes (with three mistakes, so that
`check` finds something to mark). `write_package()` writes it as a package whose workbook.xml
and styles.xml take one of the shapes below — the ones that broke `mark` on real books:

- styles "excel": Excel's own styles.xml: one font, `mc:Ignorable="x14ac x16r2 xr xr9"`, a
  custom date format 164 on cell format 1 and format 3 (#,##0) on cell format 2, `<dxfs
  count="0"/>`, an extension list;
- workbook "excel": namespaces on the root, `mc:AlternateContent`, no `<definedNames>`;
  "rel-per-sheet": the relationships namespace declared on each `<sheet>` (not on the root)
  and an empty `<definedNames/>`, as some openpyxl versions wrote; "prefixed": every element
  in an `x:` prefix, the relationships prefix `rel`, an open empty `<x:definedNames>`.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from helpers import line, order
from sheetsync.book import column_letter
from sheetsync.contract import LINES, ORDERS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
Grid = dict[str, list[list[Any]]]

EXCEL_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="x14ac x16r2 xr xr9" \
xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" \
xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main" \
xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" \
xmlns:xr9="http://schemas.microsoft.com/office/spreadsheetml/2016/revision9">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="m/d/yyyy"/></numFmts>\
<fonts count="1" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/><name val="Aptos Narrow"/>\
<family val="2"/><scheme val="minor"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
<dxfs count="0"/>\
<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>\
<extLst><ext uri="{{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}}" \
xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">\
<x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext>\
<ext uri="{{9260A510-F301-46a8-8635-F512D64BE5F5}}" \
xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">\
<x15:timelineStyles defaultTimelineStyle="TimeSlicerStyleLight1"/></ext></extLst></styleSheet>"""

PREFIXED_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:styleSheet xmlns:x="{MAIN}">
  <x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></x:numFmts>
  <x:fonts count="1"><x:font><x:sz val="10"/><x:name val="Arial"/></x:font></x:fonts>
  <x:fills count="2">
    <x:fill><x:patternFill patternType="none"/></x:fill>
    <x:fill><x:patternFill patternType="gray125"/></x:fill>
  </x:fills>
  <x:borders count="1"><x:border/></x:borders>
  <x:cellStyleXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></x:cellStyleXfs>
  <x:cellXfs count="3">
    <x:xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
    <x:xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
    <x:xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
  </x:cellXfs>
  <x:cellStyles count="1"><x:cellStyle name="Normal" xfId="0" builtinId="0"/></x:cellStyles>
</x:styleSheet>
"""
STYLES = {"excel": EXCEL_STYLES, "prefixed": PREFIXED_STYLES}


def contract_grid() -> Grid:
    """Orders, Lines and Settings as rows of values, with a retired Incoterm, a bad country code
    and a wrong line amount (so `check` has three cells to mark)."""
    bad = order(**{"Order No": "PO-1002", "Incoterm": "DDU", "Buyer Country": "XX"})
    grid: Grid = {}
    for sheet, rows in (
        (ORDERS, [order(), bad]),
        (LINES, [line(), line(**{"Order No": "PO-1002", "Amount": 5})]),
    ):
        headers = [c.header for c in sheet.columns]
        grid[sheet.name] = [headers] + [[row.get(h) for h in headers] for row in rows]
    grid["Settings"] = [["Setting", "Value"], ["Today", dt.datetime(2026, 11, 25)]]
    return grid


def _serial(value: dt.datetime) -> float:
    return (value - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)


def _sheet_xml(rows: list[list[Any]], shared: dict[str, int], p: str) -> str:
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{column_letter(c)}{r}"
            if value is None:
                continue
            if isinstance(value, str):
                index = shared.setdefault(value, len(shared))
                cells.append(f'<{p}c r="{ref}" t="s"><{p}v>{index}</{p}v></{p}c>')
            elif isinstance(value, dt.datetime):
                cells.append(f'<{p}c r="{ref}" s="1"><{p}v>{_serial(value):g}</{p}v></{p}c>')
            else:
                style = ' s="2"' if isinstance(value, float) else ""
                cells.append(f'<{p}c r="{ref}"{style}><{p}v>{value}</{p}v></{p}c>')
        out.append(f'<{p}row r="{r}">{"".join(cells)}</{p}row>')
    ns = f'xmlns{":" + p[:-1] if p else ""}="{MAIN}" xmlns:r="{REL}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {ns}>'
        f'<{p}sheetViews><{p}sheetView workbookViewId="0"/></{p}sheetViews>'
        f'<{p}sheetFormatPr defaultRowHeight="15"/><{p}sheetData>{"".join(out)}</{p}sheetData>'
        f'<{p}pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        f"</{p}worksheet>"
    )


def _workbook_xml(names: list[str], shape: str) -> str:
    if shape == "excel":
        sheets = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{REL}" xmlns:mc="{MC}" mc:Ignorable="x15 xr xr6 xr10 xr2" '
            'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
            'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
            'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
            'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
            'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
            '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="28526"/>'
            '<workbookPr defaultThemeVersion="202300"/>'
            '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            '<mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\lin\\Documents\\" '
            'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice>'
            "</mc:AlternateContent>"
            '<xr:revisionPtr revIDLastSave="0" documentId="8_{6A1F0C55-7F3B-4C1B-9E35-2C6B3C0F3B1A}" '
            'xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" '
            'xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>'
            '<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15720" '
            'xr2:uid="{00000000-000D-0000-FFFF-FFFF00000000}"/></bookViews>'
            f'<sheets>{sheets}</sheets><calcPr calcId="191029"/></workbook>'
        )
    if shape == "rel-per-sheet":
        sheets = "".join(
            f'<sheet xmlns:r="{REL}" name="{n}" sheetId="{i}" state="visible" r:id="rId{i}"/>'
            for i, n in enumerate(names, 1)
        )
        return (
            f'<workbook xmlns="{MAIN}"><workbookPr/><workbookProtection/><bookViews>'
            '<workbookView visibility="visible" activeTab="0"/></bookViews>'
            f'<sheets>{sheets}</sheets><definedNames/><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        )
    sheets = "".join(f'<x:sheet name="{n}" sheetId="{i}" rel:id="rId{i}"/>' for i, n in enumerate(names, 1))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<x:workbook xmlns:x="{MAIN}" xmlns:rel="{REL}">\n'
        f"  <x:bookViews><x:workbookView/></x:bookViews>\n  <x:sheets>{sheets}</x:sheets>\n"
        "  <x:definedNames>\n  </x:definedNames>\n</x:workbook>\n"
    )


def write_package(
    path: Path, grid: Grid, styles: str = "excel", workbook: str = "excel", prefix: str | None = None
) -> Path:
    """The grid as an .xlsx whose workbook.xml and styles.xml take the named shapes (or are the
    XML given, starting with `<`); sheets are written in `prefix` (`x:`) or the default namespace."""
    names = list(grid)
    p = prefix if prefix is not None else "x:" if workbook == "prefixed" else ""
    shared: dict[str, int] = {}
    sheets = {f"xl/worksheets/sheet{i}.xml": _sheet_xml(grid[n], shared, p) for i, n in enumerate(names, 1)}
    items = "".join(f"<{p}si><{p}t>{escape(text)}</{p}t></{p}si>" for text in shared)
    ns = f'xmlns{":" + p[:-1] if p else ""}="{MAIN}"'
    count = len(shared)
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{p}sst {ns} count="{count}" uniqueCount="{count}">{items}</{p}sst>'
    )
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(f'<Override PartName="/{part}" ContentType="{sheet_type}"/>' for part in sheets)
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}"
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    n = len(names)
    rels += f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
    rels += f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", types)
        book.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml", workbook if workbook.startswith("<") else _workbook_xml(names, workbook)
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
        )
        book.writestr("xl/styles.xml", styles if styles.startswith("<") else STYLES[styles])
        book.writestr("xl/sharedStrings.xml", strings)
        for part, xml in sheets.items():
            book.writestr(part, xml)
    return path
