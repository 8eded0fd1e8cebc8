"""`sheetsync addin build`: the add-in (sheetsync.xlam) and the template (order_tracker.xlsm).

Both carry the ribbon (customUI generated from the registry) and a source-only VBA project:
macros/*.bas (the dispatcher), xlwings' own BSD-licensed VBA from the installed xlwings
package (its custom add-in module, so the active workbook is the caller, and Dictionary.cls),
and one document module per sheet, named by the sheet's code name. Built on any OS without
Excel; the same inputs give the same bytes.

The one change made to xlwings' module: `PROJECT_NAME` is "sheetsync", so the add-in reads its
configuration from sheetsync.conf (see `install.py`). Stored source: CRLF line ends, cp1252;
a class module's VERSION/BEGIN...END export header is not part of the stored source.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sheetsync.excel.customui import custom_ui
from sheetsync.excel.ovba import Module, vba_project

ADDIN, TEMPLATE = "sheetsync.xlam", "order_tracker.xlsm"
# macros/ at the top of the repository; a wheel carries it inside the package (pyproject force-include)
_HERE = Path(__file__).resolve().parent
MACROS = _HERE / "macros" if (_HERE / "macros").is_dir() else _HERE.parents[2] / "macros"
PROJECT_NAME_LINE = re.compile(r'^(Public Const PROJECT_NAME As String = )"[^"]*"', re.M)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

MAIN_XLSX = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MAIN_XLSM = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
MAIN_XLAM = b"application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
UI_PART = "customUI/customUI14.xml"

WORKBOOK_ATTRIBUTES = """Attribute VB_Name = "{name}"
Attribute VB_Base = "0{{00020819-0000-0000-C000-000000000046}}"
Attribute VB_GlobalNameSpace = False
Attribute VB_Creatable = False
Attribute VB_PredeclaredId = True
Attribute VB_Exposed = True
Attribute VB_TemplateDerived = False
Attribute VB_Customizable = True
"""
SHEET_ATTRIBUTES = WORKBOOK_ATTRIBUTES.replace("00020819", "00020820")
CLASS_BASE = 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"\n'


@dataclass(frozen=True)
class Built:
    addin: Path
    template: Path


def xlwings_folder() -> Path:
    """The installed xlwings package's folder (its VBA ships there), without importing it."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise RuntimeError("xlwings is not installed: pip install 'sheetsync[excel]'")
    return Path(spec.origin).parent


def class_source(exported: str) -> str:
    """A .cls file as VBA stores it: without the VERSION/BEGIN...END header, with its VB_Base."""
    text = exported.replace("\r\n", "\n")
    body = re.sub(r"\AVERSION [^\n]*\nBEGIN\n.*?\nEND\n", "", text, flags=re.S)
    first, _, rest = body.partition("\n")
    return f"{first}\n{CLASS_BASE}{rest}"


