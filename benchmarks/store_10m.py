# ruff: noqa: E501  (SQL statements read better unwrapped)
"""The store at 10 million order lines: a generated PostgreSQL store, then the queries sync, history,
the report and the KPIs run on it (issue 14 §9; figures in docs/scaling.md).

`python benchmarks/store_10m.py [LINES]` starts a throwaway cluster (tests/store_db.py), creates
the schema by the migrations, fills it with `generate_series` (LINES lines, one order per three
lines, spread over 200 books of one office each, 400 buyers; one "added" change per order and two
field changes per order; 0.1 % of the orders held by two books with one value different), and
times each query with the load average. Nothing is read from a workbook: this measures the store.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sheetsync.actions.store_views import commit_dates, history
from sheetsync.actions.sync import open_store
from sheetsync.store.conflicts import row_conflicts

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

BOOKS = 200

FILL = [
    (
        "books",
        f"""INSERT INTO books (path, digest, size, mtime_ns, synced_at, run_id, base_currency)
        SELECT '/share/office/book-' || b || '.xlsx', md5(b::text), 1, 1, now(), 1, 'USD'
        FROM generate_series(1, {BOOKS}) b""",
    ),
    (
        "orders",
        """INSERT INTO records (book_id, kind, row_key, buyer_key, order_key, sheet, excel_row, digest,
            currency, amount_minor, data)
        SELECT 1 + g % {books}, 'orders', 'po-' || g, 'buyer ' || g % 400, 'po-' || g, 'Orders', 2 + g / {books},
            md5(g::text), (ARRAY['USD','EUR','GBP','JPY'])[1 + g % 4], 100000 + g % 900000,
            json_build_object('order_no', 'PO-' || g, 'buyer', 'Buyer ' || g % 400,
                'coordinator', 'Coordinator ' || g % 40, 'status', 'In production',
                'order_date', (date '2023-01-01' + g % 1000)::text,
                'etd_plan', (date '2023-03-01' + g % 1000)::text, 'currency', 'USD', 'incoterm', 'FOB',
                'port_of_loading', 'CNSHA', 'port_of_discharge', 'DEHAM', 'payment_terms', 'T/T')::text
        FROM generate_series(1, {orders}) g""",
    ),
    (
        "lines",
        """INSERT INTO records (book_id, kind, row_key, buyer_key, order_key, sheet, excel_row, digest,
            currency, amount_minor, data)
        SELECT 1 + (g / 3) % {books}, 'lines', 'po-' || g / 3 || '|' || 1 + g % 3, 'buyer ' || (g / 3) % 400,
            'po-' || g / 3, 'Lines', 2 + g / {books}, md5(g::text), 'USD', 10000 + g % 90000,
            json_build_object('order_no', 'PO-' || g / 3, 'line', (1 + g % 3)::text, 'sku', 'SKU-' || g % 5000,
                'description', 'Cotton cushion cover 45x45 cm', 'hs_code', '6304.92', 'origin', 'CN',
                'quantity', (g % 2000)::text, 'unit', 'H87', 'unit_price', '3.5', 'amount', (g % 7000)::text,
                'cartons', '50', 'net_kg', '540', 'gross_kg', '600', 'volume_m3', '3.2')::text
        FROM generate_series(3, {lines} + 2) g""",
    ),
    (
        "duplicates",
        """INSERT INTO records (book_id, kind, row_key, buyer_key, order_key, sheet, excel_row, digest,
            currency, amount_minor, data)
        SELECT 1 + (book_id + 1) % {books}, kind, row_key, buyer_key, order_key, sheet, excel_row, md5(digest),
            currency, amount_minor, replace(data, '"In production"', '"Shipped"')
        FROM records WHERE kind = 'orders' AND id % 1000 = 0""",
    ),
    (
        "changes",
        """INSERT INTO changes (run_id, book_id, changed_at, kind, row_key, buyer_key, order_key, sheet,
            excel_row, field, old, new)
        SELECT 1, 1 + g % {books}, now() - (g % 365) * interval '1 day', 'orders', 'po-' || g, 'buyer ' || g % 400,
            'po-' || g, 'Orders', 2 + g / {books}, f.field, f.old, f.new
        FROM generate_series(1, {orders}) g,
             (VALUES ('(row)', NULL, 'added'), ('etd_plan', '2027-01-05', '2027-01-19'),
                     ('status', 'Confirmed', 'In production')) AS f(field, old, new)""",
    ),
]

AGGREGATE = """SELECT r.buyer_key, substr(r.data::jsonb ->> 'order_date', 1, 7) AS month, r.currency,
        sum(r.amount_minor), count(*)
    FROM records r WHERE r.kind = 'orders' GROUP BY 1, 2, 3"""
LATE = """SELECT count(*) FROM records r
    WHERE r.kind = 'orders' AND (r.data::jsonb ->> 'etd_plan') < '2025-06-01'"""


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args)
    print(f"{label:<52} {time.perf_counter() - started:8.1f} s  ({_load()})", flush=True)
    return result


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    sizes = {"books": BOOKS, "orders": lines // 3, "lines": lines}
    from store_db import Cluster, _server_bin

    bindir = _server_bin()
    if bindir is None:
        print("PostgreSQL server binaries not installed")
        return
    cluster = Cluster(bindir)
    try:
        _, engine = open_store(cluster.database())
        for name, statement in FILL:
            with engine.begin() as conn:
                result = _timed(
                    f"fill {name}", conn.exec_driver_sql, statement.format(**sizes).replace("%", "%%")
                )
            print(f"  {result.rowcount:,} rows")
        with engine.begin() as conn:
            _timed("ANALYZE", conn.exec_driver_sql, "ANALYZE")
            for table in ("records", "changes"):
                size = conn.exec_driver_sql(f"SELECT pg_total_relation_size('{table}')").scalar_one()
                print(f"  {table}: {size / 2**30:.2f} GiB with indexes")
        url = engine.url.render_as_string(hide_password=False)
        order = f"PO-{sizes['orders'] // 2}"
        _, changes = _timed(f"history --order {order} (the sheetsync action)", history, order, None, url)
        print(f"  {len(changes)} changes")
        _, dates = _timed("first committed dates for kpi --store", commit_dates, url)
        print(f"  {len(dates):,} orders")
        with engine.connect() as conn:
            found = _timed("conflicts after a sync of one book (of 200)", row_conflicts, conn, {1})
            print(f"  {len(found):,} conflict findings")
            found = _timed("conflicts over the whole store (report)", row_conflicts, conn)
            print(f"  {len(found):,} conflict findings")
            rows = _timed("value by buyer and month, in SQL", lambda: conn.exec_driver_sql(AGGREGATE).all())
            print(f"  {len(rows):,} groups")
            _timed("orders with an ETD Plan before a date (JSON)", lambda: conn.exec_driver_sql(LATE).all())
        engine.dispose()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
