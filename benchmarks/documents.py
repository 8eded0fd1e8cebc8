"""`make bench` (documents, issue 12): generate and check document tabs on a 2,000-order book.

`python benchmarks/documents.py` prints each step's time after imports, each in a fresh process:
  one    every document of one shipped order                      target ≤ 1 s
  all    every document of every shipped order, one batch         target ≤ 60 s
  check  the book, and the same book with ~500 document tabs      target ratio ≤ 1.5 (medians of 3)
  lo     LibreOffice's recalculation of the 500-tab book (when soffice is installed)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import CACHE, build

TABS = 500
RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def shipped(path: Path) -> list[str]:
    from sheetsync.actions.generate import shipped_without_documents
    from sheetsync.io.read.reader import read_book

    return shipped_without_documents(read_book(path))


def with_tabs(path: Path) -> Path:
    """The book with documents for the first shipped orders, about TABS tabs (cached)."""
    target = CACHE / f"{path.stem}-{TABS}tabs.xlsx"
    if not target.exists():
        from sheetsync.actions.generate import generate_file

        orders = shipped(path)[: TABS // 4]
        done = generate_file(path, orders, out=target, backup=False)
        print(f"built {target.name}: {len(done.plan.documents)} document tabs", file=sys.stderr)
    return target


def step(name: str, path: Path) -> None:
    """One timed step in this process; prints {seconds, note} as JSON."""
    from sheetsync.actions.check import check_path
    from sheetsync.actions.generate import generate_file

    orders = shipped(path) if name in ("one", "all") else []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.xlsx"
        started = time.perf_counter()
        if name == "one":
            note = f"{len(generate_file(path, orders[:1], out=out, backup=False).plan.documents)} documents"
        elif name == "all":
            done = generate_file(path, all_shipped=True, out=out, backup=False)
            note = f"{len(done.plan.documents):,} documents for {len(orders):,} orders"
        else:
            note = f"{len(check_path(path).findings):,} findings"
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "note": note}))


def measure(name: str, path: Path) -> tuple[float, str]:
    out = subprocess.run([sys.executable, __file__, "--step", name, str(path)], check=True,
                         capture_output=True, text=True)  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return float(result["seconds"]), str(result["note"])


def libreoffice(path: Path) -> float | None:
    """Seconds LibreOffice takes to open (recalculating every formula) and save the book."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        profile = Path(folder) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC)
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
                   "--outdir", str(Path(folder) / "out"), str(path)]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=1200)
        return time.perf_counter() - started


def main() -> None:
    book = build(2000)
    tabs = with_tabs(book)
    print(f"{'step':<48}{'seconds':>9}  result")
    for name, title in (("one", "documents of one order, 2,000-order book"), ("all", "every shipped order")):
        seconds, note = measure(name, book)
        print(f"{title:<48}{seconds:>9.2f}  {note}")
    plain, tabbed = [], []
    for _ in range(3):
        plain.append(measure("check", book)[0])
        tabbed.append(measure("check", tabs)[0])
    a, b = sorted(plain)[1], sorted(tabbed)[1]
    print(f"{'check, 2,000 orders (median of 3)':<48}{a:>9.2f}")
    print(f"{'check, same book with ~500 tabs (median of 3)':<48}{b:>9.2f}")
    print(f"\nwith/without tabs {b / a:.2f}   target ≤ 1.5")
    lo = libreoffice(tabs)
    print(f"LibreOffice recalculates the 500-tab book in {lo:.1f} s" if lo else "LibreOffice not installed")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--step":
        step(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
