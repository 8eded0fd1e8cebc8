"""The ribbon: one small handler per button, run by the add-in's VBA dispatcher through RunPython.

The dispatcher (macros/Ribbon.bas) calls `run(control_id)` with the button's id, which is the
action's name in the registry. Each handler reads the caller book through the port, calls the
same core function as the CLI, applies the edits it gets back through the port and reports in
the status bar or a message box. `xw.Book.caller()` is the workbook active when the button
was clicked (the add-in's RunPython passes the active workbook).
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlwings as xw

from sheetsync.actions import navigate
from sheetsync.actions.registry import ACTIONS, Action, Face, available, load
from sheetsync.book import Book
from sheetsync.excel.port import LiveBook
from sheetsync.excel.ui import Ui
from sheetsync.findings import FileError, Finding, Severity

_LAST_CHECK: dict[str, tuple[object, list[Finding]]] = {}  # book -> ((date, values read), findings)


@dataclass
class Click:
    """One button click: the caller book, its port, the user interface, and what was read."""

    book: xw.Book
    port: LiveBook
    ui: Ui
    _read: Book | None = None
    _findings: list[Finding] | None = field(default=None)

    def read(self) -> Book:
        if self._read is None:
            self._read = self.port.read()
        return self._read

    def findings(self) -> list[Finding]:
        """The book's findings: checked afresh, unless the values the reader reads and the date
        are exactly those of the last check of this book (the process stays alive between clicks)."""
        if self._findings is None:
            from sheetsync.actions.check import check_book

            key = (dt.date.today(), self.port.snapshot())
            last = _LAST_CHECK.get(str(self.port.path))
            if last is not None and last[0] == key:
                self._findings = last[1]
            else:
                self._findings = check_book(self.read())
                _LAST_CHECK.clear()  # one book's values kept, not every book's
                _LAST_CHECK[str(self.port.path)] = (key, self._findings)
        return self._findings

    def active_cell(self) -> tuple[str, str]:
        """(sheet, A1 cell) of the active cell: the first cell of the selection."""
        selection = self.book.app.selection
        if selection is None:
            sheet = self.book.sheets.active
            return sheet.name, "A1"
        return selection.sheet.name, selection[0, 0].get_address(False, False)

    def selection(self) -> tuple[str | None, list[int]]:
        """(sheet, Excel rows) of the selection; (None, []) without one."""
        selection = self.book.app.selection
        if selection is None:
            return None, []
        return selection.sheet.name, selected_rows(selection.address)

    def go_to(self, sheet: str, cell: str) -> None:
        target = self.book.sheets[sheet]
        target.activate()
        target.range(cell).select()


def summary(findings: list[Finding]) -> str:
    """'3 errors, 5 warnings, 2 notes' (or 'No findings')."""
    counts = {s: 0 for s in Severity}
    for f in findings:
        counts[f.severity] += 1
    if not findings:
        return "No findings"
    words = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    return ", ".join(f"{n} {words[s]}{'s' if n != 1 else ''}" for s, n in counts.items())


# -- the handlers, one per button ------------------------------------------------------------------


def check(c: Click) -> None:
    """Check workbook: counts in the status bar and a message box; the book is not changed."""
    found = c.findings()
    c.ui.status(f"Checked: {summary(found)}.")
    c.ui.message(
        f"{summary(found)} in {c.book.name}.\n\n"
        "Mark issues lists them in the Issues sheet and highlights their cells; "
        "Next issue walks through them."
    )


def mark(c: Click) -> None:
    """Mark issues: the Issues sheet and the highlights, as `sheetsync mark` writes them."""
    from sheetsync.actions.mark import mark as mark_edits
    from sheetsync.edits import Highlight

    found = c.findings()
    edits = mark_edits(c.port.path, found, c.port.names())
    c.port.apply(edits)
    cells = sum(len(e.cells) for e in edits if isinstance(e, Highlight))
    c.ui.status(f"Marked: {summary(found)} in the Issues sheet; {cells} cells highlighted.")


def clear(c: Click) -> None:
    """Clear marks: the Issues sheet and every sheetsync highlight go, from the ribbon or the CLI."""
    from sheetsync.actions.mark import clear as clear_edits

    c.port.apply(clear_edits(c.port.path))
    c.ui.status("sheetsync's marks are cleared.")


def _walk(c: Click, step: Callable[..., Finding | None]) -> None:
    sheet, cell = c.active_cell()
    found = step(c.findings(), c.port.names(), sheet, cell)
    if found is None:
        c.ui.status("No findings to go to.")
        return
    c.go_to(found.sheet, found.cell or f"A{found.row}")
    c.ui.status(f"{found.severity.value.upper()} {found.code}: {found.message}")


def next_issue(c: Click) -> None:
    """Next issue: select the cell of the next finding after the active cell."""
    _walk(c, navigate.next_finding)


def previous_issue(c: Click) -> None:
    """Previous issue: select the cell of the finding before the active cell."""
    _walk(c, navigate.previous_finding)


def explain(c: Click) -> None:
    """Explain this cell: the findings on the active cell, with what to do, in a message box."""
    sheet, cell = c.active_cell()
    found = navigate.findings_at(c.findings(), c.port.names(), sheet, cell)
    c.ui.message(navigate.explain(found, sheet, cell))


def beside(book: Path, name: str) -> Path:
    """Where a file made for `book` goes: its folder, else (a new, unsaved book) the temp folder."""
    folder = book.parent if book.parent != Path() and book.parent.is_dir() else Path(tempfile.gettempdir())
    return folder / name


def kpi(c: Click) -> None:
    """KPI dashboard: written next to the book as <book>-dashboard.xlsx and opened."""
    from sheetsync.reporting.dashboard import build_dashboard

    book = c.read()
    if book.get("Orders") is None or book.get("Lines") is None:
        c.ui.message("This workbook has no Orders and Lines sheets to measure.")
        return
    target = beside(c.port.path, f"{c.port.path.stem}-dashboard.xlsx")
    if target.name.casefold() in {b.name.casefold() for b in c.book.app.books}:
        target = unused(
            target.with_name(f"{target.stem} (2){target.suffix}")
        )  # Excel holds the last one open
    build_dashboard(target, [book])
    c.book.app.books.open(str(target))
    c.ui.status(f"KPI dashboard written to {target}.")


def unused(path: Path) -> Path:
    """`path`, or `name (2).xlsx`, `name (3).xlsx`... : the first that does not exist."""
    n = 2
    found = path
    while found.exists():
        found = path.with_name(f"{path.stem} ({n}){path.suffix}")
        n += 1
    return found


def new(c: Click) -> None:
    """New order tracker: a blank standard workbook, saved next to the book and opened."""
    from sheetsync.workbook.template import build_template

    target = unused(beside(c.port.path, "order_tracker.xlsx"))
    build_template(target)
    c.book.app.books.open(str(target))
    c.ui.status(f"New order tracker: {target}.")


def settings(c: Click) -> None:
    """Settings: go to the Settings sheet."""
    from sheetsync.io.read.settings import settings_sheet

    name = settings_sheet(c.port.names())
    if name is None:
        c.ui.message("This workbook has no Settings sheet. New order tracker makes a workbook with one.")
        return
    c.go_to(name, "A1")


def about(c: Click) -> None:
    """About: versions (sheetsync, contract, xlwings, Python)."""
    from sheetsync.actions.about import about as about_text

    c.ui.message(f"{about_text()}\nxlwings {xw.__version__}")


def generate(c: Click) -> None:
    """Generate documents: linked tabs for the orders on the selected rows, registered in Documents."""
    from sheetsync.actions.generate import generate_plan, orders_in
    from sheetsync.documents.plan import PlanError

    book = c.read()
    orders = orders_in(book, *c.selection())
    if not orders:
        c.ui.message(NO_ORDER.format(action="Generate documents"))
        return
    try:
        made = generate_plan(book, orders, rows_of=c.port.rows)
    except PlanError as error:
        c.ui.message(str(error))
        return
    c.port.apply(made.edits)
    tabs = ", ".join(d.tab for d in made.documents) or "none"
    c.ui.status(f"Generated {len(made.documents)} document tab(s): {tabs}.")
    if made.skipped:
        c.ui.message("Left as it is:\n" + "\n".join(made.skipped))


def issue(c: Click) -> None:
    """Issue document: freeze the document on the active tab and give it the series' next number."""
    from sheetsync.actions.issue import doc_on_tab
    from sheetsync.documents.issue import issue as issue_edits
    from sheetsync.documents.pdf import file_stem
    from sheetsync.documents.plan import PlanError

    tab = c.book.sheets.active.name
    try:
        done = issue_edits(c.read(), doc_on_tab(c.read(), tab), dt.datetime.now().replace(microsecond=0))
    except PlanError as error:
        c.ui.message(str(error))
        return
    c.port.apply(done.edits)
    c.ui.status(f"Issued {done.old_no} as {done.doc_no}: tab {done.tab} now holds values.")
    pdf = beside(c.port.path, f"{file_stem(done.tab)}.pdf")
    try:
        c.book.sheets[done.tab].to_pdf(str(pdf))  # Excel prints the tab as its page setup says
    except Exception as error:  # COM or AppleScript errors have no common type; the issue stands
        c.ui.message(f"{done.doc_no} is issued, but Excel could not export its PDF: {error}", critical=True)
        return
    c.ui.status(f"Issued {done.old_no} as {done.doc_no}: tab {done.tab} now holds values; PDF {pdf}.")


