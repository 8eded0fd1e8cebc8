"""A test engine for xlwings: Excel's object model, in memory, so the Excel face runs without Excel.

It implements the part of xlwings' engine interface (`xlwings/base_classes.py`: App, Books,
Book, Sheets, Sheet, Range, Font, FreezePanes, ConditionalFormats) that sheetsync's add-in
uses, and is registered and activated as an xlwings engine, so the add-in's code runs through
xlwings' real `Book.caller()`, `Range.value`, `.options(...)` and converters.

What it models of Excel, because the add-in depends on it:
- values as COM gives them: numbers as floats, dates as datetimes, empty cells as None, a
  single cell as a scalar and a block as a tuple of row tuples; a string written that starts
  with "=" becomes a formula (as Excel does), unless prefixed with an apostrophe;
- a range address of more than 255 characters is refused (COM's limit);
- `run_python(app, command)` does what xlwings' VBA `RunPython` does from an add-in: the
  active workbook becomes the caller (`--wb=<name> --from_xl=1` on the command line);
- every call that reads or writes cells is counted in `Engine.calls`.

A book is loaded from an .xlsx (values as calamine reads them, formulas and conditional
formats through openpyxl) and can be saved back, so marks made here can be cleared by the CLI.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Font as XFont
from openpyxl.styles import PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook
from xlwings import base_classes

MAX_ADDRESS = 255
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]+)$")
_COLUMNS = re.compile(r"^\$?([A-Z]{1,3}):\$?([A-Z]{1,3})$")
_ROWS = re.compile(r"^\$?([0-9]+):\$?([0-9]+)$")
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384


def parse_area(text: str) -> tuple[int, int, int, int]:
    """'B2:C9' / 'B2' / 'A:C' / '1:3' -> (row1, col1, row2, col2), 1-based."""
    text = text.strip().upper()
    if m := _COLUMNS.match(text):
        return 1, column_index_from_string(m[1]), MAX_ROW, column_index_from_string(m[2])
    if m := _ROWS.match(text):
        return int(m[1]), 1, int(m[2]), MAX_COLUMN
    first, _, last = text.partition(":")
    a, b = _CELL.match(first), _CELL.match(last or first)
    if not a or not b:
        raise ValueError(f"not a range address: {text!r}")
    r1, c1 = int(a[2]), column_index_from_string(a[1])
    r2, c2 = int(b[2]), column_index_from_string(b[1])
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def area_address(area: tuple[int, int, int, int], absolute: bool = True) -> str:
    d = "$" if absolute else ""
    r1, c1, r2, c2 = area
    first = f"{d}{get_column_letter(c1)}{d}{r1}"
    if (r1, c1) == (r2, c2):
        return first
    return f"{first}:{d}{get_column_letter(c2)}{d}{r2}"


@dataclass
class Rule_:
    """One conditional-format rule: the areas it applies to, its formula, its colours."""

    areas: list[tuple[int, int, int, int]]
    formula: str
    fill_color: Any = None
    font_color: Any = None


@dataclass
class SheetModel:
    """A worksheet's state: cells (values or formulas), formats, rules, frozen panes."""

    name: str
    code_name: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    bold: set[tuple[int, int]] = field(default_factory=set)
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    column_widths: dict[int, float] = field(default_factory=dict)
    rules: list[Rule_] = field(default_factory=list)
    frozen: str | None = None
    autofilter: str | None = None
    styles: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # cell -> attribute -> value
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_columns: set[int] = field(default_factory=set)
    row_heights: dict[int, float] = field(default_factory=dict)
    gridlines: bool = True
    print_area: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # sheet-scoped defined names
    tables: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    visible: bool = True

    def style(self, cell: tuple[int, int]) -> dict[str, Any]:
        return self.styles.get(cell, {})

    def used(self) -> tuple[int, int, int, int] | None:
        keys = [k for k, v in self.values.items() if v is not None] + list(self.formulas)
        if not keys:
            return None
        rows = [r for r, _ in keys]
        cols = [c for _, c in keys]
        return min(rows), min(cols), max(rows), max(cols)


