"""Peak memory of check, mark and clear on a 50,000-row Orders sheet of junk-typed cells (issue 9).

`python benchmarks/junk_memory.py [ROWS]`: every date, number and code cell holds text that fails
its type, so nearly every cell is a finding (about a million): the worst case for the Issues
sheet and the highlights. Each command runs in a fresh process (`run.py --step`), so each peak
resident set (VmHWM) is its own. Target: every command ≤ 1.5 GB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from sheetsync.contract import LINES, ORDERS

sys.path.insert(0, str(Path(__file__).parent))
from run import peak_rss_mb

CACHE = Path(__file__).resolve().parent / ".cache"
JUNK = ["n/a", "TBC ?", "12,5,0", "see mail", "abc", "#REF!", "--", "2026-13-45"]


def build(rows: int) -> Path:
    """The junk book (cached): Orders with `rows` rows of text in every column, an empty Lines."""
    path = CACHE / f"junk-{rows}.xlsx"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    orders = book.add_worksheet(ORDERS.name)
    headers = [c.header for c in ORDERS.columns]
    orders.write_row(0, 0, headers)
    for r in range(1, rows + 1):
        values = [f"PO-{r}"] + [JUNK[(r + c) % len(JUNK)] for c in range(1, len(headers))]
        orders.write_row(r, 0, values)
    book.add_worksheet(LINES.name).write_row(0, 0, [c.header for c in LINES.columns])
    book.close()
    return path


def step(name: str, book: Path, out: Path) -> str:
    """One command on `book`; mark writes `out`, clear reads it (the marked book)."""
    if name == "check":
        from sheetsync.actions.check import check_path

        return f"{len(check_path(book).findings):,} findings"
    if name == "mark":
        from sheetsync.actions.mark import mark_file

        done = mark_file(book, out=out, backup=False)
        return f"{done.findings:,} findings, {done.cells:,} cells highlighted"
    from sheetsync.actions.mark import clear
    from sheetsync.io.ooxml.apply_edits import write_edits

    write_edits(out, clear(out), out=out.with_name("cleared.xlsx"), backup=False)
    return f"cleared {out.stat().st_size / 2**20:.0f} MiB"


def main(rows: int) -> None:
    book = build(rows)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "marked.xlsx"
        print(f"{'command':<8}{'seconds':>9}{'peak MB':>10}  result")
        for name in ("check", "mark", "clear"):
            command = [sys.executable, __file__, "--step", name, str(book), str(out)]
            result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            print(f"{name:<8}{result['seconds']:>9.1f}{result['peak_mb']:>10.0f}  {result['note']}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--step":
        started = time.perf_counter()
        note = step(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb(), "note": note}))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