def remove(c: Click) -> None:
    """Remove generated tabs: those of the selected orders, the active document tab, or (asked) all."""
    from sheetsync.actions.generate import orders_in
    from sheetsync.actions.remove import remove_generated
    from sheetsync.documents.plan import PlanError

    book = c.read()
    sheet, rows = c.selection()
    orders = orders_in(book, sheet, rows)
    register = book.get("Documents")
    registered = set() if register is None else {str(t).casefold() for t in register.frame["sheet"].dropna()}
    tabs = [sheet] if sheet is not None and sheet.casefold() in registered else []
    try:
        removal = remove_generated(book, orders, tabs)
    except PlanError as error:
        c.ui.message(str(error))
        return
    if (
        not orders
        and not tabs
        and not c.ui.confirm(
            f"No order rows or document tab selected: remove all {len(removal.tabs)} generated tabs?"
        )
    ):
        return
    c.port.apply(removal.edits)
    c.ui.status(f"Removed {len(removal.tabs)} tab(s) and {removal.rows} register row(s).")
    if removal.kept:
        c.ui.message("Kept:\n" + "\n".join(removal.kept))


def status(c: Click) -> None:
    """Buyer status update: a values-only workbook for the selected order's buyer, beside the book, opened."""
    from sheetsync.actions.generate import orders_in
    from sheetsync.actions.status import buyers_of, file_name, status_book

    book = c.read()
    buyers = buyers_of(book, orders_in(book, *c.selection()))
    if not buyers:
        c.ui.message(NO_ORDER.format(action="Buyer status update"))
        return
    open_books = {b.name.casefold() for b in c.book.app.books}
    for buyer in buyers:
        target = beside(c.port.path, file_name(buyer))
        if target.name.casefold() in open_books:  # Excel holds the last one open
            target = unused(target.with_name(f"{target.stem} (2){target.suffix}"))
        made = status_book(book, buyer, target)
        c.book.app.books.open(str(target))
        c.ui.status(f"Status update for {buyer}: {made.orders} open order(s) in {target}.")