class Engine:
    """The engine object xlwings wraps (`xw.Engine(impl=...)`): its apps, name and type."""

    name = "sheetsync-test"
    type = "desktop"

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.app_list: list[App] = []
        self.excel_seconds = 0.0  # time spent inside the engine: Excel's side of each call
        self.excel_cpu = 0.0  # the same, as this process's CPU time
        self._depth = 0

    @property
    def apps(self) -> Apps:
        return Apps(self)

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any) -> Any:
        if x is None:
            return None
        if isinstance(x, float) and x != x:
            return None
        if hasattr(x, "item") and not isinstance(x, (str, bytes)):
            return x.item()  # numpy scalars
        return x

    @staticmethod
    def clean_value_data(
        data: Any, datetime_builder: Any, empty_as: Any, number_builder: Any, err_to_str: Any
    ) -> list[list[Any]]:
        def clean(value: Any) -> Any:
            if value in ("", None):
                return empty_as
            if isinstance(value, dt.datetime):
                return datetime_builder(
                    year=value.year,
                    month=value.month,
                    day=value.day,
                    hour=value.hour,
                    minute=value.minute,
                    second=value.second,
                    microsecond=value.microsecond,
                    tzinfo=None,
                )
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            return value

        return [[clean(c) for c in row] for row in data]

    def reset_calls(self) -> None:
        self.calls.clear()
        self.excel_seconds = 0.0
        self.excel_cpu = 0.0


def _engine_of(obj: Any) -> Engine:
    if isinstance(obj, Range):
        return obj.sheet.book.app.engine
    if isinstance(obj, (Font, ConditionalFormats, Borders)):
        return obj.rng.sheet.book.app.engine
    if isinstance(obj, (Names, Tables, PageSetup)):
        return obj.sheet.book.app.engine
    if isinstance(obj, (Sheet, ConditionalFormat)):
        return obj.book.app.engine if isinstance(obj, Sheet) else obj.sheet.book.app.engine
    if isinstance(obj, Sheets):
        return obj.book.app.engine
    if isinstance(obj, Books):
        return obj.app.engine
    if isinstance(obj, BookModel):
        return obj.app.engine
    raise TypeError(type(obj))


def excel_side(fn: Any) -> Any:
    """Count the time a call spends in the engine: Excel's side, not the add-in's Python."""

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        engine = _engine_of(self)
        engine._depth += 1
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(self, *args, **kwargs)
        finally:
            engine._depth -= 1
            if engine._depth == 0:
                engine.excel_seconds += time.perf_counter() - started
                engine.excel_cpu += time.process_time() - cpu

    return wrapper


class Apps(base_classes.Apps):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def keys(self) -> list[int]:
        return [a.pid for a in self.engine.app_list]

    def add(self, spec: Any = None, add_book: Any = None, xl: Any = None, visible: Any = None) -> App:
        app = App(self.engine, pid=len(self.engine.app_list) + 1)
        self.engine.app_list.insert(0, app)
        return app

    def __iter__(self) -> Iterator[App]:
        return iter(list(self.engine.app_list))

    def __len__(self) -> int:
        return len(self.engine.app_list)

    def __getitem__(self, pid: int) -> App:
        return next(a for a in self.engine.app_list if a.pid == pid)


@dataclass
class Alert:
    prompt: str
    title: str
    buttons: str | None


