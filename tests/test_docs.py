"""Generated docs: current with the code, complete, and `--check` catches a stale file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sheetsync.contract import TABLE_SHEETS
from sheetsync.findings import CATALOGUE, FILE_ERRORS, WRITE_ERRORS
from sheetsync.workbook.docs import main, render_contract, render_findings, stale

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_committed_docs_are_current() -> None:
    assert stale(DOCS) == [], "run `make docs` and commit docs/"


def test_contract_doc_lists_every_sheet_and_column() -> None:
    text = render_contract()
    for sheet in TABLE_SHEETS:
        assert f"## {sheet.name}\n" in text
        for column in sheet.columns:
            assert f"| {column.header} | `{column.key}` | {column.type_name} |" in text
    assert "| Incoterm | `incoterm` | code | yes | Incoterms, Trade Term, Price Term |" in text
    assert "| Port of Loading | `port_of_loading` | code | when transport mode is Sea or Air |" in text
    assert "| Deposit % | `deposit_pct` | number | no | Deposit Pct | 0–100 |" in text
    assert '`=IFERROR([@Quantity]*[@[Unit Price]],"")`' in text
    assert "| Date Order |  | DMY or MDY" in text


def test_findings_doc_lists_every_code() -> None:
    lines = render_findings().splitlines()
    rows = [line for line in lines if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [*CATALOGUE, *FILE_ERRORS, *WRITE_ERRORS]
    assert (
        "| `file-locked` | The workbook is open in Excel (a lock file sits next to it); close it first. |"
        in rows
    )
    assert "| `lc-presentation-late` | error | Late presentation | Late presentation: documents were due " \
           "{deadline}. | UCP 600 14(c), 6(e) |" in rows  # fmt: skip


def test_check_mode_fails_on_a_stale_file_and_passes_once_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(DOCS, tmp_path, dirs_exist_ok=True)
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "findings.md").write_text("# edited by hand\n", encoding="utf-8")
    (tmp_path / "contract.md").unlink()
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "contract.md is out of date" in err and "findings.md is out of date" in err
    assert main(["--dir", str(tmp_path)]) == 0
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / "findings.md").read_text(encoding="utf-8") == render_findings()