NO_ORDER = "Select the rows of the orders first (on Orders, Lines or Shipments), then click {action}."

HANDLERS: dict[str, Callable[[Click], None]] = {
    "check": check,
    "mark": mark,
    "clear": clear,
    "next": next_issue,
    "previous": previous_issue,
    "explain": explain,
    "kpi": kpi,
    "new": new,
    "generate": generate,
    "issue": issue,
    "remove": remove,
    "status": status,
    "settings": settings,
    "about": about,
}

# What the generic handler passes to a core function, by parameter name (the convention a new
# ribbon action's function follows to get its button without a handler of its own):
#   book            the live workbook read as a `Book`     findings   its findings
#   book_path       the book's full name                   names      its tab names
#   selected_sheet  the sheet of the selection             selected_rows  the Excel rows it covers
# The book's path goes only to `book_path`, never to a bare `path` (where a function would write
# a file of its own). What the function returns: a list of edits (applied to the open book),
# text (shown in a message box), or a Path (a file it wrote: opened in Excel).
SUPPLIED = ("book", "book_path", "findings", "names", "selected_sheet", "selected_rows")
_AREA = re.compile(r"\$?[A-Z]{0,3}\$?(\d+)(?::\$?[A-Z]{0,3}\$?(\d+))?")


def selected_rows(address: str) -> list[int]:
    """The Excel rows a selection covers, in order, once each: '$A$2:$C$4,$B$9' -> [2, 3, 4, 9]."""
    rows: dict[int, None] = {}
    for area in address.split(","):
        m = _AREA.fullmatch(area.strip())
        if m:
            first, last = int(m[1]), int(m[2] or m[1])
            rows.update(dict.fromkeys(range(min(first, last), max(first, last) + 1)))
    return list(rows)