def code_modules(macros: Path = MACROS, with_xlwings: bool = True) -> list[Module]:
    """The code modules: macros/*.bas, xlwings' add-in module and its Dictionary class.

    `with_xlwings=False` leaves xlwings' two modules out: only for the LibreOffice test, whose
    Basic cannot compile them (conditional compilation, Declare PtrSafe), so no macro of a
    library holding them runs there.
    """
    found = [Module(p.stem, "standard", p.read_text(encoding="utf-8")) for p in sorted(macros.glob("*.bas"))]
    if not with_xlwings:
        return found
    xlwings = xlwings_folder()
    module = (xlwings / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    module, n = PROJECT_NAME_LINE.subn(r'\1"sheetsync"', module)
    if n != 1:
        raise RuntimeError("xlwings' add-in module has no PROJECT_NAME constant: check the xlwings version")
    found.append(Module("xlwings", "standard", module))
    dictionary = (xlwings / "addin" / "Dictionary.cls").read_text(encoding="utf-8")
    found.append(Module("Dictionary", "class", class_source(dictionary)))
    return found


def document_modules(code_names: list[str]) -> list[Module]:
    """ThisWorkbook and one module per sheet code name (attributes only: no code)."""
    modules = [Module("ThisWorkbook", "document", WORKBOOK_ATTRIBUTES.format(name="ThisWorkbook"))]
    modules += [Module(n, "document", SHEET_ATTRIBUTES.format(name=n)) for n in code_names]
    return modules


def _sheet_parts(parts: dict[str, bytes]) -> list[str]:
    """The worksheet parts in tab order."""
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', rel))
        targets[attrs["Id"]] = attrs["Target"]
    ids = re.findall(r'<sheet [^>]*?r:id="([^"]+)"', workbook)
    return ["xl/" + targets[i].lstrip("/").removeprefix("xl/") for i in ids]


def _with_code_name(sheet: bytes, name: str) -> bytes:
    """Give a worksheet its code name (sheetPr is the worksheet's first child)."""
    if re.search(rb"<sheetPr\b", sheet):
        return re.sub(rb"<sheetPr\b", b'<sheetPr codeName="' + name.encode() + b'"', sheet, count=1)
    return re.sub(
        rb"(<worksheet\b[^>]*>)", rb'\1<sheetPr codeName="' + name.encode() + b'"/>', sheet, count=1
    )


def _add_relationship(rels: bytes, rid: str, kind: str, target: str) -> bytes:
    rel = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'.encode()
    return rels.replace(b"</Relationships>", rel + b"</Relationships>")


def macro_enabled(
    xlsx: Path, out: Path, main_type: bytes, project: str, macros: Path = MACROS, with_xlwings: bool = True
) -> Path:
    """Turn an .xlsx into a macro-enabled book or add-in with the ribbon and the VBA project
    built from `macros` (the repository's macros/; the tests add a test module)."""
    with zipfile.ZipFile(xlsx) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheets = _sheet_parts(parts)
    code_names = [f"Sheet{i}" for i in range(1, len(sheets) + 1)]
    for part, name in zip(sheets, code_names, strict=True):
        parts[part] = _with_code_name(parts[part], name)
    workbook = parts["xl/workbook.xml"]
    if b"<workbookPr" in workbook:
        workbook = workbook.replace(b"<workbookPr", b'<workbookPr codeName="ThisWorkbook"', 1)
    else:
        workbook = re.sub(rb"(<sheets>)", rb'<workbookPr codeName="ThisWorkbook"/>\1', workbook, count=1)
    parts["xl/workbook.xml"] = workbook
    types = parts["[Content_Types].xml"].replace(MAIN_XLSX, main_type)
    bin_type = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    parts["[Content_Types].xml"] = re.sub(rb"(<Types\b[^>]*>)", rb"\1" + bin_type, types, count=1)
    parts["xl/_rels/workbook.xml.rels"] = _add_relationship(
        parts["xl/_rels/workbook.xml.rels"], "rIdVBA", VBA_REL, "vbaProject.bin"
    )
    parts["_rels/.rels"] = _add_relationship(parts["_rels/.rels"], "rIdUI", UI_REL, UI_PART)
    from sheetsync.excel.ribbon import buttons

    parts[UI_PART] = custom_ui(buttons())
    parts["xl/vbaProject.bin"] = vba_project(
        project, [*document_modules(code_names), *code_modules(macros, with_xlwings)]
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return out


def build(out: Path) -> Built:
    """Write sheetsync.xlam and order_tracker.xlsm into `out`."""
    import openpyxl

    from sheetsync.workbook.template import build_template

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sheetsync-addin-") as work:
        blank = Path(work) / "addin.xlsx"
        wb = openpyxl.Workbook()
        wb.active.title = "sheetsync"
        wb.save(blank)
        _fixed_times(blank)
        template = build_template(Path(work) / "template.xlsx")
        addin = macro_enabled(blank, out / ADDIN, MAIN_XLAM, "sheetsync")
        tracker = macro_enabled(template, out / TEMPLATE, MAIN_XLSM, "VBAProject")
    return Built(addin, tracker)


def _fixed_times(xlsx: Path) -> None:
    """openpyxl stamps the time of writing into docProps/core.xml: fix it, for reproducible bytes."""
    with zipfile.ZipFile(xlsx) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    stamp = rb"\g<1>2026-01-01T00:00:00Z\g<2>"
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", stamp, parts["docProps/core.xml"]
    )
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
