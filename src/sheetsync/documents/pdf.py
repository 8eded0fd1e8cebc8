"""Export a document tab as a PDF through LibreOffice headless (when it is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from sheetsync.io.ooxml.document_sheet import single_tab_copy

TIMEOUT_S = 180


class PdfError(RuntimeError):
    """LibreOffice is missing or could not convert the tab."""


def find_soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise PdfError("PDF export needs LibreOffice: install it (e.g. apt install libreoffice-calc-nogui).")
    return found


def file_stem(tab: str) -> str:
    """A file name for a tab: `CI PO-1001` -> `CI PO-1001`; characters files cannot hold become `-`."""
    return re.sub(r'[\\/:*?"<>|]', "-", tab).strip(" .") or "document"


def export_pdf(book: Path, tab: str, out_dir: Path) -> Path:
    """`out_dir/<tab>.pdf`: the tab alone, its values frozen, printed as its page setup says."""
    find_soffice()
    with tempfile.TemporaryDirectory(prefix="sheetsync-pdf-") as tmp:
        copy = Path(tmp) / f"{file_stem(tab)}.xlsx"
        single_tab_copy(book, tab, copy)
        return convert_pdf(copy, out_dir)


def convert_pdf(workbook: Path, out_dir: Path) -> Path:
    """`out_dir/<stem>.pdf`: the workbook printed by LibreOffice headless."""
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sheetsync-pdf-") as tmp:
        folder = Path(tmp)
        command = [
            soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
            "--convert-to", "pdf", "--outdir", str(folder), str(workbook),
        ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_S)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"LibreOffice could not convert {workbook.name} to PDF ({exc}).") from exc
        made = folder / f"{workbook.stem}.pdf"
        if not made.is_file():
            raise PdfError(f"LibreOffice wrote no PDF for {workbook.name}.")
        target = out_dir / made.name
        shutil.move(str(made), target)
    return target
