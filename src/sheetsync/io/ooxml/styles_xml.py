"""The few style records sheetsync appends to styles.xml, and their exact removal.

Appended: two fonts and two cell formats (the owned sheet's bold header and its links), one
cell format per built-in number format an owned column uses (on a copy of the book's default
font, so those cells look like the user's), and the highlight's differential format. What was
appended is returned as a `Ledger` (kept in the book, see `ledger`); `remove_styles` takes out
only records that ledger names — still at their index, with the same content, last in their
list and used by nothing else. A record it cannot prove is its own stays: an unused style
harms nothing, a removed user style breaks every cell that uses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sheetsync.io.ooxml.ledger import Added, Ledger, fingerprint
from sheetsync.io.ooxml.xml_text import (
    append_child,
    child_spans,
    drop_last_child,
    element_span,
    insert_before_first,
    root_prefix,
)

BOLD_FONT = b'<{p}font><{p}b/><{p}sz val="11"/><{p}color rgb="FF1F3864"/><{p}name val="Calibri"/></{p}font>'
LINK_FONT = b'<{p}font><{p}u/><{p}sz val="11"/><{p}color rgb="FF0563C1"/><{p}name val="Calibri"/></{p}font>'
DEFAULT_FONT = b'<{p}font><{p}sz val="11"/><{p}name val="Calibri"/></{p}font>'  # a book without fonts
DEFAULT_XF = b'<{p}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # ... without cellXfs
XF = b'<{p}xf numFmtId="0" fontId="%d" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
FORMAT_XF = b'<{p}xf numFmtId="%d" fontId="%d" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
MARK_DXF = (
    b'<{p}dxf><{p}font><{p}color rgb="FF9C2A00"/></{p}font><{p}fill><{p}patternFill>'
    b'<{p}bgColor rgb="FFFFD8C4"/></{p}patternFill></{p}fill></{p}dxf>'
)
# styleSheet's children in schema order: a missing container goes before the first that follows it.
ORDER = [b"numFmts", b"fonts", b"fills", b"borders", b"cellStyleXfs", b"cellXfs", b"cellStyles",
         b"dxfs", b"tableStyles", b"colors", b"extLst"]  # fmt: skip
CHILD = {b"numFmts": b"numFmt", b"fonts": b"font", b"fills": b"fill", b"borders": b"border",
         b"cellStyleXfs": b"xf", b"cellXfs": b"xf", b"cellStyles": b"cellStyle", b"dxfs": b"dxf"}  # fmt: skip
_FONT_ID = re.compile(rb'\sfontId="(\d+)"')


@dataclass(frozen=True, slots=True)
class StyleIds:
    """Where sheetsync's styles landed: cell formats for the owned sheet, the highlight dxf.

    `number_xfs` maps a built-in number format id to the cell format that applies it.
    """

    header_xf: int
    link_xf: int
    mark_dxf: int
    number_xfs: dict[int, int] = field(default_factory=dict)


def _fill(template: bytes, p: bytes) -> bytes:
    return template.replace(b"{p}", p)


def records(styles: bytes, container: bytes) -> list[bytes]:
    """The records of one list of styles.xml (`fonts`, `cellXfs`…), as written."""
    p = root_prefix(styles, b"styleSheet")
    return [styles[a:b] for a, b in child_spans(styles, p + container, p + CHILD[container])]


class _Appender:
    """Appends records to styles.xml, noting each list's shape before and what went in."""

    def __init__(self, styles: bytes) -> None:
        self.styles = styles
        self.p = root_prefix(styles, b"styleSheet")
        self.ledger = Ledger()
        self._hashes: dict[bytes, list[str]] = {}

    def _open(self, container: bytes) -> None:
        """Note the container's shape; create it (self-closed) where the schema puts it if absent."""
        if container.decode() in self.ledger.styles:
            return
        p = self.p
        span = element_span(self.styles, p + container)
        first = len(child_spans(self.styles, p + container, p + CHILD[container]))
        if span is None:
            shape = "a"
            empty = b'<%s%s count="0"/>' % (p, container)
            later = [p + t for t in ORDER[ORDER.index(container) + 1 :]]
            self.styles = insert_before_first(self.styles, empty, later, b"</" + p + b"styleSheet>")
        else:
            shape = "s" if span[1] == span[2] else "c" if first else "o"
        self.ledger.styles[container.decode()] = Added(shape, first, ())
        self._hashes[container] = []

    def add(self, container: bytes, fragment: bytes) -> int:
        self._open(container)
        p = self.p
        self.styles, index = append_child(self.styles, p + container, p + CHILD[container], fragment)
        self._hashes[container].append(fingerprint(fragment))
        return index

    def default(self, container: bytes, fragment: bytes) -> None:
        """A list the book leaves empty gets a plain record 0 first, so that it stays the default."""
        if not records(self.styles, container):
            self.add(container, fragment)

    def done(self) -> Ledger:
        for container, hashes in self._hashes.items():
            added = self.ledger.styles[container.decode()]
            self.ledger.styles[container.decode()] = Added(added.shape, added.first, tuple(hashes))
        return self.ledger


