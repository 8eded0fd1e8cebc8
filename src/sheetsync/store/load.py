"""Write one book's rows into the store: only what changed, with its history, in one transaction.

Rows are matched on (kind, row key) and compared by digest, so an unchanged book writes nothing.
New rows go in in bulk (COPY on PostgreSQL, executemany on SQLite); changed rows are updated and
each changed field recorded in `changes` (old -> new); rows gone are deleted, recorded, and
reported (`sync-row-disappeared`). The book's row is locked first (`FOR UPDATE` on PostgreSQL,
`BEGIN IMMEDIATE` on SQLite), so two syncs of one book take turns and the second finds nothing
left to write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from sheetsync.finding_table import FindingTable, Record
from sheetsync.findings import Finding, finding
from sheetsync.store import schema as s
from sheetsync.store.extract import COLUMNS, KINDS, Extract, Row

CHANGE_COLUMNS = ("run_id", "book_id", "changed_at", "kind", "row_key", "buyer_key", "order_key", "sheet",
                  "excel_row", "field", "old", "new")  # fmt: skip
FINDING_COLUMNS = ("book_id", "run_id", "judged_on", "code", "severity", "sheet", "row", "column", "cell",
                   "order_no", "message", "value")  # fmt: skip
ROW = "(row)"  # the `field` of a change that adds or removes a whole row
CHUNK = 5000


@dataclass(frozen=True)
class FileState:
    """What sync knows of a file before reading it."""

    path: Path
    digest: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileState:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        st = path.stat()
        return cls(path.resolve(), h.hexdigest(), st.st_size, st.st_mtime_ns)


@dataclass
class Written:
    """What one book's sync wrote (row counts by what happened) and what it found."""

    added: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0
    fields_changed: int = 0
    findings_written: bool = False
    skipped: str | None = None  # why nothing was synced from the book
    found: list[Finding] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.added + self.changed + self.moved + self.removed


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def db_value(conn: sa.Connection, value: Any) -> Any:
    """A date or time as the driver should get it for a raw insert: SQLite stores them as
    SQLAlchemy's SQLite types do (text, UTC), PostgreSQL takes the objects."""
    return value if conn.dialect.name == "postgresql" else _sqlite_value(value)


def _sqlite_value(value: Any) -> Any:
    """Dates and times as SQLAlchemy's SQLite types store them (text), UTC for aware datetimes."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def bulk_insert(
    conn: sa.Connection, table: sa.Table, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert many rows (tuples in `names` order) on the connection's transaction, past the ORM-free
    Core layer too: COPY on PostgreSQL, the driver's executemany on SQLite."""
    if not rows:
        return
    raw: Any = conn.connection.driver_connection
    quoted = ", ".join(f'"{n}"' for n in names)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])
        return
    cursor = raw.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {table.name} ({quoted}) VALUES ({', '.join('?' * len(names))})", rows
        )
    finally:
        cursor.close()


def insert_table(conn: sa.Connection, table: sa.Table, head: dict[str, Any], rows: pa.Table) -> None:
    """Insert an Arrow table's rows, each led by the constant columns `head` (name -> value):
    COPY of CSV written by Arrow on PostgreSQL (no Python object per cell), executemany on SQLite."""
    if rows.num_rows == 0:
        return
    if conn.dialect.name == "postgresql":
        for name, value in reversed(head.items()):
            rows = rows.add_column(0, name, pa.array([value] * rows.num_rows))
        buffer = io.BytesIO()
        options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
        pa_csv.write_csv(rows, buffer, options)
        quoted = ", ".join(f'"{n}"' for n in rows.column_names)
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({quoted}) FROM STDIN (FORMAT csv)") as copy:
            view = buffer.getbuffer()
            for start in range(0, len(view), 1 << 24):
                copy.write(view[start : start + (1 << 24)])
        return
    values = [repeat(v, rows.num_rows) for v in head.values()] + [c.to_pylist() for c in rows.columns]
    bulk_insert(conn, table, (*head, *rows.column_names), list(zip(*values, strict=False)))


