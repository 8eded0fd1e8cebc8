"""Apply edits (`sheetsync.edits`) to a workbook file through the package-level writer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from sheetsync.edits import (
    AddColumns,
    AddRegister,
    AddRows,
    ClearMarks,
    DocumentSheet,
    Edit,
    FreezeSheet,
    Highlight,
    RegisterDocument,
    RemoveDocuments,
    ReplaceSheet,
    number_formats,
)
from sheetsync.findings import FILE_ERRORS, FileError
from sheetsync.io.ooxml import document_sheet, grow, highlights, owned_sheet, styles_xml
from sheetsync.io.ooxml import workbook_xml as wx
from sheetsync.io.ooxml.check import check_package
from sheetsync.io.ooxml.package import Package, SheetPart
from sheetsync.io.ooxml.register import register_documents
from sheetsync.io.ooxml.remove_documents import remove_documents
from sheetsync.io.ooxml.safe_write import Snapshot, snapshot, write_safely


def apply_edits(package: Package, edits: Sequence[Edit]) -> None:
    """Apply edits in order to an open package (nothing is written until `save`).

    sheetsync's styles are appended once, when the first edit needs them, with every number
    format any owned sheet of the batch uses.
    """
    formats = number_formats(edits)
    documents = [e for e in edits if isinstance(e, DocumentSheet)]
    registered = [e for e in edits if isinstance(e, RegisterDocument)]
    for edit in edits:
        if isinstance(edit, ClearMarks):
            clear_marks(package, edit)
        elif isinstance(edit, ReplaceSheet):
            replace_sheet(package, edit, _ensure_styles(package, formats))
        elif isinstance(edit, Highlight):
            highlight(package, edit, formats)
        elif isinstance(edit, RegisterDocument) and edit is registered[0]:
            register_documents(package, registered)  # one pass over the register, where the first stands
        elif isinstance(edit, DocumentSheet) and edit is documents[0]:
            document_sheet.add_documents(package, documents)  # all at once, where the first stands
        elif isinstance(edit, AddRegister):
            document_sheet.add_register(package, edit)
        elif isinstance(edit, FreezeSheet):
            document_sheet.freeze(package, edit)
        elif isinstance(edit, AddColumns):
            grow.add_columns(package, edit)
        elif isinstance(edit, AddRows):
            grow.add_rows(package, edit)
        elif isinstance(edit, RemoveDocuments):
            remove_documents(package, edit)
    package.keep_record()


def _require_styles(package: Package) -> str:
    if package.styles is None:
        raise FileError("file-corrupt", "the workbook has no styles part")
    return package.styles


def clear_marks(package: Package, edit: ClearMarks) -> None:
    """Remove what `mark` added: highlights (signed), owned sheets (checked), and the styles the
    book's record names (`ledger`) — a mark without a record leaves its styles, which harm nothing."""
    had_names = wx.names_shape(package.read(package.workbook)) == "c"
    for sheet in package.sheets():
        if sheet.name in edit.owned or not sheet.is_worksheet:
            continue
        offset, tail = package.sheet_tail(sheet.part)
        if highlights.has_highlights(tail):
            package.write_tail(sheet.part, offset, highlights.remove_highlights(tail))
    for name, headers in edit.owned.items():
        found = package.sheet(name)
        if found is not None:
            _check_owned(package, found, headers)
            package.remove_sheet(found)
    record = package.recorded()
    if record is not None:
        styles = _require_styles(package)
        xml, package.released = styles_xml.remove_styles(package.read(styles), record, _users(package))
        package.write(styles, xml)
    # Without a record (a mark by an older version), a <definedNames> the clear emptied was that version's.
    package.forget_record(record.names_shape if record else "a" if had_names else None)


_REFERENCES = {"cellXfs": rb'\s(?:s|style)="(%s)"', "dxfs": rb'\s[dD]xfId="(%s)"'}