class App(base_classes.App):
    """An Excel instance: its books, the selection, the status bar and the alerts shown."""

    def __init__(self, engine: Engine, pid: int) -> None:
        self.engine = engine
        self._pid = pid
        self.book_list: list[BookModel] = []
        self.active_book: BookModel | None = None
        self.status_bar_text: str | bool = False
        self.status_history: list[str] = []
        self.alerts: list[Alert] = []
        self.answers: list[str] = []  # what the user clicks, in order (default "ok"/"yes")
        self.opened: list[str] = []  # files the add-in opened
        self.selected: Range | None = None
        self._visible = True
        self._screen_updating = True

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self._visible = value

    @property
    def display_alerts(self) -> bool:
        return True

    @display_alerts.setter
    def display_alerts(self, value: bool) -> None:
        pass

    @property
    def screen_updating(self) -> bool:
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._screen_updating = value

    @property
    def api(self) -> App:
        return self

    @property
    def books(self) -> Books:
        return Books(self)

    @property
    def version(self) -> str:
        return "16.0"

    @property
    def pid(self) -> int:
        return self._pid

    @property
    def selection(self) -> Range | None:
        return self.selected

    @property
    def status_bar(self) -> str | bool:
        return self.status_bar_text

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self.status_bar_text = value
        if isinstance(value, str):
            self.status_history.append(value)

    def activate(self, steal_focus: bool = False) -> None:
        pass

    def calculate(self) -> None:
        pass

    def alert(self, prompt: str, title: str, buttons: str | None, mode: str | None, callback: Any) -> str:
        self.engine.calls["alert"] += 1
        self.alerts.append(Alert(prompt, title, buttons))
        if self.answers:
            return self.answers.pop(0)
        return {"yes_no": "yes", "yes_no_cancel": "yes", "ok_cancel": "ok"}.get(buttons or "ok", "ok")


class Books(base_classes.Books):
    def __init__(self, app: App) -> None:
        self.app = app

    @property
    def api(self) -> Books:
        return self

    @property
    def active(self) -> BookModel | None:
        return self.app.active_book

    def __call__(self, name_or_index: int | str) -> BookModel:
        if isinstance(name_or_index, int):
            return self.app.book_list[name_or_index - 1]
        for book in self.app.book_list:
            if book.name.lower() == str(name_or_index).lower():
                return book
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return len(self.app.book_list)

    def __iter__(self) -> Iterator[BookModel]:
        return iter(list(self.app.book_list))

    def add(self) -> BookModel:
        book = BookModel(self.app, f"Book{len(self.app.book_list) + 1}", "")
        book.sheet_list.append(SheetModel("Sheet1", "Sheet1"))
        self.app.book_list.append(book)
        self.app.active_book = book
        return book

    @excel_side
    def open(self, fullname: str, *args: Any) -> BookModel:
        self.app.opened.append(fullname)
        book = load_book(self.app, Path(fullname))
        return book


class BookModel(base_classes.Book):
    """A workbook open in the test Excel."""

    def __init__(self, app: App, name: str, fullname: str) -> None:
        self._app = app
        self._name = name
        self._fullname = fullname
        self.sheet_list: list[SheetModel] = []
        self.active_sheet = 0
        self.saved_to: list[str] = []
        self.pdfs: list[tuple[str, list[str]]] = []  # (path, sheets) of each PDF export

    @property
    def api(self) -> BookModel:
        return self

    @property
    def name(self) -> str:
        return self._name

    @property
    def fullname(self) -> str:
        return self._fullname

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    @property
    def app(self) -> App:
        return self._app

    def activate(self) -> None:
        self._app.active_book = self

    def close(self) -> None:
        self._app.book_list.remove(self)
        if self._app.active_book is self:
            self._app.active_book = self._app.book_list[0] if self._app.book_list else None

    def save(self, path: str | None = None, password: str | None = None) -> None:
        target = Path(path or self._fullname)
        save_book(self, target)
        self.saved_to.append(str(target))

    @excel_side
    def to_pdf(self, path: str, quality: Any = None) -> None:
        """Excel's ExportAsFixedFormat of the visible sheets: here a stand-in file naming them
        (the test engine renders nothing), and the export recorded in `pdfs`."""
        shown = [s.name for s in self.sheet_list if s.visible]
        self.pdfs.append((path, shown))
        Path(path).write_bytes(b"%PDF-1.4\n% test engine stand-in: " + ", ".join(shown).encode() + b"\n")

    def sheet(self, name: str) -> SheetModel:
        for s in self.sheet_list:
            if s.name.lower() == name.lower():
                return s
        raise KeyError(name)


