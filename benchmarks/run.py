"""`make bench`: sheetsync check against the fastest raw read and against pandas + openpyxl.

`python benchmarks/run.py [STEP...]` runs only the steps named (e.g. `a f` for mark vs check).

Every timed step runs in a fresh Python process (`run.py --step NAME BOOK`), so each peak RSS
is its own; the time is that of the call alone, after imports. Books come from build.py (cached).
Targets (issue 3): check ≤ 2.0 × fastexcel; pandas+openpyxl ≥ 10 × check; peak ≤ 1.5 GB;
a 2,000-order book checked in ≤ 1.5 s.

The whole command as users run it (issue 11 §4; steps h-j, `run.py --command NAME BOOK`): wall
time of `sheetsync check BOOK ...` from start to exit, child isolation and output included, the
output going to a file; peak = the largest resident set of the command or any of its children.
Targets: the 2,000-order command ≤ 1.3 × one Python process that imports sheetsync and checks
the book in-process (h2/h1); the 100,000-order book judged eight months late (--today
2027-07-25, ~670,000 findings) adds ≤ 50 % to its run at the book's own Today (j1/i1); ≤ 1.5 GB.
"""

from __future__ import annotations

import importlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SHEETS = ["Orders", "Lines", "Shipments"]


def check(path: Path) -> str:
    from sheetsync.actions.check import check_path

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

    from sheetsync.actions.mark import mark_file

    with tempfile.TemporaryDirectory() as folder:
        done = mark_file(path, out=Path(folder) / path.name, backup=False)
    linked = f"{done.findings:,} findings ({done.linked:,} linked)"
    return f"{linked}, {done.cells:,} cells on {done.sheets} sheets"


def kpi(path: Path) -> str:
    """`sheetsync kpi` without printing: read the book, compute every KPI (issue 4)."""
    from sheetsync.io.read.reader import read_book
    from sheetsync.reporting.kpi import compute_kpis

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
PRELOAD: dict[str, str] = {
    "check": "sheetsync.actions.check",
    "mark": "sheetsync.actions.mark",
    "kpi": "sheetsync.reporting.kpi",
}


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


LATE = "2027-07-25"  # eight months after the books' Settings Today (build.TODAY)
IN_PROCESS = (
    "import sys; from pathlib import Path; from sheetsync.actions.check import check_path; "
    "check_path(Path(sys.argv[1]))"
)
COMMANDS: dict[str, list[str]] = {
    "cmd-inproc": [],
    "cmd-text": ["--format", "text"],
    "cmd-json": ["--format", "json"],
    "cmd-text-late": ["--format", "text", "--today", LATE],
    "cmd-json-late": ["--format", "json", "--today", LATE],
}


def command(name: str, path: Path) -> None:
    """Run one whole command as a child, output to a file; print {seconds, peak_mb, note} as JSON.

    The peak is this process's children's (RUSAGE_CHILDREN: the largest resident set among the
    command and the children it waited for), measured here so no earlier step counts.
    """
    if name == "cmd-inproc":
        argv = [sys.executable, "-c", IN_PROCESS, str(path)]
    else:
        script = Path(sys.executable).with_name("sheetsync")
        argv = [str(script), "check", str(path), *COMMANDS[name]]
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        done = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE, check=False)
        seconds = time.perf_counter() - started
        size = out.tell()
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    note = f"{size / 1e6:,.1f} MB out" if name != "cmd-inproc" else "in-process baseline"
    print(json.dumps({"seconds": seconds, "import_s": 0.0, "peak_mb": peak_mb, "note": note}))


def measure(step: str, path: Path) -> dict[str, float | str]:
    """Run a step in a fresh interpreter; its JSON result."""
    mode = "--command" if step in COMMANDS else "--step"
    out = subprocess.run(
        [sys.executable, __file__, mode, step, str(path)], check=True, capture_output=True, text=True
    )
    result: dict[str, float | str] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


PLAN = [
    ("a", "check", "big", "sheetsync check, 100,000 orders"),
    ("b", "fastexcel", "big", "fastexcel raw read, same sheets"),
    ("c", "pandas", "big", "pandas.read_excel + openpyxl"),
    ("d", "check", "small", "sheetsync check, 2,000 orders"),
    ("e1", "lines-fastexcel", "big", "Lines sheet, fastexcel"),
    ("e2", "lines-calamine", "big", "Lines sheet, python-calamine"),
    ("f", "mark", "big", "sheetsync mark, 100,000 orders"),
    ("g", "kpi", "big", "sheetsync kpi, 100,000 orders"),
    ("h1", "cmd-inproc", "small", "python: import + check, 2,000"),
    ("h2", "cmd-text", "small", "$ sheetsync check, 2,000 orders"),
    ("h3", "cmd-json", "small", "$ check --format json, 2,000"),
    ("i1", "cmd-json", "big", "$ check --format json, 100,000"),
    ("i2", "cmd-text", "big", "$ check (text), 100,000"),
    ("j1", "cmd-json-late", "big", "$ check json, 100,000, 8 months late"),
    ("j2", "cmd-text-late", "big", "$ check text, 100,000, 8 months late"),
]
# The ratios to the 100k check: check, its fastexcel floor and mark run in turns, and their
# medians are compared (one run varies by ±15 % on this machine).
REPEAT = {"a": 3, "b": 3, "f": 3, "h1": 3, "h2": 3}


