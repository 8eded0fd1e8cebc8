"""Every ribbon button, clicked on the demo book in the test Excel, through xlwings' own API."""

# ruff: noqa: F811  (the fixtures are imported from excel_helpers and named as parameters)

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import xlwings as xw

import xlwings_engine as engine
from excel_helpers import click, demo_file, excel, open_copy  # noqa: F401  (fixtures)
from sheetsync.actions.check import check_book, check_path
from sheetsync.actions.registry import ACTIONS, Action, Face, available
from sheetsync.excel import ribbon
from sheetsync.excel.customui import KNOWN_IMAGES, NAMESPACE, custom_ui
from sheetsync.excel.port import RULE
from sheetsync.excel.ui import warned
from sheetsync.findings import Finding

Excel = tuple[engine.Engine, xw.App]


def state(book: engine.BookModel) -> list[tuple[str, dict[tuple[int, int], object], int]]:
    return [(s.name, dict(s.values), len(s.rules)) for s in book.sheet_list]


def located(findings: list[Finding], sheets: list[str]) -> list[Finding]:
    order = {s: i for i, s in enumerate(sheets)}

    def key(f: Finding) -> tuple[int, int, int]:
        r, c, _, _ = engine.parse_area(f.cell or f"A{f.row}")
        return order[f.sheet], r, c

    return sorted((f for f in findings if f.sheet in order and (f.cell or f.row)), key=key)


# -- the registry, the buttons and the customUI --------------------------------------------------


def test_every_ribbon_action_has_exactly_one_button_and_every_button_one_action() -> None:
    root = ET.fromstring(custom_ui(ribbon.buttons()))
    ids = Counter(b.get("id") for b in root.iter(f"{{{NAMESPACE}}}button"))
    # Every ribbon action whose core function exists has its button (one being built elsewhere
    # has none until its function lands; one that exists but no handler can call fails here).
    ribbon_actions = {a.name for a in ACTIONS if Face.RIBBON in a.faces and available(a)}
    assert set(ids) == ribbon_actions
    assert all(n == 1 for n in ids.values())
    for button in root.iter(f"{{{NAMESPACE}}}button"):
        assert button.get("onAction") == "OnAction"
        assert button.get("imageMso") in KNOWN_IMAGES


def test_buttons_are_the_ribbon_actions_whose_core_function_exists() -> None:
    planned = Action(
        "sync", "Sync", "Sync to the store.", frozenset({Face.RIBBON}), "sheetsync.store.nothing:sync"
    )
    assert ribbon.handler_for(planned) is None  # not built yet: no button
    callable_later = Action("about2", "About", "x", frozenset({Face.RIBBON}), "sheetsync.actions.about:about")
    # a new action whose core function takes what the face has gets the generic handler
    assert ribbon.handler_for(callable_later) is not None
    needs_more = Action(
        "new2", "New", "x", frozenset({Face.RIBBON}), "sheetsync.workbook.template:build_template"
    )
    assert ribbon.generic_handler(needs_more) is None  # it needs a path the face cannot guess


def test_the_selection_gives_the_rows_it_covers() -> None:
    assert ribbon.selected_rows("$A$2:$C$4,$B$9,$A$3") == [2, 3, 4, 9]
    assert ribbon.selected_rows("$5:$6") == [5, 6]
    assert ribbon.selected_rows("$B:$B") == []  # whole columns: no rows named


