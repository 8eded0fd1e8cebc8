"""Write demo data as the standard workbook (`build_template`), then give it the demo's layout quirks."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sheetsync.demo.layout import apply_layout
from sheetsync.demo.model import DemoData
from sheetsync.io.atomic import atomic_output
from sheetsync.workbook.template import build_template


def write_demo(path: Path, data: DemoData, *, force: bool = False) -> Path:
    """Write `data` to `path` (refusing to replace a file unless `force`); return `path`.

    The template writes the tables, dropdowns, formats and the Amount formula; title rows and
    renamed headers are then applied to a copy, which replaces `path` only once complete.
    """
    path = Path(path)
    if not data.title_rows and not data.headers:
        return build_template(path, data.rows(), data.settings, force=force, rates=data.rates)
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists; use force=True (--force) to replace it")
    with tempfile.TemporaryDirectory(prefix="sheetsync-demo-") as work, atomic_output(path) as laid_out:
        plain = build_template(Path(work) / "plain.xlsx", data.rows(), data.settings, rates=data.rates)
        apply_layout(plain, laid_out, data.title_rows, data.headers)
    return path
