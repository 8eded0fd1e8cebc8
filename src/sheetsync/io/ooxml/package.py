"""An .xlsx/.xlsm package at the level of its parts: tabs added and removed, losing nothing.

Only the parts an edit must change are rewritten — the owned sheet, workbook.xml and its
relationships, [Content_Types].xml, styles.xml, and the marked sheets' XML — each by an
exactly reversible textual edit; every other part (charts, images, pivots, VBA, x14
extensions, comments, printer settings…) is copied as it was, member by member, with its
compression. The book is never loaded into openpyxl.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sheetsync.findings import FileError
from sheetsync.io.ooxml import ledger as ledger_name
from sheetsync.io.ooxml import workbook_xml as wx
from sheetsync.io.ooxml.ledger import Ledger
from sheetsync.io.ooxml.parts import Parts, Stream
from sheetsync.io.ooxml.styles_xml import StyleIds
from sheetsync.io.ooxml.xml_text import text_of

CONTENT_TYPES = "[Content_Types].xml"
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")

_SI = re.compile(rb"<(?:[\w.-]+:)?si\b[^>]*>(.*?)</(?:[\w.-]+:)?si>", re.S)
_SI_END = re.compile(rb"</(?:[\w.-]+:)?si>")


@dataclass(frozen=True, slots=True)
class SheetPart:
    """A tab of the workbook: its name, position, ids and zip member."""

    name: str
    index: int
    sheet_id: int
    rid: str
    part: str
    is_worksheet: bool


class Package(Parts):
    """An open workbook: its tabs, and the parts that list them."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        # the workbook's relationships as last parsed, and the version of the part they are of
        self._relations: tuple[object, list[wx.Tag]] | None = None
        self.workbook = self._workbook_part()
        self.rels = wx.rels_path(self.workbook)
        self.styles = self.related("/styles")
        self.style_ids: StyleIds | None = None  # set once sheetsync's styles are appended
        self.ledger: Ledger | None = None  # what this write appended to styles.xml
        self.names_before: str | None = None  # <definedNames>' shape before this write's first name
        self.released: dict[str, set[int]] = {}  # style records a clear took out as sheetsync's own
        self.owned: set[str] = set()  # tabs sheetsync owns that this write removed or added
        # `sheets()` as last listed, and the workbook and rels versions it was listed from
        self._listed: tuple[object, object, list[SheetPart]] | None = None

    def _workbook_part(self) -> str:
        for tag in wx.tags(self.zip.read("_rels/.rels"), b"Relationship"):
            if tag.attrs.get("Type", "").endswith("/officeDocument"):
                return wx.resolve("", tag.attrs["Target"])
        raise FileError("file-not-xlsx", "the package has no workbook part")

    def shared_string(self) -> Callable[[int], bytes | None]:
        """Raw `<si>` body by index, reading sharedStrings.xml only as far as asked (None past its end)."""
        part = self.related("/sharedStrings")
        chunks = iter(self.chunks(part)) if part else iter(())
        items: list[bytes] = []
        pending = b""

        def lookup(index: int) -> bytes | None:
            nonlocal pending
            while len(items) <= index and (chunk := next(chunks, None)) is not None:
                pending += chunk
                if ends := list(_SI_END.finditer(pending)):
                    items.extend(_SI.findall(pending, 0, ends[-1].end()))
                    pending = pending[ends[-1].end() :]
            return items[index] if index < len(items) else None

        return lookup

    def shared_text(self) -> Callable[[int], str]:
        """Shared strings as plain text by index (empty past the table's end)."""
        raw = self.shared_string()

        def lookup(index: int) -> str:
            item = raw(index)
            return text_of(item) if item is not None else ""

        return lookup

    def relationships(self) -> list[wx.Tag]:
        """The workbook's `<Relationship>` entries (parsed again only once the part changes: a book
        with hundreds of tabs has as many, and the readers ask for them several times)."""
        version = self.changed.get(self.rels)
        if self._relations is None or self._relations[0] is not version:
            self._relations = (version, list(wx.tags(self.read(self.rels), b"Relationship")))
        return self._relations[1]

    def related(self, kind: str) -> str | None:
        """The workbook's part of a relationship type ending in `kind` (`/styles`, `/sharedStrings`)."""
        for tag in self.relationships():
            if tag.attrs.get("Type", "").endswith(kind):
                return wx.resolve(self.workbook, tag.attrs["Target"])
        return None

    def sheets(self) -> list[SheetPart]:
        """Every tab, in workbook order (listed again only once workbook.xml or its rels change:
        a book with hundreds of document tabs is asked for its tabs several times per read)."""
        versions = (self.changed.get(self.workbook), self.changed.get(self.rels))
        if self._listed is not None and self._listed[0] is versions[0] and self._listed[1] is versions[1]:
            return list(self._listed[2])
        out = self._list_sheets()
        self._listed = (*versions, out)
        return list(out)

    def _list_sheets(self) -> list[SheetPart]:
        targets = {t.attrs.get("Id"): t.attrs for t in self.relationships()}
        out = []
        for index, tag in enumerate(wx.sheet_tags(self.read(self.workbook))):
            rid = wx.attr(tag, "id") or ""
            rel = targets.get(rid, {})
            out.append(SheetPart(
                name=tag.attrs.get("name", ""), index=index, sheet_id=int(tag.attrs.get("sheetId", 0)),
                rid=rid, part=wx.resolve(self.workbook, rel.get("Target", "")),
                is_worksheet=rel.get("Type") == wx.WORKSHEET_REL,
            ))  # fmt: skip
        return out

    def sheet(self, name: str) -> SheetPart | None:
        """A tab by name, compared as Excel does (case-insensitively)."""
        return next((s for s in self.sheets() if s.name.casefold() == name.casefold()), None)

    def add_worksheet(self, name: str, content: bytes | Stream, filtered: str | None = None) -> None:
        """Add a worksheet part as the last tab; `filtered` is its autofilter range ($A$1:$H$9)."""
        sheets = self.sheets()
        rels = self.read(self.rels)
        ids = {t.attrs.get("Id") for t in wx.tags(rels, b"Relationship")}
        rid = next(f"rId{n}" for n in range(len(ids) + 1, len(ids) + 10_000) if f"rId{n}" not in ids)
        folder = wx.resolve(self.workbook, "worksheets/x")[:-1]
        part = next(
            f"{folder}sheet{n}.xml" for n in range(1, 100_000) if not self.exists(f"{folder}sheet{n}.xml")
        )
        sheet_id = max((s.sheet_id for s in sheets), default=0) + 1
        if isinstance(content, bytes):
            self.write(part, content)
        else:
            self.write_stream(part, content)
        workbook = wx.add_sheet_entry(self.read(self.workbook), name, sheet_id, rid)
        self.write(self.workbook, workbook)
        if filtered:
            formula = "'" + name.replace("'", "''") + "'!" + filtered
            self.add_name("_xlnm._FilterDatabase", formula, len(sheets))
        self.owned.add(name)
        target = part[len(folder) - len("worksheets/") :]
        self.write(
            self.rels,
            wx.add_before_close(rels, b"Relationships", wx.relationship(rid, wx.WORKSHEET_REL, target)),
        )
        types = self.read(CONTENT_TYPES)
        self.write(CONTENT_TYPES, wx.add_before_close(types, b"Types", wx.override(part, wx.WORKSHEET_TYPE)))

    def add_name(self, name: str, formula: str, sheet_index: int | None = None) -> None:
        """Add a hidden defined name, noting first what `<definedNames>` looked like before."""
        workbook = self.read(self.workbook)
        if self.names_before is None:
            self.names_before = wx.names_shape(workbook)
        self.write(self.workbook, wx.add_defined_name(workbook, name, formula, sheet_index))

    def recorded(self) -> Ledger | None:
        """The record of a previous mark (`ledger`), if the book holds one sheetsync can read."""
        for tag, text, _ in wx.defined_names(self.read(self.workbook)):
            if tag.attrs.get("name") == ledger_name.NAME and "localSheetId" not in tag.attrs:
                return ledger_name.parse(text)
        return None

    def forget_record(self, shape: str | None) -> None:
        """Drop the record name and give `<definedNames>` back its shape before the mark."""
        workbook = wx.drop_defined_name(self.read(self.workbook), ledger_name.NAME)
        self.write(self.workbook, wx.restore_names(workbook, shape))

    def keep_record(self) -> None:
        """Record in the book what this write appended to styles.xml (see `ledger`)."""
        if self.ledger is None:
            return
        if self.names_before is None:
            self.names_before = wx.names_shape(self.read(self.workbook))
        self.ledger.names_shape = self.names_before
        self.add_name(ledger_name.NAME, self.ledger.formula())

    def remove_sheet(self, sheet: SheetPart) -> None:
        """Remove a tab: its entry, relationship, content type, part and the part's own rels."""
        workbook = self.read(self.workbook)
        entry = next(t for t in wx.sheet_tags(workbook) if t.attrs.get("name") == sheet.name)
        workbook = wx.drop_sheet_index(wx.cut(workbook, entry), sheet.index)
        self.write(self.workbook, workbook)
        self.owned.add(sheet.name)
        rels = self.read(self.rels)
        for tag in wx.tags(rels, b"Relationship"):
            if tag.attrs.get("Id") == sheet.rid:
                self.write(self.rels, wx.cut(rels, tag))
        types = self.read(CONTENT_TYPES)
        for tag in wx.tags(types, b"Override"):
            if tag.attrs.get("PartName", "").casefold() == "/" + sheet.part.casefold():
                self.write(CONTENT_TYPES, wx.cut(types, tag))
        if self.contains(sheet.part, _FORMULA):
            self._drop_calc_chain()
        self.delete(sheet.part)
        if self.exists(wx.rels_path(sheet.part)):
            self.delete(wx.rels_path(sheet.part))

    def _drop_calc_chain(self) -> None:
        """Excel rebuilds calcChain.xml; drop it when a removed sheet had formulas in it."""
        rels = self.read(self.rels)
        for tag in wx.tags(rels, b"Relationship"):
            if tag.attrs.get("Type", "").endswith("/calcChain"):
                part = wx.resolve(self.workbook, tag.attrs["Target"])
                self.write(self.rels, wx.cut(rels, tag))
                types = self.read(CONTENT_TYPES)
                for over in wx.tags(types, b"Override"):
                    if over.attrs.get("PartName", "").casefold() == "/" + part.casefold():
                        self.write(CONTENT_TYPES, wx.cut(types, over))
                self.delete(part)
