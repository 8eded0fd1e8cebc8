"""The Excel acceptance script and the README's button table keep step with the ribbon."""

from __future__ import annotations

import re
from pathlib import Path

from sheetsync.excel.ribbon import buttons

ROOT = Path(__file__).resolve().parents[1]


def test_every_button_has_its_step_in_the_acceptance_script() -> None:
    text = (ROOT / "docs" / "excel-acceptance.md").read_text(encoding="utf-8")
    steps = re.findall(r"^### (.+)$", text, re.M)
    assert steps == [b.label for b in buttons()]


def test_every_button_is_in_the_readme_table() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## In Excel: the sheetsync ribbon", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([^|]+?) \| [^|]+ \| [^|]+ \|$", section, re.M)
    assert rows[1:] == [b.label for b in buttons()]  # after the header row
