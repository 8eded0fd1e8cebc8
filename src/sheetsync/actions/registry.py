"""The one registry of actions: what each does, which faces show it, and the core function it runs.

Both faces are generated from or checked against this list: the CLI has one command per action
shown on `Face.CLI` (a test holds them in step), the Excel ribbon one button per action shown on
`Face.RIBBON` (its customUI XML is generated from here). Functions are named as
`"module:function"` and imported only when an action runs, so listing actions costs nothing.

How a face calls an action: it reads the book its own way (a file, or the live workbook through
the Excel port), calls `load(action)` with plain data, and applies the edits it gets back its own
way (`io.ooxml.apply_edits.write_edits` for files; the port for a live book).
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
    takes its changes out again.
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


ACTIONS: tuple[Action, ...] = (
    Action("check", "Check workbook", "Validate every row and list the findings; never writes to the book.",
           BOTH, "sheetsync.actions.check:check_book", group="Check", image="AcceptInvitation"),
    Action("mark", "Mark issues", "Write the Issues sheet and highlight each cell a finding points at.",
           BOTH, "sheetsync.actions.mark:mark", group="Check", image="HighlightTextColorPicker",
           writes=True, undo="clear"),
    Action("clear", "Clear marks", "Remove the Issues sheet and every highlight sheetsync added, exactly.",
           BOTH, "sheetsync.actions.mark:clear", group="Check", image="Clear", writes=True),
    Action("kpi", "KPI dashboard", "On-time delivery, OTIF, cycle times, fill rate and document accuracy.",
           BOTH, "sheetsync.reporting.kpi:compute_kpis", group="Report", image="ChartInsert"),
    Action("new", "New order tracker", "A blank order-tracking workbook in the standard layout.",
           BOTH, "sheetsync.workbook.template:build_template", group="Workbook", image="FileNew"),
    Action("demo", "Demo workbook", "A realistic filled workbook with the mistakes real teams make.",
           CLI_ONLY, "sheetsync.demo.workbook:write_demo", group="Workbook"),
    Action("sync", "Sync to store", "Load books into the team store, keep their history, report conflicts.",
           BOTH, "sheetsync.actions.sync:sync", group="Store", image="DatabaseSqlServer"),
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


__all__ = ["ACTIONS", "BOTH", "CLI_ONLY", "RIBBON_ONLY", "Action", "Face", "get", "load", "shown_on"]
