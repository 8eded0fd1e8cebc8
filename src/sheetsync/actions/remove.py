"""Remove generated tabs: the reverse of generate, for some orders or for every one.

A removed tab's rows leave the Documents register too, rather than being marked: the register
lists the tabs the book holds (RULES.md `schema-unknown-ref` on Documents.Sheet), and its rows
count as documents made (`doc-not-generated`, the L/C rules' invoiced quantity, the document
KPIs), so a row kept for a tab that is gone would be a false finding and a false figure. The
contract has no "removed" state to mark instead. An issued document is what went to the bank
or the buyer: its tab and rows stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sheetsync.book import Book
from sheetsync.contract.doc_layout import BY_TYPE
from sheetsync.documents.plan import PlanError, key
from sheetsync.edits import Edit, RemoveDocuments
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.safe_write import snapshot
from sheetsync.io.read.reader import read_book

__all__ = ["Removal", "RemovedFile", "remove_file", "remove_generated"]


@dataclass
class Removal:
    edits: list[Edit] = field(default_factory=list)
    tabs: list[str] = field(default_factory=list)  # the tabs that go
    rows: int = 0  # register rows that go
    kept: list[str] = field(default_factory=list)  # why a tab stays


def remove_generated(book: Book, order_nos: Sequence[str] = (), tabs: Sequence[str] = ()) -> Removal:
    """The edit removing the generated tabs of `order_nos` and the tabs `tabs` (none named: every
    generated tab) with their register rows; issued documents stay. PlanError when nothing is there."""
    register = book.get("Documents")
    if register is None:
        raise PlanError("The book has no Documents register: there are no generated tabs to remove.")
    frame = register.frame[register.frame["doc_no"].notna() & register.frame["sheet"].notna()]
    tab_keys = frame["sheet"].map(key)
    wanted = pd.Series(not order_nos and not tabs, index=frame.index)
    if order_nos:
        wanted |= frame["order_no"].map(key).isin({key(o) for o in order_nos})
    if tabs:
        wanted |= tab_keys.isin({key(t) for t in tabs})
    chosen = set(tab_keys[wanted])
    if not chosen:
        raise PlanError("No generated tab for " + (", ".join([*order_nos, *tabs]) or "this book") + ".")
    present = {n.strip().casefold(): n for n in book.sheet_names}
    out = Removal()
    going: dict[str, str] = {}
    doc_nos: list[str] = []
    for tab_key in dict.fromkeys(tab_keys[tab_keys.isin(chosen)]):
        rows = frame[tab_keys == tab_key]
        issued = rows[rows["issued"].notna()] if "issued" in rows else rows.iloc[:0]
        if len(issued):
            out.kept.append(
                f"{rows['sheet'].iloc[-1]} holds {issued['doc_no'].iloc[-1]}, issued: it stays as sent."
            )
            continue
        kind = BY_TYPE.get(str(rows["type"].iloc[-1]))
        name = present.get(tab_key)
        if name is not None:
            if kind is None:
                out.kept.append(f"{name} has type {rows['type'].iloc[-1]!r}, not one sheetsync generates.")
                continue
            going[name] = kind.title
            out.tabs.append(name)
        doc_nos += [str(d) for d in rows["doc_no"]]
    if going or doc_nos:
        out.edits.append(RemoveDocuments(going, tuple(doc_nos)))
    out.rows = len(doc_nos)
    return out


@dataclass(frozen=True)
class RemovedFile:
    removal: Removal
    written: Path
    backup: Path | None


def remove_file(
    book_path: Path,
    order_nos: Sequence[str] = (),
    tabs: Sequence[str] = (),
    out: Path | None = None,
    backup: bool = True,
) -> RemovedFile:
    """`remove_generated` on a saved book, written in place (or to `out`) safely."""
    read_as = snapshot(book_path)
    removal = remove_generated(read_book(book_path), order_nos, tabs)
    kept = write_edits(book_path, removal.edits, out, read_as, backup) if removal.edits else None
    return RemovedFile(removal, out or book_path, kept)