def add_styles(styles: bytes, number_formats: tuple[int, ...] = ()) -> tuple[bytes, StyleIds, Ledger]:
    """Append sheetsync's fonts, cell formats (header, link, one per number format) and dxf."""
    out = _Appender(styles)
    p = out.p
    out.default(b"fonts", _fill(DEFAULT_FONT, p))
    out.default(b"cellXfs", _fill(DEFAULT_XF, p))
    plain_font = records(out.styles, b"fonts")[0]
    bold = out.add(b"fonts", _fill(BOLD_FONT, p))
    link = out.add(b"fonts", _fill(LINK_FONT, p))
    plain = out.add(b"fonts", plain_font) if number_formats else 0
    header_xf = out.add(b"cellXfs", _fill(XF, p) % bold)
    link_xf = out.add(b"cellXfs", _fill(XF, p) % link)
    number_xfs = {n: out.add(b"cellXfs", _fill(FORMAT_XF, p) % (n, plain)) for n in number_formats}
    dxf = out.add(b"dxfs", _fill(MARK_DXF, p))
    return out.styles, StyleIds(header_xf, link_xf, dxf, number_xfs), out.done()


InUse = Callable[[str, range], set[int]]  # (list, indices) -> those a part other than styles.xml uses


def remove_styles(styles: bytes, ledger: Ledger, in_use: InUse) -> tuple[bytes, dict[str, set[int]]]:
    """Take out the records `ledger` names, as far as each is provably sheetsync's and unused.

    Returns the new styles.xml and, per list, the indices removed. Cell formats go first (a
    font a remaining cell format uses stays); each list is cut from its end only, so no other
    record ever moves.
    """
    p = root_prefix(styles, b"styleSheet")
    removed: dict[str, set[int]] = {}
    for name in ("cellXfs", "dxfs", "fonts"):
        added = ledger.styles.get(name)
        if added is None or not added.hashes:
            continue
        container = name.encode()
        found = records(styles, container)
        used = in_use(name, added.indices) | _used_in_styles(styles, p, name, added.indices)
        gone: set[int] = set()
        while found and len(found) - 1 in added.indices:
            index = len(found) - 1
            if index in used or fingerprint(found[index]) != added.hashes[index - added.first]:
                break
            shape = added.shape if index == added.first else "c"
            styles = drop_last_child(styles, p + container, p + CHILD[container], shape)
            found.pop()
            gone.add(index)
        removed[name] = gone
    return styles, removed


def _used_in_styles(styles: bytes, p: bytes, name: str, indices: range) -> set[int]:
    """Records of `indices` that styles.xml itself refers to: fonts of the remaining cell formats,
    dxfs of table styles."""
    if name == "fonts":
        xfs = records(styles, b"cellXfs") + records(styles, b"cellStyleXfs")
        ids = {int(m) for xf in xfs for m in _FONT_ID.findall(xf)}
    elif name == "dxfs":
        ids = {int(m) for m in re.findall(rb'\sdxfId="(\d+)"', styles)}
    else:
        ids = set()
    return {i for i in indices if i in ids}
