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
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from sheetsync.findings import Finding, finding
from sheetsync.store import schema as s
from sheetsync.store.extract import COLUMNS, KINDS, Extract

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


def bulk_insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        for part in chunks(rows):
            conn.execute(table.insert(), list(part))
        return
    names = list(rows[0])
    quoted = ", ".join(f'"{n}"' for n in names)
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])


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
        self, state: FileState, extract: Extract, checked: list[Finding], judged_on: dt.date, judged_from: str
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
                frame = extract.rows.get(kind, pd.DataFrame(columns=COLUMNS))
                self._sync_kind(conn, book_id, kind, frame, written)
            self._sync_rates(conn, book_id, extract)
            found = checked + extract.findings + written.found
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

    def _sync_kind(self, conn: sa.Connection, book_id: int, kind: str, new: pd.DataFrame, w: Written) -> None:
        r = s.records.c
        query = sa.select(r.id, r.row_key, r.digest, r.sheet, r.excel_row).where(
            r.book_id == book_id, r.kind == kind
        )
        old = pd.DataFrame(
            conn.execute(query).all(), columns=["id_old", "row_key", "digest", "sheet", "excel_row"]
        )
        both = new.merge(old, on="row_key", how="outer", suffixes=("", "_old"), indicator=True)
        added = both[both["_merge"] == "left_only"]
        gone = both[both["_merge"] == "right_only"]
        kept = both[both["_merge"] == "both"]
        changed = kept[kept["digest"] != kept["digest_old"]]
        same = kept[kept["digest"] == kept["digest_old"]]
        moved = same[(same["excel_row"] != same["excel_row_old"]) | (same["sheet"] != same["sheet_old"])]
        stamp = {"run_id": self.run_id, "book_id": book_id, "changed_at": now(), "kind": kind}
        history: list[dict[str, Any]] = []
        if len(added):
            rows = [
                {"book_id": book_id, "kind": kind, **_record(t)} for t in added[COLUMNS].to_dict("records")
            ]
            bulk_insert(conn, s.records, rows)
            history += [{**stamp, **_where(t), "field": ROW, "old": None, "new": "added"} for t in rows]
        if len(changed):
            olds = self._data_of(conn, changed["id_old"].astype(int).tolist())
            updates = []
            for t in changed.to_dict("records"):
                before, after = json.loads(olds[int(t["id_old"])]), json.loads(t["data"])
                where = _where(t)
                history += [
                    {**stamp, **where, "field": k, "old": before.get(k), "new": after.get(k)}
                    for k in after.keys() | before.keys()
                    if before.get(k) != after.get(k)
                ]
                updates.append({"rid": int(t["id_old"]), **_record(t)})
            self._update(conn, updates)
        if len(moved):
            updates = [
                {"rid": int(t["id_old"]), "sheet": t["sheet"], "excel_row": int(t["excel_row"])}
                for t in moved.to_dict("records")
            ]
            conn.execute(
                s.records.update()
                .where(r.id == sa.bindparam("rid"))
                .values(sheet=sa.bindparam("sheet"), excel_row=sa.bindparam("excel_row")),
                updates,
            )
        if len(gone):
            ids = gone["id_old"].astype(int).tolist()
            gone_rows = self._rows_of(conn, ids)
            for rid in ids:
                g = gone_rows[rid]
                history.append({**stamp, **_where(g), "field": ROW, "old": g["data"], "new": "removed"})
                w.found.append(_disappeared(kind, g))
            for part in chunks(ids):
                conn.execute(s.records.delete().where(r.id.in_(part)))
        bulk_insert(conn, s.changes, history)
        w.added += len(added)
        w.changed += len(changed)
        w.moved += len(moved)
        w.removed += len(gone)
        w.fields_changed += sum(1 for h in history if h["field"] != ROW)

    def _update(self, conn: sa.Connection, updates: list[dict[str, Any]]) -> None:
        r = s.records.c
        names = [c for c in COLUMNS if c != "row_key"]
        statement = s.records.update().where(r.id == sa.bindparam("rid"))
        statement = statement.values({n: sa.bindparam(n) for n in names})
        for part in chunks(updates):
            conn.execute(statement, [{k: v for k, v in u.items() if k != "row_key"} for u in part])

    def _data_of(self, conn: sa.Connection, ids: list[int]) -> dict[int, str]:
        return {rid: row["data"] for rid, row in self._rows_of(conn, ids).items()}

    def _rows_of(self, conn: sa.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for part in chunks(ids):
            query = sa.select(s.records).where(s.records.c.id.in_(part))
            found.update({row.id: dict(row._mapping) for row in conn.execute(query)})
        return found

    def _sync_rates(self, conn: sa.Connection, book_id: int, extract: Extract) -> None:
        rows = [
            {"book_id": book_id, "excel_row": r.row, "currency": r.currency, "rate": r.rate, "as_of": r.as_of}
            for r in extract.rates
        ]
        digest = _digest(json.dumps([sorted((k, str(v)) for k, v in r.items()) for r in rows]))
        current = conn.execute(sa.select(s.books.c.rates_digest).where(s.books.c.id == book_id)).scalar()
        if current == digest:
            return
        conn.execute(s.rates.delete().where(s.rates.c.book_id == book_id))
        bulk_insert(conn, s.rates, rows)
        conn.execute(s.books.update().where(s.books.c.id == book_id).values(rates_digest=digest))

    def _sync_findings(
        self, conn: sa.Connection, book_id: int, judged_on: dt.date, found: list[Finding], w: Written
    ) -> None:
        """Replace the book's stored findings when they (or the day they were judged on) changed."""
        rows = [
            {
                "book_id": book_id,
                "run_id": self.run_id,
                "judged_on": judged_on,
                "code": f.code,
                "severity": f.severity.value,
                "sheet": f.sheet,
                "row": f.row,
                "column": f.column,
                "cell": f.cell,
                "order_no": f.order,
                "message": f.message,
                "value": f.value,
            }
            for f in found
        ]
        digest = _digest(
            judged_on.isoformat() + json.dumps([list(r.values())[3:] for r in rows], default=str)
        )
        current = conn.execute(sa.select(s.books.c.findings_digest).where(s.books.c.id == book_id)).scalar()
        if current == digest:
            return
        conn.execute(s.findings.delete().where(s.findings.c.book_id == book_id))
        bulk_insert(conn, s.findings, rows)
        conn.execute(s.books.update().where(s.books.c.id == book_id).values(findings_digest=digest))
        w.findings_written = True


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _record(values: Mapping[Any, Any]) -> dict[str, Any]:
    out = {c: values[c] for c in COLUMNS}
    out["excel_row"] = int(out["excel_row"])
    amount = out["amount_minor"]
    out["amount_minor"] = None if amount is None or amount != amount else int(amount)
    out["currency"] = out["currency"] if isinstance(out["currency"], str) else None
    return out


def _where(t: Mapping[Any, Any]) -> dict[str, Any]:
    return {k: t[k] for k in ("row_key", "buyer_key", "order_key", "sheet")} | {
        "excel_row": int(t["excel_row"])
    }


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
