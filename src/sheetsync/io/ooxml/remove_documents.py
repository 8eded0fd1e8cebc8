"""Remove generated document tabs and their Documents register rows, at the package level.

Each tab is proven sheetsync's by its title in A1 before anything changes. The register's rows
below a removed one move up (their cells renumbered), the freed rows at the Table's end go, and
the Table (with its autofilter) ends at the last row kept — never above its first data row.
Every other part is copied as it was.
"""

from __future__ import annotations

from sheetsync.edits import RemoveDocuments
from sheetsync.findings import FileError
from sheetsync.io.ooxml.owned_sheet import first_row
from sheetsync.io.ooxml.package import Package
from sheetsync.io.ooxml.register import unregister_documents


def remove_documents(package: Package, edit: RemoveDocuments) -> None:
    """Check every tab's title, drop the register rows of `edit.doc_nos`, then the tabs."""
    for tab, title in edit.tabs.items():
        sheet = package.sheet(tab)
        if sheet is not None:
            row = first_row(package.head(sheet.part), package.shared_text())
            if not row or row[0].strip() != title:
                raise FileError(
                    "file-sheet-taken",
                    f"The book has its own sheet named {sheet.name!r}; sheetsync removes only its own tabs.",
                )
    if edit.doc_nos:
        unregister_documents(package, edit.doc_nos)
    for tab in edit.tabs:
        sheet = package.sheet(tab)
        if sheet is not None:
            package.remove_sheet(sheet)