class Loader:
    """Writes books of one sync run into a store."""

    def __init__(self, engine: sa.Engine, run_id: int) -> None:
        self.engine, self.run_id = engine, run_id

    def same_file(self, state: FileState) -> str | None:
        """Another synced path holding this very file (same bytes), if any."""
        query = sa.select(s.books.c.path).where(
            s.books.c.digest == state.digest, s.books.c.path != str(state.path)
        )
        with self.engine.connect() as conn:
            other = conn.execute(query.limit(1)).scalar()
        return other if other and Path(other).exists() else None

    def unchanged(self, state: FileState, today: dt.date | None) -> bool:
        """True when the store has exactly this file, judged on the day it would be judged on now.

        A book that fixes its own Today (Settings) is judged on that day again when unchanged.
        """
        b = s.books.c
        query = sa.select(b.digest, b.judged_on, b.judged_from).where(b.path == str(state.path))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.digest != state.digest:
            return False
        if today is None and row.judged_from == "settings":
            return True
        return bool(row.judged_on == (today or dt.date.today()))

    def write(
        self, state: FileState, extract: Extract, checked: FindingTable, judged_on: dt.date, judged_from: str
    ) -> Written:
        """Sync one book in one transaction (see the module docstring)."""
        written = Written()
        with self.engine.begin() as conn:
            book = self._lock_book(conn, state)
            if book is not None and state.mtime_ns < book.mtime_ns and state.digest != book.digest:
                written.skipped = "older than the copy synced before"
                written.found.append(_older(state, book))
                return written
            book_id = book.id if book is not None else self._new_book(conn, state)
            for kind in KINDS:
                self._sync_kind(conn, book_id, kind, extract, written, first=book is None or not book.digest)
            self._sync_rates(conn, book_id, extract)
            found = list(checked.records()) + [_record(f) for f in extract.findings + written.found]
            self._sync_findings(conn, book_id, judged_on, found, written)
            conn.execute(
                s.books.update()
                .where(s.books.c.id == book_id)
                .values(
                    digest=state.digest,
                    size=state.size,
                    mtime_ns=state.mtime_ns,
                    synced_at=now(),
                    run_id=self.run_id,
                    judged_on=judged_on,
                    judged_from=judged_from,
                    base_currency=extract.base_currency or None,
                )
            )
        return written

    def _lock_book(self, conn: sa.Connection, state: FileState) -> Any:
        query = sa.select(s.books).where(s.books.c.path == str(state.path))
        if conn.dialect.name == "postgresql":
            conn.execute(
                postgresql.insert(s.books)
                .values(self._book_values(state))
                .on_conflict_do_nothing(index_elements=["path"])
            )
            query = query.with_for_update()
        return conn.execute(query).first()

    def _book_values(self, state: FileState) -> dict[str, Any]:
        return {
            "path": str(state.path),
            "digest": "",
            "size": state.size,
            "mtime_ns": 0,
            "synced_at": now(),
            "run_id": self.run_id,
        }

    def _new_book(self, conn: sa.Connection, state: FileState) -> int:
        result = conn.execute(s.books.insert().values(self._book_values(state)))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def _sync_kind(self, conn: sa.Connection, book_id: int, kind: str, extract: Extract, w: Written,
                   first: bool) -> None:  # fmt: skip
        """Diff one kind of row against the store and write the difference and its history.

        A book's first sync records each order as added, not each of its lines, shipments and
        documents (they are where the order is); later syncs record every row added or removed.
        A kind the store has none of yet goes in whole, straight from the Arrow table.
        """
        r = s.records.c
        query = sa.select(r.id, r.row_key, r.digest, r.sheet, r.excel_row).where(
            r.book_id == book_id, r.kind == kind
        )
        old = {row.row_key: row for row in conn.execute(query)}
        table = extract.rows.get(kind)
        if not old and table is not None:
            insert_table(conn, s.records, {"book_id": book_id, "kind": kind}, table)
            w.added += table.num_rows
            if kind == "orders" or not first:
                stamp = (self.run_id, book_id, db_value(conn, now()), kind)
                keys = [table.column(n).to_pylist() for n in COLUMNS[:5]]
                added_rows = [(*stamp, *key, ROW, None, "added") for key in zip(*keys, strict=True)]
                bulk_insert(conn, s.changes, CHANGE_COLUMNS, added_rows)
            return
        new = extract.row_list(kind)
        added: list[Row] = []
        changed: list[tuple[int, Row]] = []
        moved: list[dict[str, Any]] = []
        for row in new:
            before = old.pop(row[0], None)
            if before is None:
                added.append(row)
            elif before.digest != row[5]:
                changed.append((before.id, row))
            elif before.excel_row != row[4] or before.sheet != row[3]:
                moved.append({"rid": before.id, "sheet": row[3], "excel_row": row[4]})
        gone = [row.id for row in old.values()]
        stamp = (self.run_id, book_id, db_value(conn, now()), kind)
        logged = added if kind == "orders" or not first else []
        history: list[tuple[Any, ...]] = [(*stamp, *row[:5], ROW, None, "added") for row in logged]
        bulk_insert(conn, s.records, ("book_id", "kind", *COLUMNS), [(book_id, kind, *row) for row in added])
        restamped = 0  # same values under a digest of an older sheetsync: rewritten, not a change
        if changed:
            olds = self._rows_of(conn, [rid for rid, _ in changed])
            for rid, row in changed:
                before, after = json.loads(olds[rid]["data"]), json.loads(row[8])
                fields = sorted(k for k in after.keys() | before.keys() if before.get(k) != after.get(k))
                history += [(*stamp, *row[:5], k, before.get(k), after.get(k)) for k in fields]
                restamped += not fields and olds[rid]["excel_row"] == row[4] and olds[rid]["sheet"] == row[3]
            self._update(conn, changed)
        if moved:
            conn.execute(
                s.records.update()
                .where(r.id == sa.bindparam("rid"))
                .values(sheet=sa.bindparam("sheet"), excel_row=sa.bindparam("excel_row")),
                moved,
            )
        if gone:
            gone_rows = self._rows_of(conn, gone)
            for rid in gone:
                g = gone_rows[rid]
                where = (g["row_key"], g["buyer_key"], g["order_key"], g["sheet"], g["excel_row"])
                history.append((*stamp, *where, ROW, g["data"], "removed"))
                w.found.append(_disappeared(kind, g))
            for part in chunks(gone):
                conn.execute(s.records.delete().where(r.id.in_(part)))
        bulk_insert(conn, s.changes, CHANGE_COLUMNS, history)
        w.added += len(added)
        w.changed += len(changed) - restamped
        w.moved += len(moved)
        w.removed += len(gone)
        w.fields_changed += sum(1 for h in history if h[9] != ROW)

    def _update(self, conn: sa.Connection, changed: list[tuple[int, Row]]) -> None:
        names = COLUMNS[1:]
        statement = s.records.update().where(s.records.c.id == sa.bindparam("rid"))
        statement = statement.values({n: sa.bindparam(n) for n in names})
        for part in chunks(changed):
            conn.execute(
                statement, [{"rid": rid, **dict(zip(names, row[1:], strict=True))} for rid, row in part]
            )

    def _rows_of(self, conn: sa.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for part in chunks(ids):
            query = sa.select(s.records).where(s.records.c.id.in_(part))
            found.update({row.id: dict(row._mapping) for row in conn.execute(query)})
        return found

    def _sync_rates(self, conn: sa.Connection, book_id: int, extract: Extract) -> None:
        rows = [(book_id, r.row, r.currency, r.rate, db_value(conn, r.as_of)) for r in extract.rates]
        digest = _digest(json.dumps([row[1:] for row in rows], default=str))
        current = conn.execute(sa.select(s.books.c.rates_digest).where(s.books.c.id == book_id)).scalar()
        if current == digest:
            return
        conn.execute(s.rates.delete().where(s.rates.c.book_id == book_id))
        bulk_insert(conn, s.rates, ("book_id", "excel_row", "currency", "rate", "as_of"), rows)
        conn.execute(s.books.update().where(s.books.c.id == book_id).values(rates_digest=digest))

    def _sync_findings(
        self, conn: sa.Connection, book_id: int, judged_on: dt.date, values: list[Record], w: Written
    ) -> None:
        """Replace the book's stored findings when they (or the day they were judged on) changed."""
        digest = _digest(judged_on.isoformat() + json.dumps(values))
        current = conn.execute(sa.select(s.books.c.findings_digest).where(s.books.c.id == book_id)).scalar()
        if current == digest:
            return
        conn.execute(s.findings.delete().where(s.findings.c.book_id == book_id))
        judged = db_value(conn, judged_on)
        names = FINDING_COLUMNS[3:]
        if conn.dialect.name == "postgresql" and values:  # Arrow's CSV to COPY: no Python call per row
            cells = zip(names, zip(*values, strict=True), strict=True)
            columns = [pa.array(list(c), type=pa.int64() if n == "row" else pa.string()) for n, c in cells]
            head = {"book_id": book_id, "run_id": self.run_id, "judged_on": judged_on.isoformat()}
            insert_table(conn, s.findings, head, pa.Table.from_arrays(columns, names=list(names)))
        else:
            rows = [(book_id, self.run_id, judged, *v) for v in values]
            bulk_insert(conn, s.findings, FINDING_COLUMNS, rows)
        conn.execute(s.books.update().where(s.books.c.id == book_id).values(findings_digest=digest))
        w.findings_written = True


def _record(f: Finding) -> Record:
    return (f.code, f.severity.value, f.sheet, f.row, f.column, f.cell, f.order, f.message, f.value)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _older(state: FileState, book: Any) -> Finding:
    saved = dt.datetime.fromtimestamp(state.mtime_ns / 1e9, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    synced = dt.datetime.fromtimestamp(book.mtime_ns / 1e9, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return finding("sync-book-older", "(book)", None, saved=saved, synced=synced)


def _disappeared(kind: str, row: dict[str, Any]) -> Finding:
    data = json.loads(row["data"])
    what = {
        "orders": f"Order {data.get('order_no')}",
        "lines": f"Line {data.get('line')} of {data.get('order_no')}",
        "shipments": f"Shipment {data.get('shipment_no')}",
        "documents": f"Document {data.get('doc_no')}",
    }[kind]
    return finding(
        "sync-row-disappeared",
        row["sheet"],
        None,
        order=data.get("order_no"),
        what=what,
        last_row=row["excel_row"],
    )


def records_of(rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in rows]


__all__ = ["ROW", "FileState", "Loader", "Written", "bulk_insert", "now"]
