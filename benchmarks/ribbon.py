"""The ribbon's speed: every button on a 2,000-order live book, through the test engine.

`python benchmarks/ribbon.py` (also a step of `make bench`). The book is the demo book with its
mistakes (2,000 orders), open in the test Excel of tests/xlwings_engine.py; the times are the
Python side of each click: wall time less the time spent inside the engine (Excel's side:
values handed over, sheets added, rules written, the dashboard opened).
- first click: a fresh process importing xlwings and sheetsync, then Check workbook (≤ 3 s);
- then each button, three times, after a first call (the process stays alive between clicks on
  Windows, as xlwings' UDF server allows): the median (≤ 1 s each). An unchanged book is not
  checked again, so check, mark and next are also timed after an edit to the book. The document
  buttons run on two selected order rows (a different pair each time): Generate documents, Issue
  document on the first tab it made, Remove generated tabs on the same rows, Buyer status update.
Each figure is CPU time (`time.process_time`, steadier than wall time on a shared machine) less
the engine's own CPU time; the wall-clock figure is printed beside it.
"""

from __future__ import annotations

import time

STARTED, CPU_STARTED = time.perf_counter(), time.process_time()
import xlwings  # noqa: E402, TID251  (timed: part of the first click; the benchmark drives the Excel face)

XLWINGS_S, XLWINGS_CPU = time.perf_counter() - STARTED, time.process_time() - CPU_STARTED

import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
ORDERS = 2_000
TODAY = dt.date(2026, 11, 25)
BUTTONS = ["check", "mark", "next", "previous", "explain", "settings", "about", "kpi", "new", "clear"]
DOCUMENT_BUTTONS = ["generate", "issue", "remove", "status"]


def demo_book() -> Path:
    """The 2,000-order demo book (with its mistakes), built once into benchmarks/.cache."""
    path = HERE / ".cache" / f"ribbon-demo-{ORDERS}.xlsx"
    if not path.exists():  # (imported only then: the first click must pay for its own imports)
        from sheetsync.demo import demo_rows, write_demo

        path.parent.mkdir(parents=True, exist_ok=True)
        write_demo(path, demo_rows(ORDERS, 7, TODAY), force=True)
    return path


def main() -> dict[str, float]:
    import xlwings_engine as engine

    source = demo_book()
    work = Path(tempfile.mkdtemp(prefix="sheetsync-ribbon-bench-"))
    os.environ["SHEETSYNC_CONFIG_DIR"] = str(work / "config")
    (work / "config").mkdir()
    (work / "config" / "ribbon.json").write_text(json.dumps({"warned": BUTTONS + DOCUMENT_BUTTONS}))
    try:
        impl, _ = engine.install()
        app = xlwings.App()
        shutil.copyfile(source, work / "orders.xlsx")
        book = engine.load_book(app.impl, work / "orders.xlsx")

        walls: dict[str, float] = {}

        def click(button: str) -> float:
            """The Python CPU time of one click, less the engine's (Excel's side); its wall time
            (less the engine's) goes to `walls`."""
            app.impl.active_book = book
            excel_before, cpu_before = impl.excel_seconds, impl.excel_cpu
            started, cpu = time.perf_counter(), time.process_time()
            with engine.run_python(app.impl):
                ribbon.run(button)
            walls[button] = time.perf_counter() - started - (impl.excel_seconds - excel_before)
            return time.process_time() - cpu - (impl.excel_cpu - cpu_before)

        started, cpu = time.perf_counter(), time.process_time()
        from sheetsync.excel import ribbon

        first = XLWINGS_CPU + (time.process_time() - cpu) + click("check")  # the imports, as CPU time
        figures = {"first click (imports + check)": first}
        wall = {"first click (imports + check)": XLWINGS_S + (time.perf_counter() - started) + walls["check"]}
        book.sheet("Orders")  # the selection starts on Orders!A1
        app.books.active.sheets["Orders"].range("A1").select()
        for button in BUTTONS:
            times, wall_times = [], []
            for _ in range(3):
                if button == "clear":
                    click("mark")  # clear what a mark wrote, not an already clean book
                times.append(click(button))
                wall_times.append(walls[button])
            figures[button], wall[button] = sorted(times)[1], sorted(wall_times)[1]
        documents: dict[str, list[tuple[float, float]]] = {b: [] for b in DOCUMENT_BUTTONS}
        live = app.books[book.name]
        orders_sheet = live.sheets["Orders"]
        for n in range(3):
            rows = f"A{4 + 2 * n}:A{5 + 2 * n}"
            app.impl.active_book = book
            orders_sheet.range(rows).select()
            names = [s.name for s in book.sheet_list]
            documents["generate"].append((click("generate"), walls["generate"]))
            made = [s.name for s in book.sheet_list if s.name not in names]
            live.sheets[made[0]].activate()
            documents["issue"].append((click("issue"), walls["issue"]))
            orders_sheet.activate()
            orders_sheet.range(rows).select()
            documents["remove"].append((click("remove"), walls["remove"]))
            orders_sheet.range(rows).select()
            documents["status"].append((click("status"), walls["status"]))
        for button, pairs in documents.items():
            figures[button] = sorted(t for t, _ in pairs)[1]
            wall[button] = sorted(w for _, w in pairs)[1]
        orders = book.sheet("Orders")
        edited = [k for k, v in orders.values.items() if isinstance(v, str) and k[0] > 5][:3]

        def edit_then(button: str, n: int) -> float:
            orders.values[edited[n]] = f"{orders.values[edited[n]]} "  # a user's edit: the book changed
            return click(button)

        for button in ("check", "mark", "next"):
            pairs = sorted((edit_then(button, n), walls[button]) for n in range(3))
            figures[f"{button} after an edit"], wall[f"{button} after an edit"] = pairs[1]
        reads = impl.calls["read_values"]
        figures["values reads, all clicks"] = float(reads)
        WALL.update(wall)
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


WALL: dict[str, float] = {}

if __name__ == "__main__":
    results = main()
    load = os.getloadavg()
    print(f"Ribbon on the {ORDERS:,}-order demo book (test engine; Python time per click, median of 3)")
    print(f"  load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"  {'':<32}{'CPU':>8}  {'wall':>8}")
    for name, value in results.items():
        if name.startswith("values"):
            print(f"  {name:<32}{int(value):>8}")
        else:
            target = 3.0 if name.startswith("first") else 1.0
            print(f"  {name:<32}{value:>8.2f} s{WALL[name]:>8.2f} s   target ≤ {target:.0f} s")
