"""Two syncs at once, in two processes, over overlapping books: nothing lost, nothing doubled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from helpers import line, order, write_book
from sheetsync.store import schema as s
from sheetsync.store.url import engine_for

SYNC = "import sys; from sheetsync.cli import main; sys.argv = ['sheetsync', *sys.argv[1:]]; main()"


def test_two_concurrent_syncs_neither_corrupt_nor_lose(tmp_path: Path, store_url: str) -> None:
    books = []
    for i in range(4):
        orders = [order(**{"Order No": f"B{i}-{n}", "Incoterm": "FCA"}) for n in range(30)]
        lines = [line(**{"Order No": f"B{i}-{n}"}) for n in range(30)]
        books.append(write_book(tmp_path / f"book{i}.xlsx", orders, lines))
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SYNC, "sync", *map(str, chosen), "--store", store_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for chosen in (books[:3], books[1:])
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, out + err
    engine = engine_for(store_url)
    with engine.connect() as conn:
        records = conn.execute(sa.select(s.records.c.book_id, s.records.c.kind, s.records.c.row_key)).all()
        added = conn.execute(
            sa.select(s.changes.c.book_id, s.changes.c.row_key).where(s.changes.c.field == "(row)")
        ).all()
        book_rows = conn.execute(sa.select(s.books.c.path)).scalars().all()
        finished = conn.execute(
            sa.select(sa.func.count()).where(s.runs.c.finished_at.is_not(None))
        ).scalar_one()
    engine.dispose()
    assert sorted(book_rows) == sorted(str(b.resolve()) for b in books)
    assert len(records) == len(set(records)) == 4 * 60
    assert len(added) == len(set(added)) == 4 * 30  # every order logged as added once, by one of the two
    assert finished == 2
