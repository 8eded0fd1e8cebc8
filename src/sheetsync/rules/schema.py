"""Cell checks derived from the contract and run as pandera schemas (RULES.md §2).

Each contract column gives its own checks: required (always, or under a `When` condition),
range (`Column.minimum`/`maximum`), list membership for the text columns fed by a code list,
and a plausible year for dates. Pandera validates lazily; each failure case maps back to one
cell: Excel row = frame index, the header as written, its A1 address. Cells that failed
schema-type are skipped. Milestone plans (`When.STAGE`) belong to the milestone rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from sheetsync.book import Book, SheetData
from sheetsync.contract import SHEETS, Column, Kind, When
from sheetsync.contract import codelists as cl
from sheetsync.findings import CATALOGUE, Finding, finding
from sheetsync.rules.engine import Context, rule

# Text columns checked against their code list (codes such as Incoterm are `code-*` rules).
ENUM_LISTS: dict[str, tuple[str, ...]] = {
    "Statuses": cl.STATUSES,
    "Transport Modes": cl.TRANSPORT_MODES,
    "Payment Terms": cl.PAYMENT_TERMS,
    "Document Types": cl.DOC_TYPES,
}
FIRST_PLAUSIBLE_YEAR = 2000
YEARS_AHEAD = 5

Condition = Callable[[pd.DataFrame], "pd.Series[bool]"]
CONDITIONS: dict[When, Condition] = {
    When.LC: lambda f: f["payment_terms"].isin(cl.LC_PAYMENT_TERMS),
    When.SEA_AIR: lambda f: f["transport_mode"].isin(("Sea", "Air")),
    When.CIF_CIP: lambda f: f["incoterm"].isin(("CIF", "CIP")),
    When.ATD_SET: lambda f: f["atd"].notna(),
}
CHECK_CODES = {"not_nullable": "schema-required", "range": "schema-range", "enum": "schema-enum",
               "implausible": "schema-date-implausible"}  # fmt: skip


def _range_check(column: Column) -> pa.Check:
    low, high = column.minimum, column.maximum

    def within_contract_range(values: pd.Series) -> pd.Series:
        ok: pd.Series = pd.Series(True, index=values.index)
        if low is not None:
            ok &= values > low if column.min_exclusive else values >= low
        if high is not None:
            ok &= values <= high
        return ok

    return pa.Check(within_contract_range, name="range")


def _plausible_check(last_year: int) -> pa.Check:
    def plausible(values: pd.Series) -> pd.Series:
        years = values.dt.year
        plausible_years: pd.Series = (years >= FIRST_PLAUSIBLE_YEAR) & (years <= last_year)
        return plausible_years

    return pa.Check(plausible, name="implausible")


def _column_checks(column: Column, last_year: int) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if column.minimum is not None or column.maximum is not None:
        checks.append(_range_check(column))
    if column.kind is Kind.TEXT and column.codelist in ENUM_LISTS:
        allowed = ENUM_LISTS[column.codelist]
        checks.append(pa.Check(lambda values: values.isin(allowed), name="enum"))
    if column.kind in (Kind.DATE, Kind.TIMESTAMP):
        checks.append(_plausible_check(last_year))
    return checks


def _required_when(column: Column) -> pa.Check:
    applies = CONDITIONS[column.required]
    key = column.key
    return pa.Check(lambda f: ~(applies(f) & f[key].isna()), name=f"required:{key}")


@lru_cache(maxsize=64)
def sheet_schema(sheet_name: str, present: frozenset[str], last_year: int) -> pa.DataFrameSchema:
    """The schema of a contract sheet, for the columns present in the user's sheet."""
    contract = SHEETS[sheet_name]
    columns = {
        c.key: pa.Column(
            None,
            _column_checks(c, last_year),
            nullable=not (c.required is When.ALWAYS and c.key in present),
            required=False,
        )
        for c in contract.columns
    }
    conditional = [_required_when(c) for c in contract.columns if c.required in CONDITIONS]
    return pa.DataFrameSchema(columns, checks=conditional, name=sheet_name)


def failure_cases(sheet: SheetData, today: dt.date) -> pd.DataFrame:
    """Pandera's failure cases for one sheet (empty when every cell passes)."""
    schema = sheet_schema(sheet.contract.name, frozenset(sheet.columns), today.year + YEARS_AHEAD)
    try:
        schema.validate(sheet.frame, lazy=True)
    except SchemaErrors as errors:
        cases: pd.DataFrame = errors.failure_cases
        return cases
    return pd.DataFrame(columns=["column", "check", "failure_case", "index"])


def _code_and_key(check: str, column: str) -> tuple[str, str] | None:
    if check.startswith("required:"):
        return "schema-required", check.removeprefix("required:")
    code = CHECK_CODES.get(check)
    return (code, column) if code else None


def _value(value: object) -> object:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    return None if value is None or (isinstance(value, float) and value != value) else value


def cell_findings(sheet: SheetData, today: dt.date) -> Iterator[Finding]:
    """One finding per failing cell, never twice for a cell and code; bad-type cells skipped."""
    cases = failure_cases(sheet, today)
    if cases.empty:
        return
    targets: dict[tuple[str, str], tuple[str, str]] = {}
    for check, column, value, index in (
        cases[["check", "column", "failure_case", "index"]]
        .drop_duplicates(["check", "column"])
        .itertuples(index=False, name=None)
    ):
        target = _code_and_key(str(check), str(column))
        if target is None or index is None or pd.isna(index):
            raise RuntimeError(f"schema check {check} on {sheet.name}.{column} failed: {value}")
        targets[(check, column)] = target
    if cases["index"].isna().any():
        raise RuntimeError(f"a schema check on {sheet.name} failed on the whole column")
    found = [targets[pair] for pair in zip(cases["check"], cases["column"], strict=True)]
    cases = cases.assign(code=[t[0] for t in found], key=[t[1] for t in found])
    for (code, key), group in cases.groupby(["code", "key"], sort=False):
        yield from _group_findings(sheet, str(code), str(key), group)


def _group_findings(sheet: SheetData, code: str, key: str, group: pd.DataFrame) -> Iterator[Finding]:
    """The findings of one (code, column): cells vectorised, one Finding built per failing cell."""
    group = group.drop_duplicates("index")
    rows = [int(r) for r in group["index"]]
    values = [None] * len(rows) if code == "schema-required" else [_value(v) for v in group["failure_case"]]
    orders = (
        sheet.frame["order_no"].reindex(rows).tolist() if "order_no" in sheet.frame else [None] * len(rows)
    )
    header, ref = sheet.header(key), sheet.columns.get(key)
    fixed = (
        None
        if code == "schema-date-implausible"
        else CATALOGUE[code].message(column=header, range=sheet.contract.column(key).range_text())
    )
    for row, value, order in zip(rows, values, orders or [None] * len(rows), strict=True):
        if (row, key) in sheet.bad_cells:
            continue
        yield finding(
            code, sheet.name, row, header, f"{ref.letter}{row}" if ref else None,
            order=order if isinstance(order, str) else None, value=value, message=fixed,
        )  # fmt: skip


@rule("schema-required", "schema-range", "schema-enum", "schema-date-implausible", needs=())
def schema_cells(book: Book, ctx: Context) -> Iterable[Finding]:
    """Required, range, list and plausible-date checks on every contract sheet read."""
    for sheet in book.sheets.values():
        if sheet.contract.name in SHEETS:
            yield from cell_findings(sheet, ctx.today)
