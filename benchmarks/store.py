"""Store benchmark: sync the 100,000-order book into SQLite and PostgreSQL; re-sync; history; report.

`python benchmarks/store.py [ORDERS]` prints each figure in seconds, and `check` of the same book
in the same process as the baseline an unchanged re-sync is held to. PostgreSQL runs on a
throwaway cluster (tests/store_db.py) when its server binaries are installed.
"""

from __future__ import annotations

import datetime as dt
import json
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


def _timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<44} {time.perf_counter() - started:7.1f} s", flush=True)
    return result


def bench(book: Path, url: str, name: str) -> None:
    first = _timed(f"{name}: first sync", sync, [book], url)
    print(f"  rows written {first.rows_written:,}; findings {len(first.books[0].findings):,}")
    _timed(f"{name}: re-sync, unchanged file", sync, [book], url)
    again = _timed(
        f"{name}: re-sync, re-read (judged another day)", sync, [book], url, TODAY + dt.timedelta(days=1)
    )
    print(f"  rows written {again.rows_written:,}")
    engine = engine_for(url)
    with engine.connect() as conn:
        data = conn.execute(sa.select(records.c.data).where(records.c.kind == "orders").limit(1)).scalar_one()
    engine.dispose()
    _timed(f"{name}: history --order", history, json.loads(data)["order_no"], None, url)
    with tempfile.TemporaryDirectory() as tmp:
        _timed(f"{name}: report (xlsx)", report, Path(tmp) / "report.xlsx", url)


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
