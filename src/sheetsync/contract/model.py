"""The building blocks of the contract: column kinds, columns, sheets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a cell is read and coerced."""

    TEXT = "text"
    CODE = "code"  # text, trimmed and upper-cased (codes, LOCODEs, HS, containers)
    DATE = "date"
    DECIMAL = "decimal"
    INT = "int"
    TIMESTAMP = "timestamp"


class When(StrEnum):
    """Conditions under which a column is required (WORKBOOK.md, RULES.md schema-required)."""

    ALWAYS = "always"
    NEVER = "never"
    LC = "payment terms are an L/C"
    SEA_AIR = "transport mode is Sea or Air"
    CIF_CIP = "Incoterm is CIF or CIP"
    ATD_SET = "the shipment has departed (ATD set)"
    STAGE = "status has reached the milestone's stage"


TYPE_NAMES: dict[Kind, str] = {
    Kind.TEXT: "text",
    Kind.CODE: "code",
    Kind.DATE: "date",
    Kind.DECIMAL: "number",
    Kind.INT: "whole number",
    Kind.TIMESTAMP: "date and time",
}


_NOT_KEY = re.compile(r"[^\w%#]|_", re.UNICODE)


def header_key(text: str) -> str:
    """Normalise a header for matching: NFKC, casefold, no spaces and no punctuation but `%` and `#`.

    `Order No.`, `ORDER NO`, `order_no` and `Order-No` share a key; `Insurance %` and `Item #`
    keep the sign that gives them their meaning.
    """
    return _NOT_KEY.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class Column:
    """One column of a contract sheet."""

    key: str  # snake_case name used in code and frames
    header: str  # the canonical header written by the template
    kind: Kind
    required: When = When.NEVER
    aliases: tuple[str, ...] = ()
    codelist: str | None = None  # name of a Lists column feeding the dropdown
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False
    number_format: str | None = None
    width: float = 14
    formula: str | None = None  # template formula, with {row} for the row number
    description: str = ""
    unit: str | None = None  # the unit of measure the values are in ("kg", "m3"), if any

    @property
    def type_name(self) -> str:
        return TYPE_NAMES[self.kind]

    def match_keys(self) -> tuple[str, ...]:
        return tuple(header_key(h) for h in (self.header, *self.aliases))

    def range_text(self) -> str | None:
        if self.minimum is None and self.maximum is None:
            return None
        if self.maximum is None:
            op = ">" if self.min_exclusive else "≥"
            return f"{op} {self.minimum:g}"
        return f"{self.minimum:g}–{self.maximum:g}"


@dataclass(frozen=True)
class Sheet:
    """One sheet of the contract."""

    name: str
    table: str | None  # Excel Table name, None for key/value sheets
    columns: tuple[Column, ...]
    required: bool = True
    aliases: tuple[str, ...] = ()
    description: str = ""
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {c.key: c for c in self.columns})

    def column(self, key: str) -> Column:
        return self.by_key[key]
