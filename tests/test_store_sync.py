"""sync into SQLite and a real PostgreSQL: rows with their source, idempotence, history, conflicts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from helpers import d, line, order, shipment, write_book
from sheetsync.actions.sync import sync
from sheetsync.cli import app
from sheetsync.store import schema as s
from sheetsync.store.url import engine_for


def _counts(url: str) -> dict[str, int]:
    engine = engine_for(url)
    with engine.connect() as conn:
        found = {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (s.records, s.changes, s.findings, s.rates, s.books)
        }
    engine.dispose()
    return found


def _book(path: Path, etd: str = "2027-01-05", buyer: str = "Nordic Home AB", **extra: object) -> Path:
    orders = [
        order(**{"ETD Plan": d(etd), "Buyer": buyer, "Incoterm": "FCA", **extra}),
        order(**{"Order No": "PO-1002", "Buyer": buyer, "Incoterm": "FCA"}),
    ]
    lines = [line(), line(**{"Order No": "PO-1002"}), line(**{"Line": 2, "Quantity": 10, "Amount": 35.0})]
    return write_book(path, orders, lines, [shipment()])


def test_sync_keeps_each_row_with_its_source_and_resync_writes_nothing(
    tmp_path: Path, store_url: str
) -> None:
    (tmp_path / "team").mkdir()
    book = _book(tmp_path / "team" / "a.xlsx")
    first = sync([tmp_path / "team"], store_url)
    assert [(b.path, b.status) for b in first.books] == [(book, "synced")]
    w = first.books[0].written
    assert w is not None and (w.added, w.changed, w.removed) == (6, 0, 0)
    engine = engine_for(store_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                s.records.c.kind,
                s.records.c.row_key,
                s.records.c.buyer_key,
                s.records.c.sheet,
                s.records.c.excel_row,
                s.records.c.amount_minor,
            ).order_by(s.records.c.kind, s.records.c.excel_row)
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("lines", "po-1001|1", "nordic home ab", "Lines", 2, 420000),
        ("lines", "po-1002|1", "nordic home ab", "Lines", 3, 420000),
        ("lines", "po-1001|2", "nordic home ab", "Lines", 4, 3500),
        ("orders", "po-1001", "nordic home ab", "Orders", 2, 423500),
        ("orders", "po-1002", "nordic home ab", "Orders", 3, 420000),
        ("shipments", "sh-1001-1", "nordic home ab", "Shipments", 2, None),
    ]
    before = _counts(store_url)
    again = sync([tmp_path / "team"], store_url)
    assert [b.status for b in again.books] == ["unchanged"]
    os.utime(book)  # touched, same bytes
    rejudged = sync([book], store_url, today=d("2026-11-26").date())  # read again, judged on another day
    assert [b.status for b in rejudged.books] == ["synced"]
    assert rejudged.rows_written == 0
    after = _counts(store_url)
    assert {k: after[k] for k in ("records", "changes", "rates", "books")} == {
        k: before[k] for k in ("records", "changes", "rates", "books")
    }


def test_history_of_a_changed_field_and_a_removed_line(tmp_path: Path, store_url: str) -> None:
    book = _book(tmp_path / "a.xlsx")
    sync([book], store_url)
    write_book(
        book,
        [
            order(**{"ETD Plan": d("2027-01-19"), "Incoterm": "FCA"}),
            order(**{"Order No": "PO-1002", "Incoterm": "FCA"}),
        ],
        [line(), line(**{"Order No": "PO-1002"})],
        [shipment()],
    )
    report = sync([book], store_url)
    (b,) = report.books
    assert b.written is not None and (b.written.changed, b.written.removed, b.written.fields_changed) == (
        1,
        1,
        2,
    )
    assert [
        (f.code, f.sheet, f.row, f.column, f.order) for f in b.findings if f.code.startswith("sync-")
    ] == [("sync-row-disappeared", "Lines", None, None, "PO-1001")]
    result = CliRunner().invoke(
        app, ["history", "--order", "po-1001", "--store", store_url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output

    changes = [(c["what"], c["field"], c["old"], c["new"]) for c in json.loads(result.stdout)]
    assert ("Order", "ETD Plan", "2027-01-05", "2027-01-19") in changes
    assert ("Order", "(row)", None, "added") in changes
    assert ("Line 2", "(row)", "(row)", "removed") in changes
    assert ("Order", "Order Amount (lines)", "4235.00", "4200.00") in changes
    assert len([c for c in changes if c[1] != "(row)"]) == 2
    assert all(c["book"] == str(book.resolve()) for c in json.loads(result.stdout))


def test_an_unreadable_book_is_reported_and_the_rest_sync(tmp_path: Path, store_url: str) -> None:
    (tmp_path / "team").mkdir()
    good = _book(tmp_path / "team" / "b.xlsx")
    (tmp_path / "team" / "a.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    result = CliRunner().invoke(
        app, ["sync", str(tmp_path / "team"), "--store", store_url, "--format", "json"]
    )
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert [(Path(f["path"]).name, f["status"], (f["error"] or {}).get("code")) for f in files] == [
        ("a.xlsx", "error", "file-corrupt"),
        ("b.xlsx", "synced", None),
    ]
    assert files[1]["written"]["added"] == 6
    assert _counts(store_url)["books"] == 1
    assert good.exists()


def test_the_migrations_make_exactly_the_tables_the_code_uses(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from sheetsync.actions.sync import open_store

    _, engine = open_store(store_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), s.metadata) == []
    engine.dispose()


def test_the_store_url_comes_from_flag_environment_config_or_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sheetsync.store import url

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SHEETSYNC_STORE", raising=False)
    assert url.resolve() == url.StoreUrl(
        f"sqlite:///{tmp_path / 'data' / 'sheetsync' / 'store.sqlite'}", "default"
    )
    config = tmp_path / "config" / "sheetsync" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('store = "postgresql://sync:s3cret@db/orders"\n')
    found = url.resolve()
    assert (found.source, found.shown) == (str(config), "postgresql://sync:***@db/orders")
    monkeypatch.setenv("SHEETSYNC_STORE", "sqlite:///from-env.sqlite")
    assert url.resolve().source == "SHEETSYNC_STORE"
    assert url.resolve("sqlite:///flag.sqlite") == url.StoreUrl("sqlite:///flag.sqlite", "--store")


def test_the_ribbon_sync_syncs_the_open_book_into_the_store_in_force(
    tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sheetsync.actions.registry import get, load

    monkeypatch.setenv("SHEETSYNC_STORE", store_url)
    book = _book(tmp_path / "a.xlsx")
    text = load(get("sync"))(book_path=book)
    assert text.splitlines()[:2] == ["a.xlsx: synced", "6 rows added, 0 changed, 0 removed."]
    assert (
        load(get("sync"))(book_path=book).splitlines()[0]
        == "a.xlsx: unchanged (unchanged since the last sync)"
    )


def test_each_row_is_stored_as_canonical_json_text(tmp_path: Path, store_url: str) -> None:
    """Quotes, backslashes, control characters and accents kept exactly; dates ISO; numbers in their
    shortest form; blank cells left out; a repeated Order No kept apart by its Excel row."""
    tricky = 'Tab\there "quoted" back\\slash\nnew line — Müller'
    orders = [
        order(**{"Incoterm": "FCA", "Shipping Marks": tricky, "Deposit %": 12.5}),
        order(**{"Incoterm": "FCA", "Buyer": "Nordic Home AB"}),  # PO-1001 again
    ]
    book = write_book(tmp_path / "a.xlsx", orders, [line(**{"Unit Price": 0.1, "Amount": 120.0})])
    sync([book], store_url)
    engine = engine_for(store_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(s.records.c.kind, s.records.c.row_key, s.records.c.data).order_by(s.records.c.id)
        ).all()
    engine.dispose()
    keys = [(r.kind, r.row_key) for r in rows]
    assert sorted(keys) == [("lines", "po-1001|1"), ("orders", "po-1001"), ("orders", "po-1001@3")]
    data = {r.row_key: r.data for r in rows}
    first = json.loads(data["po-1001"])
    assert first["shipping_marks"] == tricky
    assert (first["deposit_pct"], first["order_date"], first["order_amount"]) == (
        "12.5",
        "2026-09-01",
        "120.00",
    )
    assert "lc_no" not in first  # blank: left out
    assert '"shipping_marks":"Tab\\there \\"quoted\\" back\\\\slash\\nnew line — Müller"' in data["po-1001"]
    line_data = json.loads(data["po-1001|1"])
    assert (line_data["unit_price"], line_data["quantity"], line_data["amount"]) == ("0.1", "1200", "120")
