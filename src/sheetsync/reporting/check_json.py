"""What `check` says back: the findings JSON of WORKBOOK.md, the summary and the exit status.

`write_json` streams the JSON (orjson, one finding per line, a few thousand at a time), so
500,000 findings never sit in memory twice as Python objects and once more as text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

import orjson

from sheetsync.finding_table import FindingTable
from sheetsync.findings import FileReport, Finding
from sheetsync.rules.judge import collector_paused

_CHUNK = 20_000
# Between two findings in orjson's output; a string value holds `"` only escaped, so this
# sequence is never inside one.
_BETWEEN, _BETWEEN_LINES = b'},{"code":', b'},\n{"code":'


def _finding_dict(code: str, severity: str, sheet: str, row: int | None, column: str | None, cell: str | None,
                  order: str | None, message: str, value: str | None) -> dict[str, Any]:  # fmt: skip
    """One finding as in WORKBOOK.md (a dict display: quicker than dict(zip()) by half)."""
    return {"code": code, "severity": severity, "sheet": sheet, "row": row, "column": column,
            "cell": cell, "order": order, "message": message, "value": value}  # fmt: skip


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
    counts: Counter[str] = Counter()
    for report in reports:
        counts.update(severity_counts(report.findings))
    return Summary(
        files=len(reports),
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
        unreadable=sum(r.error is not None for r in reports),
    )


def severity_counts(findings: Sequence[Finding]) -> Counter[str]:
    """How many findings of each severity, by its text; cheap on a FindingTable."""
    if isinstance(findings, FindingTable):
        return findings.severity_counts()
    return Counter(f.severity.value for f in findings)


def exit_status(reports: Sequence[FileReport]) -> int:
    """2 when a file could not be read or was checked only in part; else 1 on errors; else 0."""
    summary = summarise(reports)
    if summary.unreadable or any(r.incomplete for r in reports):
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if summary.errors else EXIT_CLEAN


def _file_head(report: FileReport) -> dict[str, Any]:
    error = None if report.error is None else {"code": report.error.code, "message": report.error.message}
    return {"path": str(report.path), "status": report.status, "error": error}


def file_json(report: FileReport) -> dict[str, Any]:
    records = FindingTable.of(report.findings).records()
    return {**_file_head(report), "findings": [_finding_dict(*r) for r in records]}


def to_json(reports: Sequence[FileReport]) -> dict[str, Any]:
    """The one JSON object `sheetsync check --format json` prints (WORKBOOK.md)."""
    return {"files": [file_json(r) for r in reports], "summary": summarise(reports).as_dict()}


def write_json(reports: Sequence[FileReport], out: IO[bytes]) -> None:
    """Write `to_json(reports)` to the binary stream `out`: compact, one finding per line."""
    with collector_paused():  # a dict per finding would set off collections that free nothing
        _write_json(reports, out)


def _write_json(reports: Sequence[FileReport], out: IO[bytes]) -> None:
    out.write(b'{"files":[')
    for n, report in enumerate(reports):
        head = orjson.dumps(_file_head(report))
        out.write((b",\n" if n else b"\n") + head[:-1] + b',"findings":[')
        records = FindingTable.of(report.findings).records()
        first = True
        while chunk := list(islice(records, _CHUNK)):
            body = orjson.dumps([_finding_dict(*r) for r in chunk])[1:-1]
            out.write((b"\n" if first else b",\n") + body.replace(_BETWEEN, _BETWEEN_LINES))
            first = False
        out.write(b"]}")
    out.write(b'],\n"summary":' + orjson.dumps(summarise(reports).as_dict()) + b"}\n")
