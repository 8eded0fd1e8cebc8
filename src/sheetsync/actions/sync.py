"""The sync action: many books into one store, each read in an isolated child, only changes written.

For each file: its bytes are digested first; a file the store already has (same bytes, judged
on the same day) is not read at all; a file whose bytes another synced path holds is the same
file under two paths (`sync-same-file`) and is synced once. The others are read, judged and
extracted in the batch runner's children (`run_isolated` with `sync_read.read_for_store`) and
written by the parent as each child answers.
Conflicts between books are reported at the end, never resolved.
"""

from __future__ import annotations

import datetime as dt
import getpass
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from sheetsync.actions.runner import Outcome, expand_paths, run_isolated
from sheetsync.actions.sync_read import ReadForStore, read_for_store
from sheetsync.finding_table import FIELDS, FindingTable
from sheetsync.findings import FileError, Finding, finding
from sheetsync.store import schema as s
from sheetsync.store.conflicts import Conflict, row_conflicts
from sheetsync.store.load import FileState, Loader, Written, now
from sheetsync.store.migrate import upgrade
from sheetsync.store.url import StoreUrl, engine_for, resolve

# A child holds the book, its findings and its rows as JSON text: a 100,000-order book maps ~4 GiB.
SYNC_MEM_LIMIT = 8 << 30


@dataclass
class BookSync:
    """One file's outcome: synced, unchanged, skipped (with why) or error."""

    path: Path
    status: str
    findings: Sequence[Finding] = field(default_factory=list)  # a FindingTable for a book read
    written: Written | None = None
    error: FileError | None = None
    note: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # read, rules, extract (child CPU), write

    def sync_findings(self) -> list[Finding]:
        """The findings sync itself made (`sync-*`, `fx-*`), without building the others."""
        prefixes = ("sync-", "fx-")
        if isinstance(self.findings, FindingTable):
            codes = self.findings.column("code")
            return [self.findings[i] for i, code in enumerate(codes) if code.startswith(prefixes)]
        return [f for f in self.findings if f.code.startswith(prefixes)]


@dataclass
class SyncReport:
    store: StoreUrl
    run_id: int
    books: list[BookSync]
    conflicts: list[Conflict]

    @property
    def rows_written(self) -> int:
        return sum(b.written.rows for b in self.books if b.written)


def open_store(store: str | None) -> tuple[StoreUrl, sa.Engine]:
    """The store in force (flag, environment, config file, default), migrated to the current version."""
    url = resolve(store)
    engine = engine_for(url.url)
    upgrade(engine)
    return url, engine


def sync(
    paths: Sequence[Path],
    store: str | None = None,
    today: dt.date | None = None,
    jobs: int = 1,
    on_book: Callable[[BookSync], None] | None = None,
) -> SyncReport:
    """Sync every workbook of `paths` (files or folders) into the store; see the module docstring."""
    url, engine = open_store(store)
    try:
        run_id, books, conflicts = _run(engine, paths, today, jobs, on_book)
    finally:
        engine.dispose()
    return SyncReport(url, run_id, books, conflicts)


OnBook = Callable[[BookSync], None] | None


def _run(engine: sa.Engine, paths: Sequence[Path], today: dt.date | None, jobs: int,
         on_book: OnBook) -> tuple[int, list[BookSync], list[Conflict]]:  # fmt: skip
    """One sync run on an open store: the run logged, each book triaged, read and written, conflicts."""
    with engine.begin() as conn:
        started = s.runs.insert().values(
            started_at=now(), host=socket.gethostname(), user_name=getpass.getuser()
        )
        key = conn.execute(started).inserted_primary_key
        assert key is not None
        run_id = int(key[0])
    loader = Loader(engine, run_id)
    files = expand_paths(paths)
    outcomes: dict[Path, BookSync] = {}

    def done(outcome: BookSync) -> None:
        outcomes[outcome.path] = outcome
        if on_book is not None:
            on_book(outcome)

    states, to_read = _triage(files, loader, today, done)

    def load(outcome: Outcome[ReadForStore]) -> None:
        done(_load(loader, states.get(outcome.path), outcome))

    run_isolated(to_read, read_for_store, (today,), jobs, load, SYNC_MEM_LIMIT)
    books = [outcomes[p] for p in files]
    touched = _book_ids(engine, [b.path for b in books if b.status == "synced"])
    with engine.begin() as conn:
        conflicts = row_conflicts(conn, touched) if touched else []
        conn.execute(
            s.runs.update()
            .where(s.runs.c.id == run_id)
            .values(
                finished_at=now(),
                books=len(books),
                rows_written=sum(b.written.rows for b in books if b.written),
            )
        )
    return run_id, books, conflicts


