"""`make bench`: sheetsync check against the fastest raw read and against pandas + openpyxl.

Every timed step runs in a fresh Python process (`run.py --step NAME BOOK`), so each peak RSS
is its own; the time is that of the call alone, after imports. Books come from build.py (cached).
Targets (issue 3): check ≤ 2.0 × fastexcel; pandas+openpyxl ≥ 10 × check; peak ≤ 1.5 GB;
a 2,000-order book checked in ≤ 1.5 s.
"""

from __future__ import annotations

import importlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHEETS = ["Orders", "Lines", "Shipments"]


def check(path: Path) -> str:
    from sheetsync.check import check_path

    report = check_path(path)
    assert report.error is None, report.error.message
    return f"{len(report.findings):,} findings"


def fastexcel_read(path: Path) -> str:
    import fastexcel

    reader = fastexcel.read_excel(path)
    rows = [reader.load_sheet_by_name(name).to_arrow().num_rows for name in SHEETS]
    return f"{sum(rows):,} rows"


def pandas_openpyxl(path: Path) -> str:
    import pandas as pd

    frames = pd.read_excel(path, sheet_name=SHEETS, engine="openpyxl")
    return f"{sum(len(f) for f in frames.values()):,} rows"


def lines_fastexcel(path: Path) -> str:
    import fastexcel

    return f"{fastexcel.read_excel(path).load_sheet_by_name('Lines').to_arrow().num_rows:,} rows"


def lines_calamine(path: Path) -> str:
    from python_calamine import CalamineWorkbook

    return f"{len(CalamineWorkbook.from_path(str(path)).get_sheet_by_name('Lines').to_python()) - 1:,} rows"


def mark(path: Path) -> str:
    """`sheetsync mark` end to end (check + package write), into a temp copy: the cache stays clean."""
    import tempfile

    from sheetsync.mark import mark_file

    with tempfile.TemporaryDirectory() as folder:
        done = mark_file(path, out=Path(folder) / path.name, backup=False)
    return f"{done.findings:,} findings, {done.cells:,} cells on {done.sheets} sheets"


def kpi(path: Path) -> str:
    """`sheetsync kpi` without printing: read the book, compute every KPI (issue 4)."""
    from sheetsync.io.reader import read_book
    from sheetsync.kpi import compute_kpis

    report = compute_kpis([read_book(path)])
    otd = report.groups["All"][0]
    return f"OTD {otd.numerator:,}/{otd.denominator:,}"


STEPS: dict[str, Callable[[Path], str]] = {
    "kpi": kpi,
    "mark": mark,
    "check": check,
    "fastexcel": fastexcel_read,
    "pandas": pandas_openpyxl,
    "lines-fastexcel": lines_fastexcel,
    "lines-calamine": lines_calamine,
}


def peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM, which exec resets (ru_maxrss survives exec on Linux)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# What each step imports before its clock starts (timed separately as import_s).
PRELOAD: dict[str, str] = {"check": "sheetsync.check", "mark": "sheetsync.mark", "kpi": "sheetsync.kpi"}


def child(step: str, path: Path) -> None:
    """Run one step in this process and print {seconds, import_s, peak_mb, note} as JSON."""
    started = time.perf_counter()
    if step in PRELOAD:
        importlib.import_module(PRELOAD[step])
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    note = STEPS[step](path)
    seconds = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "import_s": import_s, "peak_mb": peak_mb, "note": note}))


def measure(step: str, path: Path) -> dict[str, float | str]:
    """Run a step in a fresh interpreter; its JSON result."""
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, str(path)], check=True, capture_output=True, text=True
    )
    result: dict[str, float | str] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    # Built in its own process too, so that generating rows never inflates a measured peak.
    built = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("build.py")), "100000", "2000"],
        check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    big, small = (Path(line) for line in built.stdout.split())
    for book in (big, small):  # into the page cache, so the first timed step is not the only cold read
        book.read_bytes()
    plan = [
        ("a", "check", big, "sheetsync check, 100,000 orders"),
        ("b", "fastexcel", big, "fastexcel raw read, same sheets"),
        ("c", "pandas", big, "pandas.read_excel + openpyxl"),
        ("d", "check", small, "sheetsync check, 2,000 orders"),
        ("e1", "lines-fastexcel", big, "Lines sheet, fastexcel"),
        ("e2", "lines-calamine", big, "Lines sheet, python-calamine"),
        ("f", "mark", big, "sheetsync mark, 100,000 orders"),
        ("g", "kpi", big, "sheetsync kpi, 100,000 orders"),
    ]
    results: dict[str, dict[str, float | str]] = {}
    print(f"{'':3}{'step':<36}{'seconds':>9}{'peak MB':>10}  result")
    for key, step, path, title in plan:
        r = results[key] = measure(step, path)
        print(f"{key:<3}{title:<36}{float(r['seconds']):>9.2f}{float(r['peak_mb']):>10.0f}  {r['note']}")
    a, b, c, d = (float(results[k]["seconds"]) for k in "abcd")
    peak = max(float(results[k]["peak_mb"]) for k in "ad")
    e1, e2 = float(results["e1"]["seconds"]), float(results["e2"]["seconds"])
    print()
    print(f"a/b  check vs fastexcel floor   {a / b:6.2f}   target ≤ 2.0")
    print(f"c/a  pandas+openpyxl vs check   {c / a:6.2f}   target ≥ 10")
    print(f"peak check memory               {peak / 1024:6.2f} GB  target ≤ 1.5")
    d_import = float(results["d"].get("import_s", 0.0))
    print(
        f"d    2,000-order check          {d:6.2f} s   target ≤ 1.5 (+ {d_import:.2f} s importing sheetsync)"
    )
    f, f_peak = float(results["f"]["seconds"]), float(results["f"]["peak_mb"])
    print(f"f/a  mark vs check              {f / a:6.2f}   target ≤ 2.0 (issue 5)")
    print(f"peak mark memory                {f_peak / 1024:6.2f} GB  target ≤ 1.5")
    g = float(results["g"]["seconds"])
    print(f"g/b  kpi vs fastexcel floor     {g / b:6.2f}   target ≤ 1.5 (issue 4)")
    print(f"Lines (300k rows): fastexcel {e1:.2f} s, python-calamine {e2:.2f} s (ratio {e2 / e1:.2f})")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--step":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
