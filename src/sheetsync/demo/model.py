"""What the demo generator returns: rows per sheet, settings, layout quirks and the mistake manifest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Row = dict[str, object]


@dataclass(frozen=True, order=True)
class Injected:
    """A mistake put in on purpose, and the finding it must produce (Excel row, header as written)."""

    code: str
    sheet: str
    row: int
    column: str | None


@dataclass(frozen=True)
class Pending:
    """A mistake before rows are numbered: the row object it sits on, by contract header."""

    code: str
    sheet: str
    row: Row
    header: str | None


@dataclass
class DemoData:
    """Rows keyed by contract header; `headers` renames some as the user wrote them.

    Each sheet's header sits on row 1 + its number of title rows; data follow directly.
    """

    today: dt.date
    orders: list[Row]
    lines: list[Row]
    shipments: list[Row]
    settings: dict[str, object]
    injected: list[Injected] = field(default_factory=list)
    title_rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    rates: list[tuple[str, float, dt.date]] = field(default_factory=list)  # the Rates table on Lists

    def rows(self) -> dict[str, list[Row]]:
        return {"Orders": self.orders, "Lines": self.lines, "Shipments": self.shipments}

    def header_row(self, sheet: str) -> int:
        """Excel row number of the sheet's header."""
        return 1 + len(self.title_rows.get(sheet, ()))

    def written(self, sheet: str, header: str | None) -> str | None:
        """The header as it appears in the written sheet."""
        return None if header is None else self.headers.get(sheet, {}).get(header, header)

    def excel_row(self, sheet: str, row: Row) -> int:
        """Excel row number of a row object of `sheet`."""
        index = next(i for i, r in enumerate(self.rows()[sheet]) if r is row)
        return self.header_row(sheet) + 1 + index

    def number(self, pending: list[Pending]) -> list[Injected]:
        """Turn pending mistakes into located manifest entries, sorted."""
        positions = {
            (sheet, id(r)): self.header_row(sheet) + 1 + i
            for sheet, rows in self.rows().items()
            for i, r in enumerate(rows)
        }
        return sorted(
            Injected(p.code, p.sheet, positions[(p.sheet, id(p.row))], self.written(p.sheet, p.header))
            for p in pending
        )
