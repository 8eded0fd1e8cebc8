"""Check every changed part before the new book replaces anything (`write_edits` calls it).

Each part a write changed is parsed: well-formed, every namespace prefix bound, no element
the schema allows once appearing twice, none outside a namespace. Then what the user had must still be there:
every style record (fonts, fills, borders, number formats, cell formats, cell styles, dxfs)
unchanged at its index, every tab in its order, every defined name with its sheet — except
what sheetsync recorded as its own (its owned tabs, the style records a clear took out).
sheetsync's own tabs come after the user's. Any failure is `file-write-failed` naming the
part: the book is left as it was. A part rendered while saving (the Issues sheet) is parsed
as it streams out, before the new file is renamed over the book.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from xml.etree.ElementTree import Element
from xml.parsers import expat

from defusedxml import ElementTree

from sheetsync.findings import WRITE_ERRORS, FileError
from sheetsync.io.ooxml import ledger
from sheetsync.io.ooxml import workbook_xml as wx
from sheetsync.io.ooxml.package import Package
from sheetsync.io.ooxml.parts import Patch
from sheetsync.io.ooxml.styles_xml import CHILD, records

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SINGLETONS = {
    "workbook": """fileVersion fileSharing workbookPr workbookProtection bookViews sheets functionGroups
        externalReferences definedNames calcPr oleSize customWorkbookViews pivotCaches smartTagPr
        smartTagTypes webPublishing webPublishObjects extLst""",
    "styleSheet": """numFmts fonts fills borders cellStyleXfs cellXfs cellStyles dxfs tableStyles colors
        extLst""",
    "worksheet": """sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection
        protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews mergeCells
        phoneticPr dataValidations hyperlinks printOptions pageMargins pageSetup headerFooter rowBreaks
        colBreaks customProperties cellWatches ignoredErrors smartTags drawing legacyDrawing
        legacyDrawingHF picture oleObjects controls webPublishItems tableParts extLst""",
}
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(\w+)(?=[\s>/])[^>]*>")
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.I)


def failed(part: str, why: str) -> FileError:
    return FileError(
        "file-write-failed", f"{WRITE_ERRORS['file-write-failed']} {part}: {why}; nothing was written."
    )


def check_package(package: Package) -> None:
    """Check the parts `package` changed (see the module's docstring); raise `file-write-failed`."""
    for name, data in list(package.changed.items()):
        if not _XML_PART.search(name):
            continue
        if isinstance(data, bytes):
            _check_tree(name, _parse(name, data))
        elif isinstance(data, Patch):
            _check_tree(name, _parse(name, _patched_document(package, name, data)))
        else:
            package.changed[name] = _parsed_while_streamed(name, data)
    if package.styles and package.styles in package.changed and package.styles in package.zip.NameToInfo:
        _check_styles(package)
    if package.workbook in package.changed:
        _check_workbook(package)
    for name in package.changed:
        if name.endswith(".rels") or name == "[Content_Types].xml":
            _check_unique(package, name)


def _parse(part: str, data: bytes) -> Element:
    try:
        root: Element = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise failed(part, f"not well-formed XML ({exc})") from exc
    return root


def _patched_document(package: Package, name: str, patch: Patch) -> bytes:
    """A worksheet whose end changed, as a document to parse: its root's start tag (where the
    namespaces are declared), an opening `<sheetData>`, and the new end from `</sheetData>`."""
    root = _ROOT.search(package.head(name, 1 << 14))
    close = re.match(rb"</((?:[\w.-]+:)?)sheetData>", patch.tail)
    if root is None or close is None or root.group().endswith(b"/>"):
        return package.read(name)
    return root.group() + b"<" + close.group(1) + b"sheetData>" + patch.tail


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_tree(part: str, root: Element) -> None:
    """No element the schema allows once appears twice under the root; no extension twice; in a
    SpreadsheetML part, no element outside a namespace (a row written without the part's `x:`)."""
    if root.tag.startswith(MAIN) and any(not e.tag.startswith("{") for e in root.iter()):
        raise failed(part, "an element is outside every namespace")
    once = SINGLETONS.get(_local(root.tag), "").split()
    seen: set[str] = set()
    for child in root:
        tag = _local(child.tag)
        if tag in once and child.tag.startswith(MAIN):
            if tag in seen:
                raise failed(part, f"<{tag}> appears twice")
            seen.add(tag)
        if tag == "extLst":
            uris = [ext.get("uri") for ext in child]
            if len(uris) != len(set(uris)):
                raise failed(part, "an extension appears twice in <extLst>")


def _parsed_while_streamed(part: str, stream: Callable[[], Iterable[bytes]]) -> Callable[[], Iterator[bytes]]:
    """The stream, parsed by expat as it goes out; a fault raises before the book is replaced."""

    def checked() -> Iterator[bytes]:
        parser = expat.ParserCreate(namespace_separator=" ")
        try:
            for chunk in stream():
                parser.Parse(chunk, False)
                yield chunk
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise failed(part, f"not well-formed XML ({exc})") from exc

    return checked


def _check_styles(package: Package) -> None:
    """Every original style record is still at its index, unless a clear took it out as sheetsync's."""
    assert package.styles is not None
    before = package.zip.read(package.styles)
    after = package.read(package.styles)
    for container in CHILD:
        old, new = records(before, container), records(after, container)
        released = package.released.get(container.decode(), set())
        for index, record in enumerate(old):
            if index not in released and (index >= len(new) or new[index] != record):
                raise failed(
                    package.styles, f"the book's own {container.decode()} record {index} would change"
                )


def _sheets(workbook: bytes) -> list[tuple[str, bytes]]:
    return [(t.attrs.get("name", ""), workbook[t.start : t.end]) for t in wx.sheet_tags(workbook)]


def _names(workbook: bytes, owned: set[str]) -> list[tuple[str, str | None, str]]:
    """The defined names (name, sheet of a local name, formula) that are not sheetsync's."""
    tabs = [name for name, _ in _sheets(workbook)]
    out = []
    for tag, text, _ in wx.defined_names(workbook):
        local = tag.attrs.get("localSheetId")
        sheet = tabs[int(local)] if local and local.isdigit() and int(local) < len(tabs) else local
        if tag.attrs.get("name") == ledger.NAME or (sheet is not None and sheet in owned):
            continue
        out.append((tag.attrs.get("name", ""), sheet, text))
    return out


def _check_workbook(package: Package) -> None:
    """The user's tabs in their order and unchanged, sheetsync's after them; every name kept."""
    part = package.workbook
    before, after = package.zip.read(part), package.read(part)
    owned = package.owned
    old = [s for s in _sheets(before) if s[0] not in owned]
    new = _sheets(after)
    users = [s for s in new if s[0] not in owned]
    if users != old:
        raise failed(part, "the book's own tabs would change")
    last_user = max((i for i, s in enumerate(new) if s[0] not in owned), default=-1)
    if any(s[0] in owned for s in new[: last_user + 1]):
        raise failed(part, "sheetsync's tab would come before the book's own")
    if sorted(_names(after, owned), key=str) != sorted(_names(before, owned), key=str):
        raise failed(part, "the book's defined names would change")


def _check_unique(package: Package, part: str) -> None:
    """Relationship ids and content-type part names each appear once."""
    data = package.read(part)
    key, local = ("Id", b"Relationship") if part.endswith(".rels") else ("PartName", b"Override")
    values = [t.attrs.get(key, "").casefold() for t in wx.tags(data, local)]
    if len(values) != len(set(values)):
        raise failed(part, f"a {local.decode()} appears twice")
