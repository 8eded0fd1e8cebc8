"""Build the benchmark workbooks once into benchmarks/.cache/ (git-ignored): clean demo orders.

`python benchmarks/build.py [ORDERS...]` builds the books that are missing and prints their paths.
The books have no injected mistakes and no layout quirks, so `sheetsync check` runs every rule on
valid data, as it would on a well-kept book; they are fixed to Today = 2026-11-25.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from pathlib import Path

import sheetsync
from sheetsync.demo import demo_rows
from sheetsync.workbook.template import build_template

CACHE = Path(__file__).resolve().parent / ".cache"
TODAY = dt.date(2026, 11, 25)
SEED = 1


def generator_version() -> str:
    """A digest of the code that makes the books, so a changed generator or template rebuilds them."""
    package = Path(sheetsync.__file__).parent
    sources = sorted(
        [*package.glob("demo/*.py"), *package.glob("template*.py"), *package.glob("contract/*.py")]
    )
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:10]


def book_path(orders: int) -> Path:
    return CACHE / f"orders-{orders}-seed{SEED}-{generator_version()}.xlsx"


def build(orders: int) -> Path:
    """The cached book of `orders` clean orders, built when missing."""
    path = book_path(orders)
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data = demo_rows(orders, SEED, TODAY, mistakes=False, messy=False)
    generated = time.perf_counter()
    build_template(path, data.rows(), data.settings, rates=data.rates)
    done = time.perf_counter()
    print(
        f"built {path.name}: {len(data.orders):,} orders, {len(data.lines):,} lines, "
        f"{len(data.shipments):,} shipments (rows {generated - started:.1f} s, "
        f"write {done - generated:.1f} s, {path.stat().st_size / 2**20:.1f} MiB)",
        file=sys.stderr,
    )
    return path


if __name__ == "__main__":
    for count in [int(a) for a in sys.argv[1:]] or [100_000, 2_000]:
        print(build(count))
