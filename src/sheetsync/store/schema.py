"""The store's tables (SQLAlchemy Core), as the migrations in `migrations/versions` create them.

- `books`: one row per workbook path synced, with its content digest and modified time.
- `runs`: one row per sync run (who, where, when, what it wrote).
- `records`: every Orders, Lines, Shipments and Documents row of every book, as a JSON object of
  canonical text values (contract key -> text), with its source (book, sheet, Excel row), the order
  it belongs to (normalised Buyer, Order No) and a digest of its values. Money is kept exact: the
  JSON holds the cell's decimal text, and `amount_minor` the amount in integer minor units.
- `changes`: the history, one row per field changed between syncs (old -> new), and a row per
  record added or removed.
- `findings`: each book's current findings (check's and sync's), with the date they were judged on.
- `rates`: each book's Rates table (Lists), rates as exact decimal text.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER only

books = sa.Table(
    "books",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("path", sa.Text, nullable=False, unique=True),
    sa.Column("digest", sa.Text, nullable=False),  # sha256 of the file's bytes
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mtime_ns", sa.BigInteger, nullable=False),
    sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("run_id", sa.BigInteger, nullable=False),
    sa.Column("judged_on", sa.Date, nullable=True),
    sa.Column("judged_from", sa.Text, nullable=True),  # settings | given | clock
    sa.Column("findings_digest", sa.Text, nullable=True),
    sa.Column("rates_digest", sa.Text, nullable=True),
    sa.Column("base_currency", sa.Text, nullable=True),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("books", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_written", sa.BigInteger, nullable=False, server_default="0"),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("book_id", sa.BigInteger, sa.ForeignKey("books.id"), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # orders | lines | shipments | documents
    sa.Column("row_key", sa.Text, nullable=False),  # unique within (book, kind)
    sa.Column("buyer_key", sa.Text, nullable=False),
    sa.Column("order_key", sa.Text, nullable=False),
    sa.Column("sheet", sa.Text, nullable=False),
    sa.Column("excel_row", sa.Integer, nullable=False),
    sa.Column("digest", sa.Text, nullable=False),
    sa.Column("currency", sa.Text, nullable=True),
    sa.Column("amount_minor", sa.BigInteger, nullable=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.UniqueConstraint("book_id", "kind", "row_key", name="uq_records_book_kind_row"),
    sa.Index("ix_records_order", "order_key", "buyer_key"),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.BigInteger, nullable=False),
    sa.Column("book_id", sa.BigInteger, sa.ForeignKey("books.id"), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("row_key", sa.Text, nullable=False),
    sa.Column("buyer_key", sa.Text, nullable=False),
    sa.Column("order_key", sa.Text, nullable=False),
    sa.Column("sheet", sa.Text, nullable=False),
    sa.Column("excel_row", sa.Integer, nullable=False),
    sa.Column("field", sa.Text, nullable=False),  # a contract key, or "(row)" for added/removed
    sa.Column("old", sa.Text, nullable=True),
    sa.Column("new", sa.Text, nullable=True),
    sa.Index("ix_changes_order", "order_key", "buyer_key"),
)

findings = sa.Table(
    "findings",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("book_id", sa.BigInteger, sa.ForeignKey("books.id"), nullable=False),
    sa.Column("run_id", sa.BigInteger, nullable=False),
    sa.Column("judged_on", sa.Date, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("sheet", sa.Text, nullable=False),
    sa.Column("row", sa.Integer, nullable=True),
    sa.Column("column", sa.Text, nullable=True),
    sa.Column("cell", sa.Text, nullable=True),
    sa.Column("order_no", sa.Text, nullable=True),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("value", sa.Text, nullable=True),
    sa.Index("ix_findings_book", "book_id"),
)

rates = sa.Table(
    "rates",
    metadata,
    sa.Column("book_id", sa.BigInteger, sa.ForeignKey("books.id"), primary_key=True),
    sa.Column("excel_row", sa.Integer, primary_key=True),
    sa.Column("currency", sa.Text, nullable=False),
    sa.Column("rate", sa.Text, nullable=False),  # 1 currency = rate base currency, exact decimal text
    sa.Column("as_of", sa.Date, nullable=True),
)


__all__ = ["books", "changes", "findings", "metadata", "rates", "records", "runs"]
