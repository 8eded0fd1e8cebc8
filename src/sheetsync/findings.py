"""The one Finding type and the catalogue of finding codes (RULES.md).

A code never changes meaning once released: to change a rule, add a new code.
`docs/findings.md` is generated from `CATALOGUE` (`make docs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741


@dataclass(frozen=True, slots=True)
class Code:
    """A catalogued finding code: severity, title, message template, reference."""

    code: str
    severity: Severity
    title: str
    template: str
    ref: str = ""

    def message(self, **values: Any) -> str:
        return self.template.format(**values)


@dataclass(frozen=True, slots=True)
class Finding:
    """One located problem. `row` is the Excel row; `column` the header as the user wrote it."""

    code: str
    severity: Severity
    sheet: str
    row: int | None
    column: str | None
    cell: str | None
    order: str | None
    message: str
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def sort_key(self) -> SortKey:
        return (self.severity.rank, self.sheet, self.row or 0, self.cell or "", self.code)


SortKey = tuple[int, str, int, str, str]


def sort_keys(found: Sequence[Finding]) -> list[SortKey]:
    """Each finding's `Finding.sort_key` (severity, sheet, row, cell, code), built inline: fast in bulk."""
    rank = {severity: severity.rank for severity in Severity}
    return [(rank[f.severity], f.sheet, f.row or 0, f.cell or "", f.code) for f in found]


