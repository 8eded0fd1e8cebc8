"""Store benchmark: sync the 100,000-order book into SQLite and PostgreSQL; re-sync; history; report.

`python benchmarks/store.py [ORDERS]` prints each figure in seconds (wall, and this process's
CPU), the target it is held to, and the load average when it was taken (the machine may be
shared: CPU seconds are the steadier figure); a sync also prints the isolated child's CPU per
phase (read, rules, extract) and the parent's write (wall). `check` of the same book is the
baseline an unchanged re-sync is held to. PostgreSQL runs on a
throwaway cluster (tests/store_db.py) when its server binaries are installed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from build import TODAY, build

from sheetsync.actions.check import check_paths
from sheetsync.actions.store_views import history, report
from sheetsync.actions.sync import sync
from sheetsync.store.schema import records
from sheetsync.store.url import engine_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


TARGETS = {"SQLite": 30.0, "PostgreSQL": 60.0}  # first sync, seconds (issue 14 §8)
HISTORY_TARGET, REPORT_TARGET = 2.0, 30.0


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _timed(label: str, fn, *args, target: float | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """Run `fn`, print its wall and CPU seconds (this process), the target, and the load average."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    verdict = "" if target is None else f"  target <= {target:.0f} s {'ok' if wall <= target else 'MISSED'}"
    print(f"{label:<44} {wall:7.1f} s wall {cpu:7.1f} s cpu  ({_load()}){verdict}", flush=True)
    return result


def _phases(report) -> None:  # type: ignore[no-untyped-def]
    """The child's CPU seconds per phase (read, rules, extract) and the parent's write (wall)."""
    for book in report.books:
        if book.seconds:
            print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in book.seconds.items()), flush=True)


def bench(book: Path, url: str, name: str) -> None:
    first = _timed(f"{name}: first sync", sync, [book], url, target=TARGETS[name])
    _phases(first)
    print(f"  rows written {first.rows_written:,}; findings {len(first.books[0].findings):,}")
    _timed(f"{name}: re-sync, unchanged file", sync, [book], url)
    again = _timed(
        f"{name}: re-sync, re-read (judged another day)", sync, [book], url, TODAY + dt.timedelta(days=1)
    )
    _phases(again)
    print(f"  rows written {again.rows_written:,}")
    engine = engine_for(url)
    with engine.connect() as conn:
        data = conn.execute(sa.select(records.c.data).where(records.c.kind == "orders").limit(1)).scalar_one()
    engine.dispose()
    _timed(
        f"{name}: history --order", history, json.loads(data)["order_no"], None, url, target=HISTORY_TARGET
    )
    with tempfile.TemporaryDirectory() as tmp:
        _timed(f"{name}: report (xlsx)", report, Path(tmp) / "report.xlsx", url, target=REPORT_TARGET)


def main() -> None:
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    book = build(orders)
    _timed("check (baseline)", check_paths, [book], None)
    with tempfile.TemporaryDirectory() as tmp:
        bench(book, f"sqlite:///{tmp}/store.sqlite", "SQLite")
    from store_db import Cluster, _server_bin

    bindir = _server_bin()
    if bindir is None:
        print("PostgreSQL: server binaries not installed, skipped")
        return
    cluster = Cluster(bindir)
    try:
        bench(book, cluster.database(), "PostgreSQL")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
