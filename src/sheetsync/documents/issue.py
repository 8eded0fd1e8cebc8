"""Issue a generated document: freeze its tab to values and give it the next number of a series.

An issued document is what went to the bank or the buyer; it must not change with the order.
The series comes from the Settings key `Doc No Series`, a pattern such as `INV-2026-{n:04d}`
(`{prefix}` stands for the tab prefix: CI, PL...); blank means `{prefix}-{n:05d}`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from sheetsync.book import Book
from sheetsync.contract.doc_layout import BY_TYPE
from sheetsync.documents.plan import PlanError, key
from sheetsync.edits import Edit, FreezeSheet, RegisterDocument

DEFAULT_SERIES = "{prefix}-{n:05d}"
_N = re.compile(r"\{n(?::[^}]*)?\}")


@dataclass(frozen=True)
class Issued:
    old_no: str
    doc_no: str
    tab: str
    edits: list[Edit]


def series_number(pattern: str, prefix: str, taken: list[str]) -> str:
    """The next number of `pattern` after every Doc No in `taken` that it matches."""
    pattern = pattern.strip() or DEFAULT_SERIES
    if len(_N.findall(pattern)) != 1:
        raise PlanError(f"Doc No Series {pattern!r} needs exactly one {{n}} (e.g. INV-2026-{{n:04d}}).")
    head, tail = _N.split(pattern.replace("{prefix}", prefix))
    found = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail) + r"$")
    used = [int(m.group(1)) for t in taken if (m := found.match(t.strip()))]
    try:
        return pattern.replace("{prefix}", prefix).format(n=max(used, default=0) + 1)
    except (ValueError, KeyError, IndexError) as exc:
        raise PlanError(f"Doc No Series {pattern!r} is not a pattern sheetsync can fill ({exc}).") from exc


def issue(book: Book, doc_no: str, now: dt.datetime) -> Issued:
    """The edits that freeze document `doc_no` and number it; PlanError when it cannot be issued."""
    register = book.get("Documents")
    if register is None:
        raise PlanError("The book has no Documents register: generate the document first.")
    frame = register.frame
    rows = frame[frame["doc_no"].map(key) == key(doc_no)]
    if rows.empty:
        raise PlanError(f"No document {doc_no!r} in the Documents register.")
    row = rows.iloc[-1]
    if pd.notna(row.get("issued")):
        raise PlanError(f"{doc_no} was issued on {row['issued']:%Y-%m-%d}; it stays as sent.")
    if pd.notna(row.get("superseded")):
        raise PlanError(f"{doc_no} was superseded by a later revision: issue that one.")
    tab = str(row["sheet"]).strip()
    if tab.casefold() not in {n.casefold() for n in book.sheet_names}:
        raise PlanError(f"The tab {tab!r} of {doc_no} is missing: generate the document again.")
    kind = BY_TYPE.get(str(row["type"]))
    if kind is None:
        raise PlanError(f"{doc_no} has type {row['type']!r}, not one sheetsync generates.")
    number = series_number(
        book.settings.doc_no_series, kind.prefix, [str(n) for n in frame["doc_no"].dropna()]
    )
    box = kind.box_cell("Document No")
    freeze = FreezeSheet(tab, {box: number} if box else {})
    stamp = RegisterDocument({"doc_no": number, "issued": now}, match=str(row["doc_no"]))
    return Issued(str(row["doc_no"]), number, tab, [freeze, stamp])
