"""Cell checks derived from the contract and run as pandera schemas (RULES.md §2).

Each contract column gives its own checks: required (always, or under a `When` condition),
range (`Column.minimum`/`maximum`), list membership for the text columns fed by a code list,
and a plausible year for dates. Pandera validates lazily; each failure case maps back to one
cell: Excel row = frame index, the header as written, its A1 address. Cells that failed
schema-type are skipped. Milestone plans (`When.STAGE`) belong to the milestone rules.

Speed (a small book is checked in well under a second): schemas are built once per contract
sheet, present columns and year; columns with nothing to check are left out of them; frames are
validated in place (pandera would copy them first); pandera's backends are registered when this
module is imported rather than inside the first check.
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
from sheetsync.findings import CATALOGUE, Finding
from sheetsync.rules.emit import findings_for, order_nos
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
# The column each condition reads: without it, the condition's columns are not judged.
CONDITION_COLUMNS: dict[When, str] = {
    When.LC: "payment_terms",
    When.SEA_AIR: "transport_mode",
    When.CIF_CIP: "incoterm",
    When.ATD_SET: "atd",
}
CONDITIONS: dict[When, Condition] = {
    When.LC: lambda f: f["payment_terms"].isin(cl.LC_PAYMENT_TERMS),
    When.SEA_AIR: lambda f: f["transport_mode"].isin(("Sea", "Air")),
    When.CIF_CIP: lambda f: f["incoterm"].isin(("CIF", "CIP")),
    When.ATD_SET: lambda f: f["atd"].notna(),
}
# The registration pandera would do inside the first validate; it imports pandera's check and
# strategy modules (and hypothesis, where installed), which belongs with the other imports.
pa.DataFrameSchema.register_default_backends(pd.DataFrame)

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
    first, after = pd.Timestamp(FIRST_PLAUSIBLE_YEAR, 1, 1), pd.Timestamp(last_year + 1, 1, 1)

    def plausible(values: pd.Series) -> pd.Series:
        """A year from FIRST_PLAUSIBLE_YEAR to last_year, compared without taking the year apart."""
        plausible_years: pd.Series = (values >= first) & (values < after)
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
    columns = {}
    for c in contract.columns:
        checks, nullable = _column_checks(c, last_year), not (c.required is When.ALWAYS and c.key in present)
        if checks or not nullable:  # a column with nothing to check costs pandera time, finds nothing
            columns[c.key] = pa.Column(None, checks, nullable=nullable, required=False)
    conditional = [
        _required_when(c)
        for c in contract.columns
        if c.required in CONDITIONS and CONDITION_COLUMNS[c.required] in present
    ]
    return pa.DataFrameSchema(columns, checks=conditional, name=sheet_name)


def failure_cases(sheet: SheetData, today: dt.date) -> pd.DataFrame:
    """Pandera's failure cases for one sheet (empty when every cell passes)."""
    schema = sheet_schema(sheet.contract.name, frozenset(sheet.columns), today.year + YEARS_AHEAD)
    try:
        schema.validate(sheet.frame, lazy=True, inplace=True)
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


def _group_findings(sheet: SheetData, code: str, key: str, group: pd.DataFrame) -> list[Finding]:
    """The findings of one (code, column), built in bulk; cells that failed schema-type skipped."""
    group = group.drop_duplicates("index")
    cases = [(int(row), value) for row, value in zip(group["index"], group["failure_case"], strict=True)]
    cases = [(row, value) for row, value in cases if (row, key) not in sheet.bad_cells]
    rows = [row for row, _ in cases]
    values = [None] * len(rows) if code == "schema-required" else [_value(v) for _, v in cases]
    fixed = (
        None
        if code == "schema-date-implausible"
        else CATALOGUE[code].message(column=sheet.header(key), range=sheet.contract.column(key).range_text())
    )
    return findings_for(code, sheet, rows, key, order_nos(sheet, rows), values, message=fixed)


@rule("schema-required", "schema-range", "schema-enum", "schema-date-implausible", needs=())
def schema_cells(book: Book, ctx: Context) -> Iterable[Finding]:
    """Required, range, list and plausible-date checks on every contract sheet read."""
    for sheet in book.sheets.values():
        if sheet.contract.name in SHEETS:
            yield from cell_findings(sheet, ctx.today)