def sync_book(book_path: Path) -> str:
    """The ribbon's Sync: the open book, as last saved, into the store in force (environment or
    config file); what happened, as the text the ribbon shows."""
    report = sync([Path(book_path)])
    (book,) = report.books
    lines = [f"{book.path.name}: {book.status}" + (f" ({book.note})" if book.note else "")]
    if book.error is not None:
        lines.append(book.error.message)
    if book.written is not None:
        w = book.written
        lines.append(f"{w.added} rows added, {w.changed} changed, {w.removed} removed.")
    lines += [f"{f.code}: {f.message}" for f in book.sync_findings()]
    lines += [f"{c.path.name} row {c.finding.row}: {c.finding.message}" for c in report.conflicts[:20]]
    if len(report.conflicts) > 20:
        lines.append(f"... and {len(report.conflicts) - 20} more conflicts (sheetsync report lists them).")
    lines.append(f"Store: {report.store.shown}")
    return "\n".join(lines)


def _triage(
    files: list[Path], loader: Loader, today: dt.date | None, done: Callable[[BookSync], None]
) -> tuple[dict[Path, FileState], list[Path]]:
    """Digest every file; settle the unchanged ones and second paths to one file without reading them."""
    states: dict[Path, FileState] = {}
    seen: dict[str, Path] = {}
    to_read: list[Path] = []
    for path in files:
        try:
            state = FileState.of(path)
        except OSError:
            to_read.append(path)  # the runner's pre-check names what is wrong with it
            continue
        states[path] = state
        other = seen.get(state.digest) or loader.same_file(state)
        if other is not None and Path(other).resolve() != state.path:
            same = finding("sync-same-file", "(book)", None, other=str(other))
            done(BookSync(path, "skipped", [same], note=f"same file as {other}"))
        elif loader.unchanged(state, today):
            seen[state.digest] = path
            done(BookSync(path, "unchanged", note="unchanged since the last sync"))
        else:
            seen[state.digest] = path
            to_read.append(path)
    return states, to_read


def _load(loader: Loader, state: FileState | None, outcome: Outcome[ReadForStore]) -> BookSync:
    """Write what a child read (or say why nothing is written)."""
    read = outcome.result
    if outcome.error is not None or state is None or read is None:
        error = outcome.error or FileError("file-unreadable", f"{outcome.path}: could not be read.")
        return BookSync(outcome.path, "error", error=error)
    checked = read.findings
    if read.view:
        return BookSync(outcome.path, "skipped", checked, note="a view pulled from the store")
    if read.extract is None:
        return BookSync(outcome.path, "skipped", checked, note="not an order book (no Orders or Lines)")
    started = time.perf_counter()
    written = loader.write(state, read.extract, read.findings, read.judged_on, read.judged_from)
    seconds = {**read.seconds, "write": time.perf_counter() - started}
    if written.skipped:
        return BookSync(
            outcome.path, "skipped", written.found, written, note=written.skipped, seconds=seconds
        )
    found = _joined(checked, read.extract.findings + written.found)
    return BookSync(outcome.path, "synced", found, written, seconds=seconds)


def _joined(table: FindingTable, more: list[Finding]) -> FindingTable:
    """The table's findings, then `more`, as one table (no Finding object built for the table's)."""
    if not more:
        return table
    extra = FindingTable.of(more)
    return FindingTable([table.column(n) + extra.column(n) for n in FIELDS])


def _book_ids(engine: sa.Engine, paths: list[Path]) -> set[int]:
    if not paths:
        return set()
    wanted = [str(p.resolve()) for p in paths]
    with engine.connect() as conn:
        return set(conn.execute(sa.select(s.books.c.id).where(s.books.c.path.in_(wanted))).scalars())


__all__ = ["BookSync", "SyncReport", "open_store", "sync", "sync_book"]