class Sheets(base_classes.Sheets):
    def __init__(self, book: BookModel) -> None:
        self.book = book

    @property
    def api(self) -> Sheets:
        return self

    @property
    def active(self) -> Sheet:
        return Sheet(self.book, self.book.sheet_list[self.book.active_sheet])

    def __call__(self, name_or_index: int | str) -> Sheet:
        if isinstance(name_or_index, int):
            return Sheet(self.book, self.book.sheet_list[name_or_index - 1])
        return Sheet(self.book, self.book.sheet(name_or_index))

    def __len__(self) -> int:
        return len(self.book.sheet_list)

    def __iter__(self) -> Iterator[Sheet]:
        return iter([Sheet(self.book, s) for s in self.book.sheet_list])

    @excel_side
    def add(self, before: Sheet | None = None, after: Sheet | None = None, name: str | None = None) -> Sheet:
        self.book.app.engine.calls["sheet_add"] += 1
        taken = {s.name.lower() for s in self.book.sheet_list}
        n = len(self.book.sheet_list) + 1
        while name is None or name.lower() in taken:
            name, n = f"Sheet{n}", n + 1
        model = SheetModel(name, f"Sheet{len(self.book.sheet_list) + 1}")
        lst = self.book.sheet_list
        if after is not None:
            at = lst.index(after.model) + 1
        elif before is not None:
            at = lst.index(before.model)
        else:
            at = self.book.active_sheet
        lst.insert(at, model)
        self.book.active_sheet = at
        return Sheet(self.book, model)


class FreezePanes:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def freeze_at(self, frozen_range: Any) -> None:
        self.sheet.model.frozen = frozen_range if isinstance(frozen_range, str) else frozen_range.address

    def unfreeze(self) -> None:
        self.sheet.model.frozen = None


class Sheet(base_classes.Sheet):
    def __init__(self, book: BookModel, model: SheetModel) -> None:
        self._book = book
        self.model = model

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sheet) and other.model is self.model

    def __hash__(self) -> int:
        return id(self.model)

    @property
    def api(self) -> Sheet:
        return self

    @property
    def name(self) -> str:
        return self.model.name

    @name.setter
    def name(self, value: str) -> None:
        self.model.name = value

    @property
    def book(self) -> BookModel:
        return self._book

    @property
    def index(self) -> int:
        return self._book.sheet_list.index(self.model) + 1

    @property
    def freeze_panes(self) -> FreezePanes:
        return FreezePanes(self)

    @property
    def names(self) -> Names:
        return Names(self)

    @property
    def visible(self) -> bool:
        return self.model.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self.model.visible = value

    @property
    def tables(self) -> Tables:
        return Tables(self)

    @property
    def page_setup(self) -> PageSetup:
        return PageSetup(self)

    @property
    def show_gridlines(self) -> bool:
        return self.model.gridlines

    @show_gridlines.setter
    @excel_side
    def show_gridlines(self, value: bool) -> None:
        self._book.app.engine.calls["format"] += 1
        self.model.gridlines = value

    def range(self, arg1: Any, arg2: Any = None) -> Range:
        if isinstance(arg1, Range):
            arg1 = (arg1.area[0], arg1.area[1])
        if isinstance(arg2, Range):
            arg2 = (arg2.area[2], arg2.area[3])
        if isinstance(arg1, tuple) and len(arg1) == 4:  # (row, column, rows, columns)
            r, c, n, m = arg1
            return Range(self, [(r, c, r + n - 1, c + m - 1)])
        if isinstance(arg1, tuple):
            r1, c1 = arg1
            r2, c2 = arg2 if arg2 is not None else arg1
            return Range(self, [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))])
        text = str(arg1)
        if arg2 is not None:
            text = f"{text}:{arg2}"
        if len(text) > MAX_ADDRESS:
            raise ValueError(f"Range address of {len(text)} characters: Excel accepts at most {MAX_ADDRESS}")
        return Range(self, [parse_area(part) for part in text.split(",")])

    @property
    def cells(self) -> Range:
        return Range(self, [(1, 1, MAX_ROW, MAX_COLUMN)])

    @property
    @excel_side
    def used_range(self) -> Range:
        self._book.app.engine.calls["used_range"] += 1
        return Range(self, [self.model.used() or (1, 1, 1, 1)])

    def activate(self) -> None:
        self._book.active_sheet = self.index - 1

    def select(self) -> None:
        self.activate()

    @excel_side
    def delete(self) -> None:
        self._book.app.engine.calls["sheet_delete"] += 1
        if len(self._book.sheet_list) == 1:
            raise RuntimeError("A workbook must contain at least one visible worksheet.")
        self._book.sheet_list.remove(self.model)
        self._book.active_sheet = min(self._book.active_sheet, len(self._book.sheet_list) - 1)


