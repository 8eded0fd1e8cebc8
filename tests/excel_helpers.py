"""Fixtures for the Excel face: the test engine registered with xlwings, the demo book, a click."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import xlwings as xw

import xlwings_engine as engine
from sheetsync.demo import demo_rows, write_demo
from sheetsync.excel import ribbon

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workbook (60 orders, with its deliberate mistakes), written once."""
    return write_demo(tmp_path_factory.mktemp("demo") / "orders.xlsx", demo_rows(60, 7, TODAY))


@pytest.fixture
def excel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[engine.Engine, xw.App]]:
    """A test Excel: the engine registered and active, one app running, a fresh config folder."""
    monkeypatch.setenv("SHEETSYNC_CONFIG_DIR", str(tmp_path / "config"))
    impl, registered = engine.install()
    app = xw.App()
    try:
        yield impl, app
    finally:
        engine.uninstall(registered)


def open_copy(app: xw.App, source: Path, folder: Path, name: str = "orders.xlsx") -> engine.BookModel:
    """Open a copy of `source` in the test Excel (it becomes the active workbook)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(source, target)
    return engine.load_book(app.impl, target)


def click(app: xw.App, control_id: str) -> None:
    """Click a ribbon button: RunPython with the active workbook as the caller."""
    with engine.run_python(app.impl):
        ribbon.run(control_id)
