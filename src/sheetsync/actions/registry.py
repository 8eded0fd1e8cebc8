"""The one registry of actions: what each does, which faces show it, and the core function it runs.

Both faces are generated from or checked against this list: the CLI has one command per action
shown on `Face.CLI` (a test holds them in step), the Excel ribbon one button per action shown on
`Face.RIBBON` (its customUI XML is generated from here). Functions are named as
`"module:function"` and imported only when an action runs, so listing actions costs nothing.

How a face calls an action: it reads the book its own way (a file, or the live workbook through
the Excel port), calls `load(action)` with plain data, and applies the edits it gets back its own
way (`io.ooxml.apply_edits.write_edits` for files; the port for a live book).

A ribbon action gets its button once its core function exists (`available`). Without a handler
of its own in `excel/ribbon.py`, the function is called with the parameters it names among
book, book_path, findings, names, selected_sheet, selected_rows (`excel.ribbon.SUPPLIED`); edits
it returns are applied, text is shown, a Path is opened. One that needs anything else shows no
button until it has a handler.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Face(StrEnum):
    """Where an action appears: the command line, the Excel ribbon, or both."""

    CLI = "cli"
    RIBBON = "ribbon"


BOTH = frozenset({Face.CLI, Face.RIBBON})
CLI_ONLY = frozenset({Face.CLI})
RIBBON_ONLY = frozenset({Face.RIBBON})


@dataclass(frozen=True)
class Action:
    """One thing a user can ask sheetsync to do.

    `name` is the stable id (the CLI command, the ribbon control id). `run` names the core
    function as "module:function". `writes` says the action changes the open book (a ribbon
    macro clears Excel's undo history, so the face warns once); `undo` names the action that
    takes its changes out again, and `final` marks the one write that by design has no reverse
    (an issued document is what was sent: the warning says to save a copy first). On the ribbon,
    `image` is an Office icon (imageMso), `screentip` the bold first line of the tooltip and
    `help` its body (supertip).
    """

    name: str
    label: str
    help: str
    faces: frozenset[Face]
    run: str
    group: str = "Orders"
    image: str = "HappyFace"
    writes: bool = False
    undo: str | None = None
    screentip: str = ""
    final: bool = False

    @property
    def tip(self) -> str:
        """The tooltip's first line: `screentip`, else the label."""
        return self.screentip or self.label


ACTIONS: tuple[Action, ...] = (
    Action("check", "Check workbook", "Validate every row and list the findings; never writes to the book.",
           BOTH, "sheetsync.actions.check:check_book", group="Check", image="AcceptInvitation",
           screentip="Check the open workbook"),
    Action("mark", "Mark issues", "Write the Issues sheet and highlight each cell a finding points at.",
           BOTH, "sheetsync.actions.mark:mark", group="Check", image="ConditionalFormattingMenu",
           writes=True, undo="clear", screentip="Mark the findings in the workbook"),
    Action("clear", "Clear marks", "Remove the Issues sheet and every highlight sheetsync added, exactly.",
           BOTH, "sheetsync.actions.mark:clear", group="Check", image="Clear", writes=True,
           screentip="Take sheetsync's marks out again"),
    Action("next", "Next issue", "Select the cell of the next finding after the active cell.",
           RIBBON_ONLY, "sheetsync.actions.navigate:next_finding", group="Check", image="FillDown",
           screentip="Go to the next finding"),
    Action("previous", "Previous issue", "Select the cell of the finding before the active cell.",
           RIBBON_ONLY, "sheetsync.actions.navigate:previous_finding", group="Check", image="FillUp",
           screentip="Go to the previous finding"),
    Action("explain", "Explain this cell", "Show the findings on the active cell and what to do about each.",
           RIBBON_ONLY, "sheetsync.actions.navigate:findings_at", group="Check", image="Help",
           screentip="What is wrong with this cell?"),
    Action("kpi", "KPI dashboard", "On-time delivery, OTIF, cycle times, fill rate and document accuracy.",
           BOTH, "sheetsync.reporting.kpi:compute_kpis", group="Report", image="ChartInsert",
           screentip="KPI dashboard of this workbook"),
    Action("new", "New order tracker", "A blank order-tracking workbook in the standard layout.",
           BOTH, "sheetsync.workbook.template:build_template", group="Workbook", image="FileNew",
           screentip="Start a new order tracker"),
    Action("generate", "Generate documents",
           "Linked document tabs (invoice, packing list...) for the selected orders, in the register.",
           BOTH, "sheetsync.actions.generate:generate_file", group="Documents", image="CreateReport",
           writes=True, undo="remove", screentip="Generate documents for the selected order rows"),
    Action("issue", "Issue document", "Freeze a sent document: values, the next number, its PDF.",
           BOTH, "sheetsync.actions.issue:issue_file", group="Documents", image="Lock", writes=True,
           final=True, screentip="Issue the document on this tab"),
    Action("remove", "Remove generated tabs",
           "Take out the document tabs generated for the selected orders (or all) and their register rows.",
           BOTH, "sheetsync.actions.remove:remove_file", group="Documents", image="Delete",
           writes=True, screentip="Remove generated document tabs"),
    Action("status", "Buyer status update",
           "A values-only status workbook for the buyer of the selected order, to send outside the company.",
           BOTH, "sheetsync.actions.status:status_files", group="Documents", image="FileSendAsAttachment",
           screentip="Status update for this order's buyer"),
    Action("upgrade", "Upgrade workbook", "Add the newer contract's columns, Settings keys, Lists tables.",
           CLI_ONLY, "sheetsync.actions.upgrade:upgrade_file", group="Workbook"),
    Action("demo", "Demo workbook", "A realistic filled workbook with the mistakes real teams make.",
           CLI_ONLY, "sheetsync.demo.workbook:write_demo", group="Workbook"),
    Action("addin", "Excel add-in", "Build the Excel add-in and template, or install it for this user.",
           CLI_ONLY, "sheetsync.excel.addin:build", group="Workbook"),
    Action("settings", "Settings", "Go to the Settings sheet: exporter, Today, Date Order, tolerances.",
           RIBBON_ONLY, "sheetsync.io.read.settings:settings_sheet", group="Workbook", image="PropertySheet",
           screentip="Open the workbook's Settings"),
    Action("about", "About", "The sheetsync version, the workbook contract version and where Python runs.",
           RIBBON_ONLY, "sheetsync.actions.about:about", group="Workbook", image="Info",
           screentip="About sheetsync"),
    Action("sync", "Sync to store", "Load books into the team store, keep their history, report conflicts.",
           BOTH, "sheetsync.actions.sync:sync_book", group="Store", image="FileSave"),
    Action("history", "Order history", "What changed on an order between syncs: when, where, old -> new.",
           CLI_ONLY, "sheetsync.actions.store_views:history", group="Store"),
    Action("report", "Consolidated report", "One workbook of every order across the synced books.",
           CLI_ONLY, "sheetsync.actions.store_views:report", group="Store"),
    Action("pull", "Pull a view", "A buyer's or a coordinator's orders from the store into a fresh workbook.",
           CLI_ONLY, "sheetsync.actions.store_views:pull", group="Store"),
)  # fmt: skip

_BY_NAME = {a.name: a for a in ACTIONS}
if len(_BY_NAME) != len(ACTIONS):
    raise RuntimeError("two actions share a name")


def get(name: str) -> Action:
    """The action called `name` (KeyError names the known ones)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no action {name!r}; known: {', '.join(_BY_NAME)}") from None


def shown_on(face: Face, actions: Iterable[Action] = ACTIONS) -> list[Action]:
    """The actions a face shows, in registry order."""
    return [a for a in actions if face in a.faces]


def load(action: Action) -> Callable[..., Any]:
    """Import and return the core function an action runs."""
    module, _, function = action.run.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return found


def available(action: Action) -> bool:
    """True when the action's core function exists (a face hides the actions still being built)."""
    module, _, function = action.run.partition(":")
    try:
        return callable(getattr(importlib.import_module(module), function, None))
    except ImportError:
        return False


__all__ = [
    "ACTIONS",
    "BOTH",
    "CLI_ONLY",
    "RIBBON_ONLY",
    "Action",
    "Face",
    "available",
    "get",
    "load",
    "shown_on",
]