class Names:
    """A sheet's defined names (print titles are the sheet-scoped name `Print_Titles`)."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    @excel_side
    def add(self, name: str, refers_to: str) -> str:
        self.sheet.book.app.engine.calls["format"] += 1
        self.sheet.model.names[name] = refers_to
        return name


class Tables:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    @excel_side
    def add(self, source: Any = None, name: str | None = None, **_: Any) -> str:
        self.sheet.book.app.engine.calls["format"] += 1
        self.sheet.model.tables[name or f"Table{len(self.sheet.model.tables) + 1}"] = source.impl.area
        return name or ""


class PageSetup:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    @property
    def api(self) -> PageSetup:
        return self

    @property
    def print_area(self) -> str | None:
        return self.sheet.model.print_area

    @print_area.setter
    @excel_side
    def print_area(self, value: str | None) -> None:
        self.sheet.book.app.engine.calls["format"] += 1
        self.sheet.model.print_area = value


class Borders:
    def __init__(self, rng: Range) -> None:
        self.rng = rng

    @excel_side
    def set(self, sides: Any, line_style: Any = None, weight: Any = None, color: Any = None) -> None:
        self.rng.set_style("border", (line_style, weight, color))


class Font:
    def __init__(self, rng: Range) -> None:
        self.rng = rng

    @property
    def size(self) -> Any:
        return self.rng.sheet.model.style(self.rng.area[:2]).get("font_size")

    @size.setter
    @excel_side
    def size(self, value: float) -> None:
        self.rng.set_style("font_size", value)

    @property
    def name(self) -> Any:
        return self.rng.sheet.model.style(self.rng.area[:2]).get("font_name")

    @name.setter
    @excel_side
    def name(self, value: str) -> None:
        self.rng.set_style("font_name", value)

    @property
    def color(self) -> Any:
        return self.rng.sheet.model.style(self.rng.area[:2]).get("font_color")

    @color.setter
    @excel_side
    def color(self, value: Any) -> None:
        self.rng.set_style("font_color", value)

    @property
    def api(self) -> Font:
        return self

    @property
    def bold(self) -> bool:
        return all(cell in self.rng.sheet.model.bold for cell in self.rng.cells())

    @bold.setter
    @excel_side
    def bold(self, value: bool) -> None:
        self.rng.count("format")
        for cell in self.rng.cells():
            (self.rng.sheet.model.bold.add if value else self.rng.sheet.model.bold.discard)(cell)


class ConditionalFormat:
    def __init__(self, sheet: Sheet, rule: Rule_) -> None:
        self.sheet = sheet
        self.rule = rule

    @property
    def api(self) -> ConditionalFormat:
        return self

    @property
    def type(self) -> str:
        return "custom"

    @property
    def formula(self) -> str:
        return self.rule.formula

    @property
    def fill_color(self) -> Any:
        return self.rule.fill_color

    @property
    def font_color(self) -> Any:
        return self.rule.font_color

    @excel_side
    def delete(self) -> None:
        self.sheet.book.app.engine.calls["cf_delete"] += 1
        self.sheet.model.rules.remove(self.rule)


class ConditionalFormats(base_classes.ConditionalFormats):
    """The rules applying to any cell of a range (Excel's Range.FormatConditions)."""

    def __init__(self, rng: Range) -> None:
        self.rng = rng

    def _rules(self) -> list[Rule_]:
        return [
            r
            for r in self.rng.sheet.model.rules
            if any(_overlap(a, b) for a in r.areas for b in self.rng.areas)
        ]

    @property
    def api(self) -> ConditionalFormats:
        return self

    @excel_side
    def __len__(self) -> int:
        return len(self._rules())

    @excel_side
    def __iter__(self) -> Iterator[ConditionalFormat]:
        return iter([ConditionalFormat(self.rng.sheet, r) for r in self._rules()])

    def __call__(self, index: int) -> ConditionalFormat:
        return ConditionalFormat(self.rng.sheet, self._rules()[index - 1])

    @excel_side
    def add_custom(self, spec: dict[str, Any]) -> ConditionalFormat:
        self.rng.count("cf_add")
        rule = Rule_(list(self.rng.areas), spec["formula"], spec.get("fill_color"), spec.get("font_color"))
        self.rng.sheet.model.rules.insert(0, rule)  # Excel puts a new rule first
        return ConditionalFormat(self.rng.sheet, rule)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


class Range(base_classes.Range):
    """One or more rectangular areas of a sheet (values, formulas, formats)."""

    def __init__(self, sheet: Sheet, areas: list[tuple[int, int, int, int]]) -> None:
        self._sheet = sheet
        self.areas = areas
        self.options: dict[str, Any] = {}

    @property
    def area(self) -> tuple[int, int, int, int]:
        return self.areas[0]

    def count(self, what: str) -> None:
        self._sheet.book.app.engine.calls[what] += 1

    def cells(self) -> Iterator[tuple[int, int]]:
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    @property
    def api(self) -> Range:
        return self

    @property
    def sheet(self) -> Sheet:
        return self._sheet

    def __len__(self) -> int:
        return sum((a[2] - a[0] + 1) * (a[3] - a[1] + 1) for a in self.areas)

    @property
    def row(self) -> int:
        return self.area[0]

    @property
    def column(self) -> int:
        return self.area[1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self.area
        return r2 - r1 + 1, c2 - c1 + 1

    @property
    def coords(self) -> tuple[str, str, int, int, int, int]:
        r1, c1, r2, c2 = self.area
        return self._sheet.book.name, self._sheet.name, r1, c1, r2 - r1 + 1, c2 - c1 + 1

    def __call__(self, row: int, column: int | None = None) -> Range:
        r1, c1, _, _ = self.area
        column = 1 if column is None else column
        cell = (r1 + row - 1, c1 + column - 1)
        return Range(self._sheet, [(*cell, *cell)])

    def get_address(self, row_absolute: bool, col_absolute: bool, external: bool) -> str:
        text = ",".join(area_address(a, row_absolute and col_absolute) for a in self.areas)
        return f"[{self._sheet.book.name}]{self._sheet.name}!{text}" if external else text

    @property
    def address(self) -> str:
        return self.get_address(True, True, False)

    def _block(self, source: dict[tuple[int, int], Any], formulas: bool) -> Any:
        r1, c1, r2, c2 = self.area
        model = self._sheet.model
        rows = []
        for r in range(r1, r2 + 1):
            row = []
            for c in range(c1, c2 + 1):
                if formulas:
                    row.append(model.formulas.get((r, c), _as_formula_text(model.values.get((r, c)))))
                else:
                    row.append(source.get((r, c)))
            rows.append(tuple(row))
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return tuple(rows)

    @property
    @excel_side
    def raw_value(self) -> Any:
        self.count("read_values")
        self.count(f"read_values:{self._sheet.name}")
        return self._block(self._sheet.model.values, formulas=False)

    @raw_value.setter
    @excel_side
    def raw_value(self, data: Any) -> None:
        self.count("write_values")
        self._write(data)

    def _write(self, data: Any) -> None:
        r1, c1, r2, c2 = self.area
        if not isinstance(data, (list, tuple)):
            data = [[data] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [data]
        model = self._sheet.model
        for i, row in enumerate(data):
            for j, value in enumerate(row):
                key = (r1 + i, c1 + j)
                model.formulas.pop(key, None)
                if isinstance(value, str) and value.startswith("'"):
                    model.values[key] = value[1:]
                elif isinstance(value, str) and value.startswith("=") and len(value) > 1:
                    model.formulas[key] = value
                    model.values[key] = None  # not calculated here
                elif isinstance(value, bool):
                    model.values[key] = value
                elif isinstance(value, (int, float)):
                    model.values[key] = float(value)
                elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                    model.values[key] = dt.datetime(value.year, value.month, value.day)
                else:
                    model.values[key] = None if value == "" else value

    @property
    @excel_side
    def formula(self) -> Any:
        self.count("read_formulas")
        self.count(f"read_formulas:{self._sheet.name}")
        return self._block({}, formulas=True)

    @formula.setter
    @excel_side
    def formula(self, value: Any) -> None:
        self.count("write_formulas")
        self._write(value)

    @excel_side
    def clear_contents(self) -> None:
        self.count("clear_contents")
        for cell in list(self.cells()) if len(self) < 10**6 else self._used_cells():
            self._sheet.model.values.pop(cell, None)
            self._sheet.model.formulas.pop(cell, None)

    def _used_cells(self) -> list[tuple[int, int]]:
        model = self._sheet.model
        keys = set(model.values) | set(model.formulas)
        return [k for k in keys if any(a[0] <= k[0] <= a[2] and a[1] <= k[1] <= a[3] for a in self.areas)]

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def column_width(self) -> float | None:
        return self._sheet.model.column_widths.get(self.area[1])

    @column_width.setter
    @excel_side
    def column_width(self, value: float) -> None:
        self.count("format")
        for _, c1, _, c2 in self.areas:
            for c in range(c1, c2 + 1):
                self._sheet.model.column_widths[c] = value

    def set_style(self, attribute: str, value: Any) -> None:
        """One formatting call on every cell of the range (whole rows or columns are refused: a
        document tab's formats go on its cells)."""
        self.count("format")
        if len(self) > 100_000:
            raise ValueError(f"formatting {len(self)} cells in one call: format the used cells")
        for cell in self.cells():
            self._sheet.model.styles.setdefault(cell, {})[attribute] = value

    @property
    def borders(self) -> Borders:
        return Borders(self)

    @property
    def color(self) -> Any:
        return self._sheet.model.style(self.area[:2]).get("fill")

    @color.setter
    @excel_side
    def color(self, value: Any) -> None:
        self.set_style("fill", value)

    @property
    def horizontal_alignment(self) -> Any:
        return self._sheet.model.style(self.area[:2]).get("h_align")

    @horizontal_alignment.setter
    @excel_side
    def horizontal_alignment(self, value: Any) -> None:
        self.set_style("h_align", value)

    @property
    def vertical_alignment(self) -> Any:
        return self._sheet.model.style(self.area[:2]).get("v_align")

    @vertical_alignment.setter
    @excel_side
    def vertical_alignment(self, value: Any) -> None:
        self.set_style("v_align", value)

    @property
    def wrap_text(self) -> Any:
        return self._sheet.model.style(self.area[:2]).get("wrap")

    @wrap_text.setter
    @excel_side
    def wrap_text(self, value: bool) -> None:
        self.set_style("wrap", value)

    @excel_side
    def merge(self, across: bool = False) -> None:
        self.count("format")
        for r1, c1, r2, c2 in self.areas:
            if across:
                self._sheet.model.merges.extend((r, c1, r, c2) for r in range(r1, r2 + 1))
            else:
                self._sheet.model.merges.append((r1, c1, r2, c2))

    @property
    def column_hidden(self) -> bool:
        return all(c in self._sheet.model.hidden_columns for c in range(self.area[1], self.area[3] + 1))

    @column_hidden.setter
    @excel_side
    def column_hidden(self, value: bool) -> None:
        self.count("format")
        for _, c1, _, c2 in self.areas:
            for c in range(c1, c2 + 1):
                (self._sheet.model.hidden_columns.add if value else self._sheet.model.hidden_columns.discard)(
                    c
                )

    @property
    def row_height(self) -> float | None:
        return self._sheet.model.row_heights.get(self.area[0])

    @row_height.setter
    @excel_side
    def row_height(self, value: float) -> None:
        self.count("format")
        for r1, _, r2, _ in self.areas:
            for r in range(r1, r2 + 1):
                self._sheet.model.row_heights[r] = value

    @property
    def number_format(self) -> str:
        return self._sheet.model.number_formats.get((self.area[0], self.area[1]), "General")

    @number_format.setter
    @excel_side
    def number_format(self, value: str) -> None:
        self.count("format")
        for cell in self.cells():
            self._sheet.model.number_formats[cell] = value

    @property
    def conditional_formats(self) -> ConditionalFormats:
        return ConditionalFormats(self)

    @excel_side
    def select(self) -> None:
        app = self._sheet.book.app
        if app.active_book is not self._sheet.book:
            raise RuntimeError("Select only works on the active book")
        self._sheet.activate()
        app.selected = self

    def autofit(self, axis: Any = None) -> None:
        pass

    @property
    def autofilter(self) -> Any:
        return None

    @property
    def hyperlink(self) -> str:
        return ""


def _as_formula_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


# ---------------------------------------------------------------------------------------------
# Loading and saving books


def _excel_value(value: Any) -> Any:
    """A calamine value as Excel's COM gives it: floats, datetimes, None for empty."""
    if value == "" or value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return value


def load_book(app: App, path: Path) -> BookModel:
    """Open `path` in the test Excel: values as Excel shows them, formulas, marks, code names."""
    book = BookModel(app, path.name, str(path))
    wb = CalamineWorkbook.from_path(str(path))
    with warnings.catch_warnings():  # openpyxl drops extensions it does not know; only the test's copy
        warnings.simplefilter("ignore", UserWarning)
        xl = openpyxl.load_workbook(path, data_only=False)
    try:
        for ws in xl.worksheets:
            model = SheetModel(ws.title, ws.sheet_properties.codeName or ws.title)
            sheet = wb.get_sheet_by_name(ws.title)
            r0, c0 = sheet.start or (0, 0)
            for i, row in enumerate(sheet.to_python()):
                for j, value in enumerate(row):
                    if (v := _excel_value(value)) is not None:
                        model.values[(r0 + i + 1, c0 + j + 1)] = v
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.data_type == "f":
                        model.formulas[(cell.row, cell.column)] = cell.value
            for cf in ws.conditional_formatting:
                areas = [parse_area(str(r)) for r in cf.sqref.ranges]
                for rule in cf.rules:
                    for formula in rule.formula or []:
                        model.rules.append(Rule_(list(areas), "=" + formula))
            model.frozen = ws.freeze_panes
            book.sheet_list.append(model)
    finally:
        wb.close()
    app.book_list.append(book)
    app.active_book = book
    return book


def save_book(book: BookModel, path: Path) -> None:
    """Write the book as Excel would save it (values, formulas, conditional formats)."""
    xl = openpyxl.Workbook()
    xl.remove(xl.active)
    for model in book.sheet_list:
        ws = xl.create_sheet(model.name)
        ws.sheet_properties.codeName = model.code_name
        for (r, c), value in model.values.items():
            if value is not None and (r, c) not in model.formulas:
                ws.cell(r, c, value)
        for (r, c), formula in model.formulas.items():
            ws.cell(r, c, formula)
        for r, c in model.bold:
            ws.cell(r, c).font = XFont(bold=True)
        for rule in model.rules:
            sqref = " ".join(area_address(a, absolute=False) for a in rule.areas)
            style = DifferentialStyle(fill=PatternFill(bgColor="FFD8C4"), font=XFont(color="9C2A00"))
            ws.conditional_formatting.add(
                sqref, Rule(type="expression", dxf=style, formula=[rule.formula.removeprefix("=")])
            )
    xl.save(path)


# ---------------------------------------------------------------------------------------------
# Registering the engine, and RunPython


def install() -> tuple[Engine, xw.Engine]:
    """Register a fresh test engine with xlwings and make it the active one."""
    impl = Engine()
    engine = xw.Engine(impl=impl)
    xw.engines.add(engine)
    engine.activate()
    return impl, engine


def uninstall(engine: xw.Engine) -> None:
    xw.engines.engines.remove(engine)
    xw.engines.engines_by_name.pop(engine.name, None)
    xw.engines.active = None


@contextmanager
def run_python(app: App) -> Iterator[None]:
    """What xlwings' VBA RunPython does from an add-in: the active workbook is the caller.

    The custom add-in's xlwings module passes `--wb=<ActiveWorkbook.Name> --from_xl=1` to
    Python, and `xw.Book.caller()` finds that book among the open ones.
    """
    if app.active_book is None:
        raise RuntimeError("RunPython needs an active workbook")
    saved = list(sys.argv)
    sys.argv = [saved[0] if saved else "python", f"--wb={app.active_book.name}", "--from_xl=1"]
    try:
        yield
    finally:
        sys.argv = saved
