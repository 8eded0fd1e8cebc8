"""The cell styles of document tabs, found in styles.xml or appended once.

Unlike `mark`'s styles these are never removed: a document tab keeps using them after `clear`.
Each font, fill, border, number format and cell format is looked up by its exact XML first, so
generating again reuses them instead of stacking copies. Every cell format carries an
`<alignment>`, so none can be mistaken for one of `mark`'s (which `clear` removes).
"""

from __future__ import annotations

import re

from sheetsync.io.ooxml.xml_text import append_child, element_span, insert_before_first, root_prefix

DATE_CODE = "yyyy-mm-dd"
_FONTS = {
    "regular": b'<{p}font><{p}sz val="10"/><{p}name val="Arial"/></{p}font>',
    "bold": b'<{p}font><{p}b/><{p}sz val="10"/><{p}name val="Arial"/></{p}font>',
    "title": b'<{p}font><{p}b/><{p}sz val="16"/><{p}name val="Arial"/></{p}font>',
    "label": b'<{p}font><{p}b/><{p}sz val="8"/><{p}color rgb="FF44546A"/><{p}name val="Arial"/></{p}font>',
}
_FILL = (
    b'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="FFDDE4EE"/>'
    b'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'
)
_EDGE = b'<{p}%s style="thin"><{p}color rgb="FF8497B0"/></{p}%s>'
_BORDER = (
    b"<{p}border>"
    + b"".join(_EDGE % (side, side) for side in (b"left", b"right", b"top", b"bottom"))
    + b"<{p}diagonal/></{p}border>"
)
# style -> (font, number format id or "date", filled, bordered, horizontal alignment)
_STYLES: dict[str, tuple[str, int | str, bool, bool, str]] = {
    "text": ("regular", 0, False, False, "left"),
    "label": ("label", 0, False, False, "left"),
    "title": ("title", 0, False, False, "left"),
    "head": ("bold", 0, True, True, "center"),
    "cell": ("regular", 0, False, True, "left"),
    "number": ("regular", 0, False, True, "right"),
    "amount": ("regular", 4, False, True, "right"),
    "integer": ("regular", 3, False, True, "right"),
    "date": ("regular", "date", False, False, "left"),
    "total": ("bold", 0, True, True, "right"),
    "total_amount": ("bold", 4, True, True, "right"),
    "small": ("regular", 0, False, False, "left"),
}
_XF = (
    b'<{p}xf numFmtId="%d" fontId="%d" fillId="%d" borderId="%d" xfId="0" applyNumberFormat="1" '
    b'applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
    b'<{p}alignment horizontal="%s" vertical="top" wrapText="1"/></{p}xf>'
)


def _children(xml: bytes, container: bytes, child: bytes) -> list[bytes]:
    span = element_span(xml, container)
    if span is None or span[1] == span[2]:
        return []
    body = xml[span[1] : span[2] - len(container) - 3]
    return re.findall(rb"<%s\b[^>]*?(?:/>|>.*?</%s>)" % (re.escape(child), re.escape(child)), body, re.S)


def _find_or_append(
    xml: bytes, p: bytes, container: bytes, child: bytes, fragment: bytes
) -> tuple[bytes, int]:
    fragment = fragment.replace(b"{p}", p)
    found = _children(xml, p + container, p + child)
    if fragment in found:
        return xml, found.index(fragment)
    return append_child(xml, p + container, p + child, fragment)


def _date_format(xml: bytes, p: bytes) -> tuple[bytes, int]:
    """The id of a `yyyy-mm-dd` number format, added to <numFmts> when the book has none."""
    for found in re.finditer(rb'<%snumFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"' % p, xml):
        if found.group(2).decode() == DATE_CODE:
            return xml, int(found.group(1))
    ids = [int(n) for n in re.findall(rb'<%snumFmt\b[^>]*numFmtId="(\d+)"' % p, xml)]
    new_id = max([163, *ids]) + 1
    fragment = b'<%snumFmt numFmtId="%d" formatCode="%s"/>' % (p, new_id, DATE_CODE.encode())
    if element_span(xml, p + b"numFmts") is None:
        empty = b'<%snumFmts count="0"/>' % p
        xml = insert_before_first(xml, empty, [p + b"fonts"], b"</" + p + b"styleSheet>")
    xml, _ = append_child(xml, p + b"numFmts", p + b"numFmt", fragment)
    return xml, new_id


def ensure_document_styles(styles: bytes) -> tuple[bytes, dict[str, int]]:
    """styles.xml with the document styles present; the cell format index of each style name."""
    p = root_prefix(styles, b"styleSheet")
    styles, date_id = _date_format(styles, p)
    fonts = {}
    for name, fragment in _FONTS.items():
        styles, fonts[name] = _find_or_append(styles, p, b"fonts", b"font", fragment)
    styles, fill = _find_or_append(styles, p, b"fills", b"fill", _FILL)
    styles, border = _find_or_append(styles, p, b"borders", b"border", _BORDER)
    ids = {}
    for name, (font, number, filled, bordered, align) in _STYLES.items():
        number_id = date_id if number == "date" else int(number)
        xf = _XF % (number_id, fonts[font], fill if filled else 0, border if bordered else 0, align.encode())
        styles, ids[name] = _find_or_append(styles, p, b"cellXfs", b"xf", xf)
    return styles, ids