def _given(c: Click, names: list[str]) -> dict[str, Any]:
    selection = c.book.app.selection
    given: dict[str, Any] = {}
    for name in names:
        if name == "book":
            given[name] = c.read()
        elif name == "book_path":
            given[name] = c.port.path
        elif name == "findings":
            given[name] = c.findings()
        elif name == "names":
            given[name] = c.port.names()
        elif name == "selected_sheet":
            given[name] = selection.sheet.name if selection is not None else None
        elif name == "selected_rows":
            given[name] = selected_rows(selection.address) if selection is not None else []
    return given


def generic_handler(action: Action) -> Callable[[Click], None] | None:
    """A handler for an action without its own (see `SUPPLIED`), or None when its function needs
    anything the face cannot give (the button is then not shown)."""
    if not available(action):
        return None
    params = inspect.signature(load(action)).parameters.values()
    if any(p.name not in SUPPLIED for p in params if p.default is inspect.Parameter.empty):
        return None
    wanted = [p.name for p in params if p.name in SUPPLIED]

    def handler(c: Click) -> None:
        result = load(action)(**_given(c, wanted))
        if isinstance(result, list):
            c.port.apply(result)
            c.ui.status(f"{action.label}: done.")
        elif isinstance(result, str):
            c.ui.message(result)
        elif isinstance(result, Path):
            c.book.app.books.open(str(result))
            c.ui.status(f"{action.label}: {result}")

    return handler


def handler_for(action: Action) -> Callable[[Click], None] | None:
    """The handler of a ribbon action, or None when its core function does not exist (yet)."""
    if not available(action):
        return None
    return HANDLERS.get(action.name) or generic_handler(action)


def buttons() -> list[Action]:
    """The ribbon's buttons: each ribbon action whose core function exists and can be called."""
    return [a for a in ACTIONS if Face.RIBBON in a.faces and handler_for(a) is not None]


def run(control_id: str) -> None:
    """Run one button on the caller workbook (the VBA dispatcher's entry point)."""
    book = xw.Book.caller()
    ui = Ui(book.app)
    action = next((a for a in ACTIONS if a.name == control_id), None)
    handler = handler_for(action) if action else None
    if action is None or handler is None:
        ui.message(
            f"sheetsync has no button {control_id!r}; the add-in and Python package differ in version."
        )
        return
    if action.writes and not ui.confirm_first_write(action):
        return
    try:
        handler(Click(book, LiveBook(book), ui))
    except FileError as exc:
        ui.status(False)
        ui.message(exc.message, critical=True)


__all__ = ["HANDLERS", "buttons", "handler_for", "run"]