class FileError(Exception):
    """A file that cannot be checked at all (reported in `files[].error`, exit status 2)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


FILE_ERRORS: dict[str, str] = {
    "file-not-found": "The file does not exist.",
    "file-not-xlsx": "The file is not an Excel workbook (.xlsx or .xlsm).",
    "file-legacy-xls": "The file is a legacy .xls workbook; save it as .xlsx.",
    "file-encrypted": "The workbook is password-protected; save an unprotected copy.",
    "file-corrupt": "The workbook is damaged and cannot be read.",
    "file-unreadable": "The file cannot be opened (permissions or I/O).",
    "file-too-large": "The workbook is too large or expands too much when unzipped.",
    "file-unsafe": "The workbook holds XML entity declarations (XXE / billion laughs).",
    "file-timeout": "Reading the workbook took longer than the time limit.",
}


# Errors of the commands that write a book (mark, clear): exit status 2, the file untouched.
WRITE_ERRORS: dict[str, str] = {
    "file-locked": "The workbook is open in Excel (a lock file sits next to it); close it first.",
    "file-changed": "The workbook changed since it was read; run the command again.",
    "file-read-only": "The workbook or its folder is read-only.",
    "file-disk-full": "The disk is full; nothing was written.",
    "file-vanished": "The workbook disappeared while it was being written.",
    "file-write-failed": "The workbook could not be written.",
    "file-sheet-taken": "The book has its own sheet with the name sheetsync writes to.",
    "file-no-register": "The book has no Documents register sheetsync can record the document in.",
}


def _catalogue(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


CATALOGUE: dict[str, Code] = _catalogue(
    # 2. Schema
    Code("schema-sheet-missing", E, "Sheet missing", "Add sheet {sheet}.", "WORKBOOK.md"),
    Code("schema-header-missing", E, "Required column missing", "Add column {column}.", "WORKBOOK.md"),
    Code("schema-header-duplicate", E, "Column appears twice", "Keep one {column}.", "WORKBOOK.md"),
    Code("schema-required", E, "Required cell blank", "Fill {column}.", "WORKBOOK.md"),
    Code("schema-type", E, "Wrong type", "Enter a {type}.", "WORKBOOK.md"),
    Code("schema-date-ambiguous", W, "Ambiguous date", "Set Date Order or type YYYY-MM-DD.", "WORKBOOK.md"),
    Code("schema-date-placeholder", I, "Date placeholder", "Enter a date when known.", "WORKBOOK.md"),
    Code("schema-date-implausible", W, "Implausible date", "Check {value}.", "WORKBOOK.md"),
    Code("schema-number-ambiguous", W, "Ambiguous number", "Retype without the separator.", "WORKBOOK.md"),
    Code("schema-range", E, "Out of range", "{column} must be {range}.", "WORKBOOK.md"),
    Code("schema-enum", E, "Not in the list", "Pick from the list.", "WORKBOOK.md"),
    Code("schema-duplicate-key", E, "Duplicate key", "Already used in row {first_row}.", "WORKBOOK.md"),
    Code("schema-unknown-ref", E, "Unknown reference", "Fix {column} or add {value}.", "WORKBOOK.md"),
    Code("schema-order-no-lines", W, "Order without lines", "Add its lines.", "WORKBOOK.md"),
    Code(
        "schema-header-unit",
        E,
        "Column in another unit",
        "{column} is in {unit}, not {expected}: convert it and name it {contract}.",
        "WORKBOOK.md",
    ),
    Code("sheet-skipped", I, "Sheet not read", "Sheet {sheet} was skipped.", "WORKBOOK.md"),
    Code(
        "sheet-duplicate",
        W,
        "Second sheet of the same kind",
        "Sheet {read!r} was read as {contract}; this one also fits that name and was skipped: "
        "merge them or rename one.",
        "WORKBOOK.md",
    ),
    Code(
        "column-map-unknown",
        W,
        "Column Map names no contract column",
        "{value} is not a contract column: use a header from WORKBOOK.md.",
        "WORKBOOK.md",
    ),
    # 1. sheetsync itself
    Code(
        "internal-error",
        E,
        "sheetsync failed on part of the check",
        "The {family} checks failed ({error}); the other checks ran. Please report it with the log {log}.",
        "",
    ),
    # 3. Code lists
    Code("code-country", E, "Not an ISO country code", "Use the ISO code {hint}.", "ISO 3166-1"),
    Code("code-currency", E, "Not an ISO currency code", "Use a 3-letter code.", "ISO 4217"),
    Code("code-locode", E, "Unknown UN/LOCODE", "Check {value}.", "UN/LOCODE"),
    Code("code-port-unresolved", I, "Port not resolved", "Add it to the port aliases.", "UN/LOCODE"),
    Code("code-hs", E, "Bad HS code", "Give 6–10 digits.", "WCO HS"),
    Code("code-hs-chapter", W, "Unusual HS chapter", "Check the chapter.", "WCO HS"),
    Code("code-hs-lost-zero", W, "HS code stored as a number", "Store HS as text.", "WCO HS"),
    Code("code-unit", E, "Unknown unit", "Use a Rec. 20 unit.", "UN/ECE Rec 20"),
    Code("code-unit-package", E, "Package used as unit", "Count packages in Cartons.", "UN/ECE Rec 21"),
    Code("code-container", E, "Bad container number", "Check digit should be {d}.", "ISO 6346"),
    Code("code-incoterm", E, "Unknown Incoterm", "Use an Incoterms 2020 rule.", "Incoterms 2020"),
    Code("code-normalised", I, "Value read through an alias", "Read {value} as {code}.", ""),
    # 4. Arithmetic and shipments
    Code("calc-line-amount", E, "Line amount wrong", "Should be {expected}; restore the formula.", ""),
    Code("calc-gross-lt-net", E, "Gross below net", "Gross must be ≥ net.", ""),
    Code("ship-packages", E, "Packages disagree", "{shipped} packages vs {ordered} cartons.", ""),
    Code("ship-weight", W, "Weights disagree", "{b} kg vs {a} kg.", ""),
    Code("ship-dates", E, "Arrival before departure", "Arrival before departure.", ""),
    Code(
        "ship-etd-mismatch",
        W,
        "Order dates disagree with shipments",
        "Align the order with its shipments.",
        "",
    ),
    Code("ship-container-missing", W, "Container number missing", "Add the container number(s).", ""),
    # 5. Milestones
    Code("milestone-overdue", W, "Milestone overdue", "{m} due {plan}, {n} days ago: update or re-plan.", ""),
    Code("milestone-due-soon", I, "Milestone due soon", "{m} due {plan}.", ""),
    Code("milestone-done-late", I, "Milestone done late", "{m} done {n} days late.", ""),
    Code("milestone-actual-future", E, "Actual date in the future", "An actual cannot be in the future.", ""),
    Code("milestone-out-of-sequence", E, "Milestones out of sequence", "{a} {da} is after {b} {db}.", ""),
    Code("milestone-plan-out-of-sequence", W, "Plans out of sequence", "Re-plan {a}/{b}.", ""),
    Code("milestone-plan-missing", W, "Milestone not planned", "Plan {m}.", ""),
    Code("milestone-actual-missing", W, "Milestone actual missing", "Record {m} or fix Status.", ""),
    # 6. Letters of credit
    Code(
        "lc-amount-exceeded",
        E,
        "L/C amount exceeded",
        "{x} exceeds L/C {y}: amend the L/C or the order.",
        "UCP 600 18(b), 30(a)",
    ),
    Code("lc-quantity-over", E, "Over-shipped", "Over-shipped beyond {t} %.", "UCP 600 30(a)(b)"),
    Code(
        "lc-quantity-short",
        W,
        "Short-shipped",
        "Ship the balance by Latest Shipment.",
        "UCP 600 30(b), 31(a)",
    ),
    Code(
        "lc-shipment-late",
        E,
        "Shipped after Latest Shipment",
        "Get an amendment.",
        "UCP 600 20(a)(ii), 29(c)",
    ),
    Code(
        "lc-shipment-at-risk",
        W,
        "Planned ETD after Latest Shipment",
        "Pull ETD before {ls}.",
        "UCP 600 29(c)",
    ),
    Code(
        "lc-presentation-late",
        E,
        "Late presentation",
        "Late presentation: documents were due {deadline}.",
        "UCP 600 14(c), 6(e)",
    ),
    Code("lc-presentation-at-risk", W, "Presentation at risk", "Present by {deadline}.", "UCP 600 14(c)"),
    Code("lc-expired", E, "L/C expired", "Ask for an extension.", "UCP 600 6(d)(e)"),
    Code("lc-dates-inconsistent", W, "L/C dates inconsistent", "Check the L/C dates.", "UCP 600 6(e), 14(c)"),
    Code(
        "lc-partial-shipment",
        I,
        "Partial shipment",
        "Partial shipment: check that the credit allows it.",
        "UCP 600 31(a)(b)",
    ),
    # 7. Incoterms, transport, insurance
    Code("trade-incoterm-retired", E, "Retired Incoterm", "Use {new}.", "Incoterms 2010/2020"),
    Code(
        "trade-incoterm-mode",
        W,
        "Sea-only Incoterm on another mode",
        "Use FCA, CPT or CIP.",
        "Incoterms 2020",
    ),
    Code(
        "trade-incoterm-container",
        I,
        "Sea Incoterm for containers",
        "Consider FCA, CPT or CIP.",
        "Incoterms 2020, FOB notes",
    ),
    Code(
        "trade-incoterm-place",
        W,
        "Incoterm place is not the port",
        "Named port should be {port}.",
        "Incoterms 2020",
    ),
    Code(
        "trade-insurance-low",
        E,
        "Insurance below 110 %",
        "Insure ≥ 110 %.",
        "Incoterms 2020 A5; UCP 600 28(f)(ii)",
    ),
    Code("trade-freight-term", W, "Freight term conflicts with Incoterm", "Freight {term}.", "convention"),
    Code("trade-port-same", E, "Same port of loading and discharge", "Fix a port.", ""),
    # 8. Documents
    Code("doc-stale", W, "Document out of date", "Regenerate and re-issue {doc}.", ""),
    Code("doc-totals-mismatch", E, "Document total overwritten", "{field} was overwritten.", "UCP 600 14(d)"),
    Code("doc-invoice-arithmetic", E, "Invoice arithmetic wrong", "Fix the arithmetic.", ""),
    Code("doc-packing-mismatch", E, "Packing list disagrees", "{field} differs.", "UCP 600 14(d)"),
    Code("doc-party-mismatch", W, "Party differs", "{party} differs.", "UCP 600 14(d)(j)"),
    Code("doc-port-mismatch", E, "Port differs", "{a} vs {b}.", "UCP 600 14(d)"),
    Code("doc-hs-mismatch", E, "HS code differs", "{a} vs {b}.", "WCO HS"),
    Code("doc-origin-mismatch", E, "Origin differs", "{a} vs {b}.", "UCP 600 14(d)"),
    Code("doc-currency-mismatch", E, "Invoice currency differs", "Invoice in {cur}.", "UCP 600 18(a)(iii)"),
    Code(
        "doc-description-mismatch",
        W,
        "Invoice description differs",
        "Make it correspond.",
        "UCP 600 18(c); ISBP 821 C3",
    ),
    Code("doc-proforma-as-invoice", E, "Invoice titled pro-forma", 'Retitle it "Invoice".', "ISBP 821 C1(a)"),
    Code(
        "doc-invoice-parties",
        W,
        "Invoice issuer or buyer wrong",
        "Correct the issuer or buyer.",
        "UCP 600 18(a)(i)(ii); ISBP 821 C2",
    ),
    Code("doc-not-generated", W, "Documents not generated", "Generate {type}.", ""),
    # 9. Sync: books against the store and one another
    Code(
        "sync-conflict",
        W,
        "Books disagree on an order, line or shipment",
        "{field}: {here} here, {there} in {other}. Agree on one value.",
        "",
    ),
    Code(
        "sync-book-older",
        E,
        "Older copy saved over a newer one",
        "Saved {saved}, before the copy synced on {synced}: restore the newer copy. Not synced.",
        "",
    ),
    Code(
        "sync-row-disappeared",
        W,
        "Row gone since the last sync",
        "{what} was on row {last_row} at the last sync and is gone: restore it, or let it go.",
        "",
    ),
    Code(
        "sync-same-file", W, "Same file under two paths", "Same file as {other}: synced once, from there.", ""
    ),
    Code(
        "sync-view-skipped",
        I,
        "Book is a view of the store",
        "Pulled from the store ({view}): not synced.",
        "",
    ),
    Code(
        "fx-rate-missing",
        W,
        "No rate to the base currency",
        "Add {value} to the Rates table on Lists (in {base}).",
        "",
    ),
)


def finding(
    code: str,
    sheet: str,
    row: int | None,
    column: str | None = None,
    cell: str | None = None,
    order: str | None = None,
    value: object = None,
    message: str | None = None,
    **fields: Any,
) -> Finding:
    """Build a Finding from the catalogue; `fields` fill the message template."""
    entry = CATALOGUE[code]
    text = (
        message
        if message is not None
        else entry.message(column=column, sheet=sheet, row=row, value=value, **fields)
    )
    return Finding(
        code=code,
        severity=entry.severity,
        sheet=sheet,
        row=row,
        column=column,
        cell=cell,
        order=order,
        message=text,
        value=None if value is None else str(value),
    )


@dataclass
class FileReport:
    """The outcome for one file, as in the findings JSON of WORKBOOK.md."""

    path: Path
    findings: Sequence[Finding] = field(default_factory=list)
    error: FileError | None = None

    @property
    def status(self) -> str:
        return "error" if self.error else "ok"

    @property
    def incomplete(self) -> bool:
        """sheetsync failed on part of this file (an `internal-error` finding): exit status 2."""
        return any(f.code == INTERNAL_ERROR for f in self.findings)


INTERNAL_ERROR = "internal-error"
