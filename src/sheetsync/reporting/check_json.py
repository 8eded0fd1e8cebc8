"""What `check` says back: the findings JSON of WORKBOOK.md, the summary and the exit status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sheetsync.findings import FileReport, Severity

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


@dataclass(frozen=True)
class Summary:
    files: int
    errors: int
    warnings: int
    infos: int
    unreadable: int

    def as_dict(self) -> dict[str, int]:
        return {"files": self.files, "errors": self.errors, "warnings": self.warnings, "infos": self.infos}


def summarise(reports: Sequence[FileReport]) -> Summary:
    counts: Counter[Severity] = Counter(f.severity for r in reports for f in r.findings)
    return Summary(
        files=len(reports),
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
        infos=counts[Severity.INFO],
        unreadable=sum(r.error is not None for r in reports),
    )


def exit_status(reports: Sequence[FileReport]) -> int:
    """2 when a file could not be read or was checked only in part; else 1 on errors; else 0."""
    summary = summarise(reports)
    if summary.unreadable or any(r.incomplete for r in reports):
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if summary.errors else EXIT_CLEAN


def file_json(report: FileReport) -> dict[str, Any]:
    return {
        "path": str(report.path),
        "status": report.status,
        "error": None
        if report.error is None
        else {"code": report.error.code, "message": report.error.message},
        "findings": [f.as_dict() for f in report.findings],
    }


def to_json(reports: Sequence[FileReport]) -> dict[str, Any]:
    """The one JSON object `sheetsync check --format json` prints (WORKBOOK.md)."""
    return {"files": [file_json(r) for r in reports], "summary": summarise(reports).as_dict()}
