"""Property: on any valid styles.xml / workbook.xml shape, mark keeps the user's records and
clear gives the parts back byte for byte.

Generated: namespace prefixes other than the usual (and the default namespace), the
relationships namespace declared on the root or on each `<sheet>`, optional containers absent,
self-closed, open and empty, with or without `count`, extension lists (with an `x14:dxfs` that
must not be taken for the main one), user defined names global and sheet-local, pretty-printed
or not. Checked independently of the writer's own check: every part parses (so every prefix is
bound), no singleton appears twice, every original style record, tab and defined name is still
there and unchanged at its index, sheetsync's tab comes last.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import handmade
from helpers import TODAY
from sheetsync.actions.check import check_path
from sheetsync.actions.mark import clear, mark
from sheetsync.io.ooxml.apply_edits import write_edits

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
LISTS = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs"]
GRID = handmade.contract_grid()
prefixes = st.sampled_from(["", "x:", "s:", "main:", "ss1:"])


def _container(draw: st.DrawFn, p: str, name: str, children: list[str], required: bool) -> str:
    """A list element in one of the shapes producers write it."""
    counted = draw(st.booleans())
    count = f' count="{len(children)}"' if counted else ""
    if children:
        sep = draw(st.sampled_from(["", "\n    "]))
        return f"<{p}{name}{count}>{sep}{sep.join(children)}{sep}</{p}{name}>"
    shapes = ["self-closed", "self-closed-space", "open"] + ([] if required else ["absent"])
    shape = draw(st.sampled_from(shapes))
    return {
        "absent": "",
        "self-closed": f"<{p}{name}{count}/>",
        "self-closed-space": f"<{p}{name}{count} />",
        "open": f"<{p}{name}{count}></{p}{name}>",
    }[shape]


@st.composite
def styles_xml(draw: st.DrawFn) -> str:
    p = draw(prefixes)
    ns = f'xmlns{":" + p[:-1] if p else ""}="{MAIN[1:-1]}"'
    ignorable = draw(st.booleans())
    extra = f' xmlns:mc="{handmade.MC}" mc:Ignorable="x14ac" xmlns:x14ac="{X14AC}"' if ignorable else ""
    known = ' x14ac:knownFonts="1"' if ignorable else ""
    custom = draw(st.booleans())
    formats = [f'<{p}numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'] if custom else []
    date_format = 164 if custom else 14
    font = st.tuples(st.sampled_from([10, 11]), st.sampled_from(["Arial", "Aptos"]))
    fonts = [
        f'<{p}font><{p}sz val="{size}"/><{p}name val="{name}"/></{p}font>'
        for size, name in draw(st.lists(font, min_size=1, max_size=3))
    ]
    xf = f'<{p}xf numFmtId="%d" fontId="%d" fillId="0" borderId="0" xfId="0"%s/>'
    xfs = [
        xf % (0, 0, ""),
        xf % (date_format, 0, ' applyNumberFormat="1"'),
        xf % (3, 0, ' applyNumberFormat="1"'),
    ]
    xfs += [
        xf % (n, len(fonts) - 1, ' applyNumberFormat="1"')
        for n in draw(st.lists(st.sampled_from([0, 4, 9]), max_size=2))
    ]
    dxfs = [f"<{p}dxf><{p}font><{p}b/></{p}font></{p}dxf>"] * draw(st.integers(0, 2))
    fills = [f'<{p}fill><{p}patternFill patternType="none"/></{p}fill>']
    body = [
        _container(draw, p, "numFmts", formats, False),
        _container(draw, p, "fonts", fonts, True).replace(f"<{p}fonts", f"<{p}fonts{known}", 1),
        _container(draw, p, "fills", fills, True),
        _container(draw, p, "borders", [f"<{p}border/>"], True),
        _container(
            draw, p, "cellStyleXfs", [f'<{p}xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'], True
        ),
        _container(draw, p, "cellXfs", xfs, True),
        _container(draw, p, "cellStyles", [f'<{p}cellStyle name="Normal" xfId="0" builtinId="0"/>'], False),
        _container(draw, p, "dxfs", dxfs, False),
    ]
    if draw(st.booleans()):
        body.append(f'<{p}tableStyles count="0" defaultTableStyle="TableStyleMedium2"/>')
    if draw(st.booleans()):
        ext = f'<{p}ext uri="{{46F421CA-312F-682f-3DD2-61675219B42D}}" xmlns:x14="{X14}">'
        body.append(f'<{p}extLst>{ext}<x14:dxfs count="0"/></{p}ext></{p}extLst>')
    sep = draw(st.sampled_from(["", "\n  "]))
    declaration = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n']))
    return (
        f"{declaration}<{p}styleSheet {ns}{extra}>{sep}{sep.join(b for b in body if b)}{sep}</{p}styleSheet>"
    )


@st.composite
def workbook_xml(draw: st.DrawFn) -> str:
    p = draw(prefixes)
    r = draw(st.sampled_from(["r", "rel", "ns1"]))
    on_root = draw(st.booleans())
    ns = f'xmlns{":" + p[:-1] if p else ""}="{MAIN[1:-1]}"'
    rel = f'xmlns:{r}="{handmade.REL}"'
    sheets = "".join(
        f'<{p}sheet {"" if on_root else rel + " "}name="{name}" sheetId="{i}" {r}:id="rId{i}"/>'
        for i, name in enumerate(GRID, start=1)
    )
    names = draw(st.lists(st.sampled_from(["global", "local"]), max_size=2, unique=True))
    local = {"global": "", "local": ' localSheetId="1"'}
    entries = [f'<{p}definedName name="Base"{local[kind]}>Orders!$A$1</{p}definedName>' for kind in names]
    defined = _container(draw, p, "definedNames", entries, False)
    calc = f'<{p}calcPr calcId="191029"/>' if draw(st.booleans()) else ""
    ext = (
        f'<{p}extLst><{p}ext uri="{{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}}"/></{p}extLst>'
        if draw(st.booleans())
        else ""
    )
    sep = draw(st.sampled_from(["", "\n  "]))
    parts = [
        f"<{p}bookViews><{p}workbookView/></{p}bookViews>",
        f"<{p}sheets>{sheets}</{p}sheets>",
        defined,
        calc,
        ext,
    ]
    root = f"<{p}workbook {ns}{' ' + rel if on_root else ''}>"
    return f"{root}{sep}{sep.join(x for x in parts if x)}{sep}</{p}workbook>"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def records(root: ElementTree.Element, name: str) -> list[bytes]:
    found = root.find(MAIN + name)
    return [] if found is None else [ElementTree.tostring(child) for child in found]


def assert_invariants(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    for name in ("xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        root = ElementTree.fromstring(after[name])  # well-formed, every prefix bound
        tags = [child.tag for child in root if child.tag.startswith(MAIN)]
        assert len(tags) == len(set(tags)) or name.endswith("rels") or name.startswith("["), name
    old_styles, new_styles = (
        ElementTree.fromstring(before["xl/styles.xml"]),
        ElementTree.fromstring(after["xl/styles.xml"]),
    )
    for name in LISTS:
        old = records(old_styles, name)
        assert records(new_styles, name)[: len(old)] == old, name
    old_book, new_book = (
        ElementTree.fromstring(before["xl/workbook.xml"]),
        ElementTree.fromstring(after["xl/workbook.xml"]),
    )
    old_tabs = [ElementTree.tostring(s) for s in old_book.iter(MAIN + "sheet")]
    new_tabs = list(new_book.iter(MAIN + "sheet"))
    assert [ElementTree.tostring(s) for s in new_tabs[: len(old_tabs)]] == old_tabs
    assert [s.get("name") for s in new_tabs[len(old_tabs) :]] == ["Issues"]
    old_names = [ElementTree.tostring(n) for n in old_book.iter(MAIN + "definedName")]
    new_names = [ElementTree.tostring(n) for n in new_book.iter(MAIN + "definedName")]
    assert [n for n in new_names if n in old_names] == old_names


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(styles=styles_xml(), workbook=workbook_xml(), sheet_prefix=prefixes)
def test_mark_keeps_every_record_and_clear_restores_every_part(
    styles: str, workbook: str, sheet_prefix: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        book = handmade.write_package(Path(folder) / "book.xlsx", GRID, styles, workbook, sheet_prefix)
        report = check_path(book, TODAY)
        assert report.error is None
        marked = Path(folder) / "marked.xlsx"
        write_edits(book, mark(book, report.findings), out=marked, backup=False)
        assert_invariants(parts(book), parts(marked))
        cleared = Path(folder) / "cleared.xlsx"
        write_edits(marked, clear(marked), out=cleared, backup=False)
        assert parts(cleared) == parts(book)
