"""Find, add and remove entries in workbook.xml, its relationships and [Content_Types].xml.

Entries are located as text spans so that adding one and removing it again gives back the
original bytes (see `xml_text` for why no parse-and-serialise).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import unescape

from sheetsync.io.ooxml.xml_text import escape_attr, escape_text, insert_before_first, root_prefix

REL_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_REL = REL_NS.decode() + "/worksheet"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ENTITIES = {"&quot;": '"', "&apos;": "'"}


DATE1904 = re.compile(rb"<(?:[\w.-]+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"")  # serials count from 1904


@dataclass(frozen=True, slots=True)
class Tag:
    """One empty element (`<x .../>`) found in a part: its span and attributes."""

    start: int
    end: int
    attrs: dict[str, str]


def tags(xml: bytes, local: bytes) -> Iterator[Tag]:
    """Every `<local .../>` or `<local ...>` start tag, with any namespace prefix."""
    for found in re.finditer(rb"<(?:[\w.-]+:)?" + local + rb"(?=[\s/>])[^>]*>", xml):
        attrs = {
            m.group(1).decode(): unescape((m.group(2) or m.group(3) or b"").decode(), _ENTITIES)
            for m in _ATTR.finditer(found.group())
        }
        yield Tag(found.start(), found.end(), attrs)


def sheet_tags(workbook: bytes) -> list[Tag]:
    """The `<sheet/>` entries inside workbook.xml's `<sheets>`, in tab order."""
    start = re.search(rb"<(?:[\w.-]+:)?sheets[\s>]", workbook)
    end = re.search(rb"</(?:[\w.-]+:)?sheets>", workbook)
    if start is None or end is None:
        return []
    return [
        Tag(t.start + start.start(), t.end + start.start(), t.attrs)
        for t in tags(workbook[start.start() : end.end()], b"sheet")
    ]


def attr(tag: Tag, local: str) -> str | None:
    """An attribute by local name, whatever its prefix (`r:id`, `ns1:id`)."""
    for key, value in tag.attrs.items():
        if key == local or key.endswith(":" + local):
            return value
    return None


def cut(xml: bytes, tag: Tag) -> bytes:
    """The part without the (empty) element `tag`."""
    return xml[: tag.start] + xml[tag.end :]


def resolve(source: str, target: str) -> str:
    """A relationship target, relative to the part `source`, as a zip member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def rels_path(part: str) -> str:
    """The relationships part of `part` (`xl/workbook.xml` -> `xl/_rels/workbook.xml.rels`)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def add_sheet_entry(workbook: bytes, name: str, sheet_id: int, rid: str) -> bytes:
    """Append `<sheet name=… sheetId=… r:id=…/>` as the last tab."""
    p = root_prefix(workbook, b"workbook")
    r = re.search(rb'xmlns:([\w.-]+)\s*=\s*"' + re.escape(REL_NS) + rb'"', workbook)
    if r is None:
        raise ValueError("workbook.xml does not declare the relationships namespace")
    entry = b'<%ssheet name="%s" sheetId="%d" %s:id="%s"/>' % (
        p,
        escape_attr(name).encode(),
        sheet_id,
        r.group(1),
        rid.encode(),
    )
    at = workbook.rindex(b"</" + p + b"sheets>")
    return workbook[:at] + entry + workbook[at:]


_AFTER_NAMES = [
    b"calcPr", b"oleSize", b"customWorkbookViews", b"pivotCaches", b"smartTagPr", b"smartTagTypes",
    b"webPublishing", b"fileRecoveryPr", b"webPublishObjects", b"extLst",
]  # fmt: skip


def add_local_name(workbook: bytes, name: str, sheet_index: int, formula: str, hidden: bool = True) -> bytes:
    """Append a sheet-local defined name (e.g. `_xlnm._FilterDatabase` for an autofilter), hidden by default.

    When the book has no <definedNames>, the one created here is dropped again by
    `drop_sheet_index` once it is empty, so removal restores the original bytes.
    """
    p = root_prefix(workbook, b"workbook")
    entry = b'<%sdefinedName name="%s" localSheetId="%d"%s>%s</%sdefinedName>' % (
        p,
        escape_attr(name).encode(),
        sheet_index,
        b' hidden="1"' if hidden else b"",
        escape_text(formula).encode(),
        p,
    )
    close = b"</" + p + b"definedNames>"
    if close in workbook:
        at = workbook.rindex(close)
        return workbook[:at] + entry + workbook[at:]
    names = b"<%sdefinedNames>%s%s" % (p, entry, close)
    return insert_before_first(workbook, names, [p + t for t in _AFTER_NAMES], b"</" + p + b"workbook>")


def add_before_close(xml: bytes, root: bytes, fragment: bytes) -> bytes:
    """Append `fragment` as the last child of the root element `root`."""
    at = xml.rindex(b"</" + root_prefix(xml, root) + root + b">")
    return xml[:at] + fragment + xml[at:]


def relationship(rid: str, kind: str, target: str) -> bytes:
    return b'<Relationship Id="%s" Type="%s" Target="%s"/>' % (
        rid.encode(),
        kind.encode(),
        escape_attr(target).encode(),
    )


def override(part: str, content_type: str) -> bytes:
    return b'<Override PartName="/%s" ContentType="%s"/>' % (part.encode(), content_type.encode())


def drop_sheet_index(workbook: bytes, index: int) -> bytes:
    """After removing tab `index`: drop its local names, shift later ones and the active tab."""
    for name in reversed(list(tags(workbook, b"definedName"))):
        local = name.attrs.get("localSheetId")
        if local is None or int(local) < index:
            continue
        close = workbook.find(b">", workbook.find(b"definedName>", name.end)) + 1
        if int(local) == index:
            workbook = workbook[: name.start] + workbook[close:]
        else:
            shifted = workbook[name.start : name.end].replace(
                b'localSheetId="%d"' % int(local), b'localSheetId="%d"' % (int(local) - 1)
            )
            workbook = workbook[: name.start] + shifted + workbook[name.end :]
    p = re.escape(root_prefix(workbook, b"workbook"))
    workbook = re.sub(rb"<%sdefinedNames>\s*</%sdefinedNames>" % (p, p), b"", workbook)
    for key in (b"activeTab", b"firstSheet"):
        workbook = re.sub(
            rb'(\s%s=")(\d+)(")' % key,
            lambda m: b"%s%d%s" % (m.group(1), _shift(int(m.group(2)), index), m.group(3)),
            workbook,
        )
    return workbook


def _shift(value: int, index: int) -> int:
    return value - 1 if value >= index and value > 0 else value
