"""The upgrade action: add what the contract has to an existing book, touching nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sheetsync.findings import FileError
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.safe_write import snapshot
from sheetsync.io.read.reader import read_book
from sheetsync.workbook.upgrade import Upgrade, plan_upgrade

__all__ = ["Upgrade", "Upgraded", "upgrade_file"]


@dataclass(frozen=True, slots=True)
class Upgraded:
    plan: Upgrade
    written: Path | None  # None: nothing written (nothing to add, or a dry run)
    backup: Path | None


def upgrade_file(
    book_path: Path, out: Path | None = None, dry_run: bool = False, backup: bool = True
) -> Upgraded:
    """Plan the upgrade (`workbook.upgrade`) and, unless `dry_run` or there is nothing to add,
    write it through the checked package writer, to `out` or in place (keeping a backup)."""
    if not book_path.is_file():
        raise FileError("file-not-found", f"{book_path}: no such file.")
    read_as = snapshot(book_path)
    plan = plan_upgrade(read_book(book_path), book_path)
    if dry_run or not plan.edits:
        return Upgraded(plan, None, None)
    kept = write_edits(book_path, plan.edits, out, read_as, backup)
    return Upgraded(plan, out or book_path, kept)