def run_plan(keys: list[str], books: dict[str, Path]) -> dict[str, dict[str, float | str]]:
    """Each step of `keys` in a fresh process; repeated steps run in turns and keep their median."""
    runs: dict[str, list[dict[str, float | str]]] = {}
    rounds = max(REPEAT.get(key, 1) for key in keys)
    print(f"{'':3}{'step':<36}{'seconds':>9}{'peak MB':>10}  result")
    for turn in range(rounds):
        for key, step, book, title in PLAN:
            if key in keys and turn < REPEAT.get(key, 1):
                r = measure(step, books[book])
                runs.setdefault(key, []).append(r)
                label = f"{title} ({turn + 1})" if REPEAT.get(key, 1) > 1 else title
                seconds, peak = float(r["seconds"]), float(r["peak_mb"])
                print(f"{key:<3}{label:<36}{seconds:>9.2f}{peak:>10.0f}  {r['note']}")
    results = {}
    for key, done in runs.items():
        middle = sorted(done, key=lambda r: float(r["seconds"]))[len(done) // 2]
        results[key] = {**middle, "peak_mb": max(float(r["peak_mb"]) for r in done)}
    return results


def report(results: dict[str, dict[str, float | str]]) -> None:
    seconds = {key: float(r["seconds"]) for key, r in results.items()}
    peaks = {key: float(r["peak_mb"]) for key, r in results.items()}
    print()
    if {"a", "b"} <= seconds.keys():
        print(f"a/b  check vs fastexcel (medians) {seconds['a'] / seconds['b']:4.2f}   target ≤ 2.0")
    if {"a", "c"} <= seconds.keys():
        print(f"c/a  pandas+openpyxl vs check   {seconds['c'] / seconds['a']:6.2f}   target ≥ 10")
    if checks := [peaks[k] for k in "ad" if k in peaks]:
        print(f"peak check memory               {max(checks) / 1024:6.2f} GB  target ≤ 1.5")
    if "d" in seconds:
        d_import = float(results["d"].get("import_s", 0.0))
        print(f"d    2,000-order check          {seconds['d']:6.2f} s   target ≤ 1.5 "
              f"(+ {d_import:.2f} s importing sheetsync)")  # fmt: skip
    if {"a", "f"} <= seconds.keys():
        print(f"f/a  mark vs check (medians)    {seconds['f'] / seconds['a']:6.2f}   target ≤ 2.0 (issue 5)")
    if "f" in peaks:
        print(f"peak mark memory                {peaks['f'] / 1024:6.2f} GB  target ≤ 1.5")
    if {"g", "b"} <= seconds.keys():
        print(f"g/b  kpi vs fastexcel floor     {seconds['g'] / seconds['b']:6.2f}   target ≤ 1.5 (issue 4)")
    if {"h1", "h2"} <= seconds.keys():
        print(
            f"h2/h1 command vs in-process     {seconds['h2'] / seconds['h1']:6.2f}   target ≤ 1.3 (issue 11)"
        )
    if {"i1", "j1"} <= seconds.keys():
        print(
            f"j1/i1 670k findings vs few, json {seconds['j1'] / seconds['i1']:5.2f}   target ≤ 1.5 (issue 11)"
        )
    if {"i2", "j2"} <= seconds.keys():
        print(f"j2/i2 670k findings vs few, text {seconds['j2'] / seconds['i2']:5.2f}")
    if commands := [peaks[k] for k in ("h2", "h3", "i1", "i2", "j1", "j2") if k in peaks]:
        print(f"peak command memory             {max(commands) / 1024:6.2f} GB  target ≤ 1.5")
    if {"e1", "e2"} <= seconds.keys():
        print(f"Lines (300k rows): fastexcel {seconds['e1']:.2f} s, python-calamine {seconds['e2']:.2f} s "
              f"(ratio {seconds['e2'] / seconds['e1']:.2f})")  # fmt: skip


def main(keys: list[str]) -> None:
    # Built in its own process too, so that generating rows never inflates a measured peak.
    built = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("build.py")), "100000", "2000"],
        check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    big, small = (Path(line) for line in built.stdout.split())
    for book in (big, small):  # into the page cache, so the first timed step is not the only cold read
        book.read_bytes()
    report(run_plan(keys, {"big": big, "small": small}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--step":
        child(sys.argv[2], Path(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "--command":
        command(sys.argv[2], Path(sys.argv[3]))
    else:
        wanted = sys.argv[1:] or [key for key, *_ in PLAN]
        unknown = set(wanted) - {key for key, *_ in PLAN}
        if unknown:
            sys.exit(f"usage: run.py [STEP...]  (steps: {' '.join(k for k, *_ in PLAN)}); unknown: {unknown}")
        main(wanted)
