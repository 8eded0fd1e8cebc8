"""Many findings of one code at once: the bulk twin of `findings.finding()`.

Rules that find thousands of cells (done-late milestones on a large book) hand over columns of
rows, orders, values and template fields; the message template is split once into a positional
format, and each Finding is built straight from the columns, with no per-row dict or lookup.
`findings_for(...)[i]` equals `finding(...)` called with the i-th entry of every column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from itertools import repeat
from string import Formatter
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.book import SheetData
from sheetsync.findings import CATALOGUE, Finding

PerRow = Sequence[Any] | np.ndarray[Any, Any] | pd.Series
Keys = str | Sequence[str | None] | None  # one column for every row, or a column per row


def per_row(field: object, n: int) -> Iterable[Any]:
    """A field as n entries: a list, array or Series entry by entry; anything else (text) n times."""
    if isinstance(field, np.ndarray | pd.Series):
        field = field.tolist()
    if isinstance(field, list | tuple):
        if len(field) != n:
            raise ValueError(f"a field has {len(field)} entries for {n} rows")
        return field
    return repeat(field, n)


@cache
def positional(template: str) -> tuple[str, tuple[str, ...]]:
    """`"{m} done {n} days late."` -> (`"{0} done {1} days late."`, ("m", "n"))."""
    parts: list[str] = []
    names: list[str] = []
    for literal, name, spec, conversion in Formatter().parse(template):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"template field {name!r} must be a plain name")
        parts.append(f"{{{len(names)}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}")
        names.append(name)
    return "".join(parts), tuple(names)


def messages(code: str, n: int, fields: dict[str, Any]) -> list[str]:
    """The catalogue message of each of n rows; `fields` maps template names to per-row fields."""
    template, names = positional(CATALOGUE[code].template)
    if not names:
        return [template.format()] * n
    missing = [name for name in names if name not in fields]
    if missing:
        raise KeyError(missing[0])
    return list(map(template.format, *(per_row(fields[name], n) for name in names)))


def _texts(values: Iterable[Any]) -> list[str | None]:
    return [None if v is None else str(v) for v in values]


def findings_for(
    code: str,
    sheet: SheetData,
    rows: PerRow,
    key: Keys,
    orders: PerRow | None = None,
    values: PerRow | None = None,
    message: str | None = None,
    **fields: Any,
) -> list[Finding]:
    """One `code` finding per Excel row of `sheet`, on the `key` cell (or each row's own key).

    `orders`, `values` and `fields` are per-row columns (lists, arrays, Series in row order) or
    one value for all; `fields` fill the message template, as in `finding()`.
    """
    row_list = [int(r) for r in per_row(rows, len(rows))]
    n = len(row_list)
    keys = list(per_row(key, n)) if not isinstance(key, str) and key is not None else [key] * n
    where = {k: _where(sheet, k) for k in set(keys)}
    headers = [where[k][0] for k in keys]
    cells = [
        None if where[k][1] is None else f"{where[k][1]}{r}" for k, r in zip(keys, row_list, strict=True)
    ]
    raw_values = list(per_row(values, n))
    if message is not None:
        texts = [message] * n
    else:
        row_fields = {"column": headers, "sheet": sheet.name, "row": row_list, "value": raw_values}
        texts = messages(code, n, {**row_fields, **fields})
    severity = CATALOGUE[code].severity
    return list(
        map(Finding, repeat(code, n), repeat(severity, n), repeat(sheet.name, n), row_list, headers,
            cells, per_row(orders, n), texts, _texts(raw_values))
    )  # fmt: skip


def _where(sheet: SheetData, key: str | None) -> tuple[str | None, str | None]:
    """The header as the user wrote it and the column letter (None when absent or no key)."""
    if key is None:
        return None, None
    ref = sheet.columns.get(key)
    return sheet.header(key), None if ref is None else ref.letter


def order_nos(sheet: SheetData, rows: list[int]) -> list[str | None]:
    """The Order No of each Excel row (None where blank, or on a sheet without Order No)."""
    if "order_no" not in sheet.frame:
        return [None] * len(rows)
    return [o if isinstance(o, str) else None for o in sheet.frame["order_no"].reindex(rows).tolist()]
