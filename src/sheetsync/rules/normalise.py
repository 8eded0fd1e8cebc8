"""Read code and list columns through their aliases, before any rule runs.

`normalise_book` rewrites the frames in place to canonical values (`C&F` -> CFR, `PCS` ->
H87, `Ocean` -> Sea, `China` -> CN), so every later rule compares canonical values. A value
read through an alias gets one `code-normalised` note per distinct value and column; a
difference of case or spacing only is formatting (RULES.md §9) and gets none. Values that do
not resolve stay as typed, for the `code-*` and `schema-enum` rules to report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import pandas as pd

from sheetsync.book import Book, SheetData
from sheetsync.contract import codelists as cl
from sheetsync.findings import CATALOGUE, Finding, finding


@dataclass(frozen=True, slots=True)
class Resolved:
    """A canonical code; `alias` is True when it was read through an alias, not just re-cased."""

    code: str
    alias: bool = False


Resolver = Callable[[str], "Resolved | None"]


def _upper(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def canonical_incoterm(text: str) -> Resolved | None:
    """`fob` -> FOB, `C&F` -> CFR (alias); retired terms (DDU...) resolve to themselves."""
    key = _upper(text)
    if key in cl.INCOTERMS_2020 or key in cl.RETIRED_INCOTERMS:
        return Resolved(key)
    alias = cl.INCOTERM_ALIASES.get(key)
    return Resolved(alias, True) if alias else None


def country_hint(text: str) -> str | None:
    """The ISO alpha-2 code a non-ISO country text stands for (`UK` -> GB), if known."""
    key = text.strip()
    return cl.COUNTRY_ALIASES.get(key.upper()) or cl.country_names().get(key.casefold())


def canonical_country(text: str) -> Resolved | None:
    """`cn` -> CN; a name (`China`) -> CN through an alias. Pseudo-codes (`UK`, `EL`) do not
    resolve: they are code-country errors with a hint, not silent aliases."""
    key = text.strip().upper()
    if key in _country_set():
        return Resolved(key)
    if len(key) == 2:
        return None
    code = country_hint(text)
    return Resolved(code, True) if code else None


def canonical_currency(text: str) -> Resolved | None:
    """`usd` -> USD, `RMB` -> CNY (alias); a bare `$` is ambiguous and does not resolve."""
    key = _upper(text)
    if key in _currency_set():
        return Resolved(key)
    alias = cl.CURRENCY_ALIASES.get(key)
    return Resolved(alias, True) if alias else None


def unit_key(text: str) -> str:
    """A unit as compared: upper case, no spaces or dots (`pcs.` -> PCS)."""
    return _upper(text).replace(".", "")


def canonical_unit(text: str) -> Resolved | None:
    """`kgm` -> KGM, `PCS` -> H87 (alias). Package words (CTN...) do not resolve."""
    key = unit_key(text)
    if key in cl.UNITS:
        return Resolved(key)
    alias = cl.UNIT_ALIASES.get(key)
    return Resolved(alias, True) if alias else None


def is_package_unit(text: str) -> bool:
    """True for package words used as a unit (`CTN`, `Cartons`, `box`), UN/ECE Rec. 21."""
    return unit_key(text) in cl.PACKAGE_UNITS


def _list_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).casefold()


@cache
def _list_lookup(values: tuple[str, ...], aliases: tuple[tuple[str, str], ...]) -> dict[str, Resolved]:
    table = {_list_key(alias): Resolved(value, True) for alias, value in aliases}
    table.update({_list_key(v): Resolved(v) for v in values})
    return table


def _list_resolver(values: tuple[str, ...], aliases: dict[str, str]) -> Resolver:
    def resolve(text: str) -> Resolved | None:
        return _list_lookup(values, tuple(aliases.items())).get(_list_key(text))

    return resolve


canonical_status = _list_resolver(cl.STATUSES, cl.STATUS_ALIASES)
canonical_transport_mode = _list_resolver(cl.TRANSPORT_MODES, cl.TRANSPORT_MODE_ALIASES)
canonical_payment_terms = _list_resolver(cl.PAYMENT_TERMS, cl.PAYMENT_TERM_ALIASES)
canonical_doc_type = _list_resolver(cl.DOC_TYPES, cl.DOC_TYPE_SLUGS)

# Contract code list (Column.codelist) -> how its values are read. Ports are not rewritten:
# they keep the user's text and are compared through `sheetsync.rules.ports.match`.
RESOLVERS: dict[str, Resolver] = {
    "Incoterms": canonical_incoterm,
    "Countries": canonical_country,
    "Currencies": canonical_currency,
    "Units": canonical_unit,
    "Statuses": canonical_status,
    "Transport Modes": canonical_transport_mode,
    "Payment Terms": canonical_payment_terms,
    "Document Types": canonical_doc_type,
}


@cache
def _country_set() -> frozenset[str]:
    return frozenset(cl.country_codes())


@cache
def _currency_set() -> frozenset[str]:
    return frozenset(cl.currency_codes())


def normalise_book(book: Book) -> list[Finding]:
    """Rewrite every code-list column to canonical values; one note per alias used."""
    notes: list[Finding] = []
    for sheet in book.sheets.values():
        for column in sheet.contract.columns:
            resolver = RESOLVERS.get(column.codelist or "")
            if resolver is not None and sheet.has(column.key):
                notes.extend(_normalise_column(sheet, column.key, resolver))
    return notes


def _normalise_column(sheet: SheetData, key: str, resolver: Resolver) -> Iterator[Finding]:
    values = sheet.frame[key]
    mapping: dict[str, str] = {}
    aliased: list[str] = []
    for raw in values.dropna().unique():
        resolved = resolver(str(raw))
        if resolved is None:
            continue
        if resolved.code != raw:
            mapping[raw] = resolved.code
        if resolved.alias:
            aliased.append(raw)
    if not mapping:
        return
    changed = values.isin(list(mapping))
    firsts = values[values.isin(aliased)].drop_duplicates()
    sheet.frame.loc[changed, key] = values[changed].map(mapping)
    order_nos = sheet.frame["order_no"] if "order_no" in sheet.frame else pd.Series(dtype=object)
    for index, raw in firsts.items():
        row = int(index)  # type: ignore[call-overload]
        message = CATALOGUE["code-normalised"].message(value=raw, code=mapping[raw])
        yield finding(
            "code-normalised", sheet.name, row, sheet.header(key), sheet.cell(row, key),
            order=_text_or_none(order_nos.get(row)), value=raw, message=message,
        )  # fmt: skip


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
