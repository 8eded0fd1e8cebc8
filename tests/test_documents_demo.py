"""The demo documents every shipped order; check finds exactly the document mistakes put in."""

from __future__ import annotations

from pathlib import Path

from helpers import TODAY, rows_of
from sheetsync.actions.check import check_path
from sheetsync.actions.demo_documents import document_demo
from sheetsync.demo import demo_rows, write_demo
from sheetsync.io.read.reader import read_book
from sheetsync.reporting.kpi import compute_kpis


def test_the_demo_documents_shipped_orders_and_check_finds_exactly_its_mistakes(tmp_path: Path) -> None:
    data = demo_rows(60, 7, TODAY)
    book = write_demo(tmp_path / "demo.xlsx", data)
    done, spoiled = document_demo(book, data)
    assert len(done.plan.documents) == 116 and done.plan.skipped == []
    assert sorted((i.code, i.sheet) for i in spoiled) == [
        ("doc-invoice-arithmetic", "CI 4500001002"), ("doc-packing-mismatch", "PL CV-1003"),
        ("doc-party-mismatch", "CI 4500001005"), ("doc-totals-mismatch", "CI 4500001002"),
    ]  # fmt: skip
    report = check_path(book)
    expected = sorted((i.code, i.sheet, i.row, i.column) for i in [*data.injected, *spoiled])
    loud = rows_of(f for f in report.findings if f.severity.value != "info")
    assert loud == rows_of(
        {"code": c, "sheet": s, "row": r, "column": col}
        for c, s, r, col in expected
        if c != "schema-date-placeholder"
    )
    metrics = compute_kpis([read_book(book)], TODAY).groups["All"]
    kpis = {m.name: (m.numerator, m.denominator) for m in metrics}
    assert kpis["Document first-time accuracy"] == (113, 116)  # two spoiled invoices, one generated twice
    assert kpis["On-time in full (OTIF)"][1] > 0 and kpis["Fill rate"][0] > 0
