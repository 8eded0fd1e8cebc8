"""`make bench` (documents, issue 12): generate and check document tabs on a 2,000-order book.

`python benchmarks/documents.py` prints each step's time after imports, each in a fresh process:
  one    every document of one shipped order                      target ≤ 1 s
  all    every document of every shipped order, one batch         target ≤ 60 s
  check  the book, and the same book with ~500 document tabs      target ratio ≤ 1.5 (medians of 3)
  lo     LibreOffice opening and saving the 500-tab book, with and without recalculating every
         formula (the difference is the recalculation); a run past LO_TIMEOUT is reported, not fatal
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import CACHE, build

import sheetsync

TABS = 500
LO_TIMEOUT = 1800  # seconds; past it the figure is reported as timed out, not a crash
# OOXMLRecalcMode: 0 recalculates every formula on load, 1 never (cached values kept)
RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def shipped(path: Path) -> list[str]:
    from sheetsync.actions.generate import shipped_without_documents
    from sheetsync.io.read.reader import read_book

    return shipped_without_documents(read_book(path))


def documents_version() -> str:
    """A digest of the code that lays out and writes document tabs: a change rebuilds the tabbed book."""
    package = Path(sheetsync.__file__).parent
    sources = sorted([*package.glob("documents/*.py"), package / "io" / "ooxml" / "document_sheet.py",
                      package / "contract" / "doc_layout.py"])  # fmt: skip
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:8]


def with_tabs(path: Path) -> Path:
    """The book with documents for the first shipped orders, about TABS tabs (cached)."""
    target = CACHE / f"{path.stem}-{TABS}tabs-{documents_version()}.xlsx"
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


def libreoffice(
    path: Path, recalculate: bool = True, timeout: float = LO_TIMEOUT
) -> tuple[float | None, str]:
    """Seconds LibreOffice takes to open (recalculating every formula, or none) and save the book.

    (None, why) when soffice is missing, fails or runs past `timeout`: soffice runs in its own
    process group, killed whole on timeout, so no soffice.bin is left holding the profile.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        return None, "LibreOffice not installed"
    with tempfile.TemporaryDirectory() as folder:
        profile = Path(folder) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(
            RECALC.format(mode=0 if recalculate else 1)
        )
        out = Path(folder) / "out"
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
                   "--outdir", str(out), str(path)]  # fmt: skip
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return None, f"timed out after {timeout:.0f} s"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)  # a soffice.bin its launcher left behind
        seconds = time.perf_counter() - started
        if child.returncode != 0 or not (out / path.name).exists():
            return None, f"soffice failed (status {child.returncode}): {err.decode(errors='replace')[-300:]}"
        return seconds, ""


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
    print(f"LibreOffice, the ~500-tab book (load: {os.getloadavg()[0]:.1f}):")
    for recalculate, what in (
        (False, "open and save, cached values kept"),
        (True, "open, recalculate all, save"),
    ):
        lo, why = libreoffice(tabs, recalculate)
        print(f"  {what:<46}{lo:>9.1f}" if lo is not None else f"  {what:<46}  {why}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--step":
        step(sys.argv[2], Path(sys.argv[3]))
    elif len(sys.argv) == 2 and sys.argv[1] == "--lo":  # only the LibreOffice figures
        tabbed = with_tabs(build(2000))
        for recalculate in (False, True):
            print(recalculate, *libreoffice(tabbed, recalculate))
    else:
        main()