def test_the_generic_handler_applies_the_edits_a_new_core_function_returns(
    excel: Excel, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, app = excel
    book = open_copy(app, demo_file, tmp_path)
    later = Action("clear2", "Clear again", "x", frozenset({Face.RIBBON}), "sheetsync.actions.mark:clear")
    monkeypatch.setattr(ribbon, "ACTIONS", (*ACTIONS, later))
    click(app, "mark")
    click(app, "clear2")  # clear(book_path) -> edits: the generic handler passes the path, applies them
    assert "Issues" not in [s.name for s in book.sheet_list]
    assert app.impl.status_history[-1] == "Clear again: done."


def test_the_add_in_and_python_disagreeing_on_a_button_says_so(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    _, app = excel
    open_copy(app, demo_file, tmp_path)
    click(app, "explode")
    assert "no button 'explode'" in app.impl.alerts[-1].prompt


# -- each button, end to end ----------------------------------------------------------------------


def test_check_reports_the_counts_and_changes_nothing(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    impl, app = excel
    book = open_copy(app, demo_file, tmp_path)
    before = state(book)
    impl.reset_calls()
    click(app, "check")
    assert state(book) == before
    findings = check_path(demo_file).findings
    assert app.impl.status_history[-1] == f"Checked: {ribbon.summary(findings)}."
    assert app.impl.alerts[-1].prompt.startswith(f"{ribbon.summary(findings)} in orders.xlsx.")
    assert impl.calls["read_values"] == 6 and impl.calls["write_values"] == 0


def test_an_edit_between_clicks_is_checked_and_an_unchanged_book_is_not_checked_again(
    excel: Excel, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, app = excel
    book = open_copy(app, demo_file, tmp_path)
    checks: list[int] = []
    real = check_book

    def counted(*args: object) -> list[Finding]:
        checks.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("sheetsync.actions.check.check_book", counted)
    click(app, "check")
    click(app, "next")
    assert len(checks) == 1  # same values, same day: the findings of the last check
    orders = book.sheet("Orders")
    header = next(r for (r, c), v in sorted(orders.values.items()) if v == "Incoterm")
    column = next(c for (r, c), v in orders.values.items() if r == header and v == "Incoterm")
    orders.values[(header + 1, column)] = "DDU"  # typed in Excel between the clicks
    click(app, "check")
    assert len(checks) == 2
    before = ribbon.summary(check_path(demo_file).findings)
    assert app.impl.status_history[-1] != f"Checked: {before}."


def test_mark_warns_once_then_marks_and_clear_takes_it_all_out(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    impl, app = excel
    book = open_copy(app, demo_file, tmp_path)
    before = state(book)
    app.impl.answers = ["cancel"]
    click(app, "mark")
    assert "Excel cannot undo a macro" in app.impl.alerts[-1].prompt
    assert "Clear marks takes these changes out again" in app.impl.alerts[-1].prompt
    assert state(book) == before and warned() == set()  # cancelled: nothing changed

    click(app, "mark")  # OK this time
    findings = check_path(demo_file).findings
    assert [s.name for s in book.sheet_list][-1] == "Issues"
    assert max(r for r, _ in book.sheet("Issues").values) == len(findings) + 1
    assert {s.name for s in book.sheet_list if any(r.formula == RULE for r in s.rules)} == {
        f.sheet for f in findings if f.cell
    }
    assert warned() == {"mark"}

    alerts = len(app.impl.alerts)
    impl.reset_calls()
    click(app, "mark")  # marking again replaces, and does not warn again
    assert len(app.impl.alerts) == alerts
    assert impl.calls["read_values"] <= 6 + 1  # the sheets, and the Issues header proving it is ours
    assert max(r for r, _ in book.sheet("Issues").values) == len(findings) + 1

    click(app, "clear")  # clear warns once too (Mark issues puts the marks back)
    assert "Mark issues puts them back" in app.impl.alerts[-1].prompt
    assert state(book) == before


def test_next_and_previous_issue_walk_the_findings_in_reading_order(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    _, app = excel
    book = open_copy(app, demo_file, tmp_path)
    names = [s.name for s in book.sheet_list]
    walk = located(check_path(demo_file).findings, names)
    places = list(dict.fromkeys((f.sheet, f.cell or f"A{f.row}") for f in walk))
    wb = app.books.active
    wb.sheets[places[0][0]].range(places[0][1]).select()
    for expected in places[1:4]:
        click(app, "next")
        selection = app.selection
        assert (selection.sheet.name, selection.get_address(False, False)) == expected
    click(app, "previous")
    assert (app.selection.sheet.name, app.selection.get_address(False, False)) == places[2]
    wb.sheets[places[-1][0]].range(places[-1][1]).select()
    click(app, "next")  # past the last finding it wraps round to the first
    assert (app.selection.sheet.name, app.selection.get_address(False, False)) == places[0]
    assert book.sheet_list[book.active_sheet].name == places[0][0]


def test_explain_shows_the_findings_on_the_active_cell(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    _, app = excel
    open_copy(app, demo_file, tmp_path)
    findings = [f for f in check_path(demo_file).findings if f.cell]
    target = findings[0]
    on_cell = [f for f in findings if (f.sheet, f.cell) == (target.sheet, target.cell)]
    app.books.active.sheets[target.sheet].range(target.cell).select()
    click(app, "explain")
    prompt = app.impl.alerts[-1].prompt
    assert prompt.startswith(f"{len(on_cell)} finding")
    for f in on_cell:
        assert f.code in prompt and f.message in prompt
    app.books.active.sheets["Settings"].range("H40").select()
    click(app, "explain")
    assert app.impl.alerts[-1].prompt == "No finding on Settings!H40."


def test_kpi_writes_the_dashboard_next_to_the_book_and_opens_it(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    _, app = excel
    open_copy(app, demo_file, tmp_path)
    click(app, "kpi")
    dashboard = tmp_path / "orders-dashboard.xlsx"
    assert dashboard.is_file()
    assert app.impl.opened == [str(dashboard)]
    assert app.books.active.name == "orders-dashboard.xlsx"
    app.books["orders.xlsx"].activate()
    click(app, "kpi")  # the last dashboard is still open in Excel: a new one beside it
    assert app.impl.opened[-1] == str(tmp_path / "orders-dashboard (2).xlsx")


def test_new_order_tracker_is_saved_beside_the_book_and_opened(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    _, app = excel
    open_copy(app, demo_file, tmp_path)
    (tmp_path / "order_tracker.xlsx").write_bytes(b"someone else's")
    click(app, "new")
    made = tmp_path / "order_tracker (2).xlsx"
    assert (tmp_path / "order_tracker.xlsx").read_bytes() == b"someone else's"
    assert app.impl.opened == [str(made)]
    assert [s.name for s in app.books.active.sheets][:4] == ["Orders", "Lines", "Shipments", "Documents"]


def test_settings_goes_to_the_settings_sheet(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    _, app = excel
    book = open_copy(app, demo_file, tmp_path)
    click(app, "settings")
    assert book.sheet_list[book.active_sheet].name == "Settings"
    assert app.selection.get_address(False, False) == "A1"


def test_about_names_the_versions(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    _, app = excel
    open_copy(app, demo_file, tmp_path)
    click(app, "about")
    prompt = app.impl.alerts[-1].prompt
    assert (
        "sheetsync 0.1.0" in prompt
        and "Workbook contract v1" in prompt
        and f"xlwings {xw.__version__}" in prompt
    )


def test_the_caller_is_the_active_workbook_not_the_add_in(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    _, app = excel
    open_copy(app, demo_file, tmp_path / "a", "first.xlsx")
    second = open_copy(app, demo_file, tmp_path / "b", "second.xlsx")
    click(app, "mark")
    assert "Issues" in [s.name for s in second.sheet_list]
    first = app.impl.book_list[0]
    assert "Issues" not in [s.name for s in first.sheet_list]


@pytest.mark.parametrize("button", [a.name for a in ACTIONS if Face.RIBBON in a.faces])
def test_every_button_runs_on_the_demo_book_reading_each_sheet_at_most_once(
    excel: Excel, demo_file: Path, tmp_path: Path, button: str
) -> None:
    impl, app = excel
    open_copy(app, demo_file, tmp_path)
    click(app, "mark")  # a marked book: the Issues sheet is there too
    impl.reset_calls()
    click(app, button)
    assert not [a for a in app.impl.alerts if "has no button" in a.prompt]
    per_sheet = {k: n for k, n in impl.calls.items() if k.startswith("read_values:")}
    assert all(n == 1 for n in per_sheet.values()), per_sheet
