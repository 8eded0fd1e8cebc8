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

from sheetsync.io.ooxml.xml_text import (
    element_span,
    escape_attr,
    escape_text,
    insert_before_first,
    root_prefix,
)

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
        attrs = {}
        for key, double, single in _ATTR.findall(found.group()):
            value = (double or single).decode()
            attrs[key.decode()] = unescape(value, _ENTITIES) if "&" in value else value
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


def root_start_tag(xml: bytes, local: bytes) -> bytes:
    """The start tag of the root element `local` (any prefix), where the part's own namespaces are."""
    found = re.search(rb"<(?:[A-Za-z_][\w.-]*:)?" + local + rb"(?=[\s>/])[^>]*>", xml)
    return found.group() if found else b""


def add_sheet_entry(workbook: bytes, name: str, sheet_id: int, rid: str) -> bytes:
    """Append `<sheet name=… sheetId=… r:id=…/>` as the last tab.

    The relationships prefix is the one the root declares; a book that declares it on each
    `<sheet>` instead (some openpyxl versions) gets the declaration on the new entry too.
    """
    p = root_prefix(workbook, b"workbook")
    root = root_start_tag(workbook, b"workbook")
    declared = re.search(rb'\sxmlns:([\w.-]+)\s*=\s*(["\'])' + re.escape(REL_NS) + rb"\2", root)
    if declared:
        r, declaration = declared.group(1), b""
    else:
        r = b"r" if p != b"r:" else b"rel"
        declaration = b' xmlns:%s="%s"' % (r, REL_NS)
    entry = b'<%ssheet name="%s" sheetId="%d" %s:id="%s"%s/>' % (
        p,
        escape_attr(name).encode(),
        sheet_id,
        r,
        rid.encode(),
        declaration,
    )
    at = workbook.rindex(b"</" + p + b"sheets>")
    return workbook[:at] + entry + workbook[at:]


_AFTER_NAMES = [
    b"calcPr", b"oleSize", b"customWorkbookViews", b"pivotCaches", b"smartTagPr", b"smartTagTypes",
    b"webPublishing", b"fileRecoveryPr", b"webPublishObjects", b"extLst",
]  # fmt: skip


def names_shape(workbook: bytes) -> str:
    """What `<definedNames>` is now: `a` absent, `s` self-closed, `o` open and empty, `c` has names."""
    p = root_prefix(workbook, b"workbook")
    span = element_span(workbook, p + b"definedNames")
    if span is None:
        return "a"
    if span[1] == span[2]:
        return "s"
    return "c" if b"definedName" in workbook[span[1] : span[2] - len(p) - 15] else "o"


def add_defined_name(workbook: bytes, name: str, formula: str, sheet_index: int | None = None) -> bytes:
    """Append a hidden defined name (sheet-local with `sheet_index`) to the one `<definedNames>`,
    opening it if it is written self-closed and creating it where the schema puts it if absent.
    `restore_names` gives the original element back once sheetsync's names are out again."""
    p = root_prefix(workbook, b"workbook")
    local = b' localSheetId="%d"' % sheet_index if sheet_index is not None else b""
    entry = b'<%sdefinedName name="%s"%s hidden="1">%s</%sdefinedName>' % (
        p,
        escape_attr(name).encode(),
        local,
        escape_text(formula).encode(),
        p,
    )
    span = element_span(workbook, p + b"definedNames")
    if span is None:
        names = b"<%sdefinedNames>%s</%sdefinedNames>" % (p, entry, p)
        return insert_before_first(workbook, names, [p + t for t in _AFTER_NAMES], b"</" + p + b"workbook>")
    start, head_end, end = span
    if head_end == end:  # <definedNames/>
        opened = workbook[start : end - 2] + b">" + entry + b"</%sdefinedNames>" % p
        return workbook[:start] + opened + workbook[end:]
    at = end - len(p) - len(b"</definedNames>")
    return workbook[:at] + entry + workbook[at:]


def defined_names(workbook: bytes) -> list[tuple[Tag, str, int]]:
    """Each `<definedName>`: its start tag, its formula text (unescaped) and where it ends."""
    out = []
    for tag in tags(workbook, b"definedName"):
        close = re.compile(rb"</(?:[\w.-]+:)?definedName>").search(workbook, tag.end)
        if workbook[tag.end - 2 : tag.end] == b"/>" or close is None:
            out.append((tag, "", tag.end))
            continue
        text = unescape(workbook[tag.end : close.start()].decode("utf-8"), _ENTITIES)
        out.append((tag, text, close.end()))
    return out


def drop_defined_name(workbook: bytes, name: str) -> bytes:
    """The part without the global defined name `name` (unchanged when there is none)."""
    for tag, _, end in reversed(defined_names(workbook)):
        if tag.attrs.get("name") == name and "localSheetId" not in tag.attrs:
            workbook = workbook[: tag.start] + workbook[end:]
    return workbook


def restore_names(workbook: bytes, shape: str | None) -> bytes:
    """Give `<definedNames>` back the shape it had (see `names_shape`) once it holds no name again.

    `shape` None: leave it as it is.
    """
    p = root_prefix(workbook, b"workbook")
    span = element_span(workbook, p + b"definedNames")
    if shape is None or span is None or span[1] == span[2] or names_shape(workbook) == "c":
        return workbook
    start, head_end, end = span
    if shape == "a" and not workbook[head_end : end - len(p) - 15].strip():
        return workbook[:start] + workbook[end:]
    if shape == "s":
        return workbook[:start] + workbook[start : head_end - 1] + b"/>" + workbook[end:]
    return workbook


def add_before_close(xml: bytes, root: bytes, fragment: bytes) -> bytes:
    """Append `fragment` as the last child of the root element `root`."""
    p = root_prefix(xml, root)
    if p:  # the root's children are written in its prefix: `<pr:Relationship>`
        fragment = re.sub(rb"<(/?)", lambda m: b"<" + m.group(1) + p, fragment)
    at = xml.rindex(b"</" + p + root + b">")
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
    for tag, _, end in reversed(defined_names(workbook)):
        local = tag.attrs.get("localSheetId")
        if local is None or not local.isdigit() or int(local) < index:
            continue
        if int(local) == index:
            workbook = workbook[: tag.start] + workbook[end:]
        else:
            shifted = re.sub(
                rb'(\slocalSheetId=")%d(")' % int(local),
                b"\\g<1>%d\\g<2>" % (int(local) - 1),
                workbook[tag.start : tag.end],
            )
            workbook = workbook[: tag.start] + shifted + workbook[tag.end :]
    for key in (b"activeTab", b"firstSheet"):
        workbook = re.sub(
            rb'(\s%s=")(\d+)(")' % key,
            lambda m: b"%s%d%s" % (m.group(1), _shift(int(m.group(2)), index), m.group(3)),
            workbook,
        )
    return workbook


def _shift(value: int, index: int) -> int:
    return value - 1 if value >= index and value > 0 else value