def _users(package: Package) -> styles_xml.InUse:
    """Which of some style records a part other than styles.xml refers to: cells, rows and
    columns (cell formats); conditional formats, tables and pivot tables (dxfs)."""

    def used(name: str, indices: range) -> set[int]:
        if name not in _REFERENCES or not indices:
            return set()
        pattern = re.compile(_REFERENCES[name] % b"|".join(b"%d" % i for i in indices))
        parts = [s.part for s in package.sheets() if s.is_worksheet and package.exists(s.part)]
        if name == "dxfs":
            parts += [
                n for n in package.zip.namelist() if re.match(r"xl/(tables|pivotTables)/[^/]+\.xml$", n)
            ]
        found: set[bytes] = set()
        for part in parts:
            if name == "dxfs" and part.startswith("xl/worksheets/") and package.exists(part):
                found.update(m.group(1) for m in pattern.finditer(package.sheet_tail(part)[1]))
            elif package.exists(part):
                found |= package.matches(part, pattern)
        return {int(n) for n in found}

    return used


def _check_owned(package: Package, sheet: SheetPart, headers: tuple[str, ...]) -> None:
    """Refuse to remove a user's own sheet that merely has the owned sheet's name."""
    row = owned_sheet.first_row(package.head(sheet.part), package.shared_text())
    if tuple(t.strip() for t in row[: len(headers)]) != headers:
        raise FileError(
            "file-sheet-taken",
            f"The book has its own sheet named {sheet.name!r}; rename it so sheetsync can write its own.",
        )


def _ensure_styles(package: Package, formats: tuple[int, ...] = ()) -> styles_xml.StyleIds:
    """sheetsync's styles, appended once per write and recorded (`ClearMarks` removes the previous ones)."""
    if package.style_ids is None:
        styles = _require_styles(package)
        xml, package.style_ids, package.ledger = styles_xml.add_styles(package.read(styles), formats)
        package.write(styles, xml)
    return package.style_ids


def replace_sheet(package: Package, edit: ReplaceSheet, ids: styles_xml.StyleIds | None = None) -> None:
    """Add the owned sheet, replacing a previous one of the same name."""
    ids = ids or _ensure_styles(package, number_formats([edit]))
    existing = package.sheet(edit.name)
    if existing is not None:
        _check_owned(package, existing, tuple(c.header for c in edit.columns))
        package.remove_sheet(existing)
    filtered = owned_sheet.filter_range(edit) if edit.autofilter else None
    package.add_worksheet(
        edit.name,
        lambda: owned_sheet.render_chunks(edit, ids.header_xf, ids.link_xf, ids.number_xfs),
        filtered,
    )


def highlight(package: Package, edit: Highlight, formats: tuple[int, ...] = ()) -> None:
    """Mark cells on a user's worksheet with one conditional-format block."""
    sheet = package.sheet(edit.sheet)
    if sheet is None or not sheet.is_worksheet or not edit.cells:
        return
    ids = _ensure_styles(package, formats)
    offset, tail = package.sheet_tail(sheet.part)
    package.write_tail(sheet.part, offset, highlights.add_highlight(tail, edit.cells, ids.mark_dxf))


def write_edits(
    source: Path,
    edits: Sequence[Edit],
    out: Path | None = None,
    read_as: Snapshot | None = None,
    backup: bool = True,
) -> Path | None:
    """Apply edits to `source` and write it in place (or to `out`) safely; return the backup.

    `read_as` is the snapshot taken when the book was read (for the changed-since-read check);
    without it the snapshot is taken now.
    """
    if not source.is_file():
        raise FileError("file-not-found", f"{source}: {FILE_ERRORS['file-not-found']}")
    read_as = read_as or snapshot(source)
    package = Package(source)
    try:
        apply_edits(package, edits)
        check_package(package)
        return write_safely(source, out or source, package.save, read_as, backup)
    finally:
        package.close()
