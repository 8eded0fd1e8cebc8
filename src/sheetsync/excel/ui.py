"""What the user sees of a click: the status bar, message boxes, and the once-only undo warning.

Excel clears its undo history whenever a macro changes a book, so the first time a user runs
an action that writes, it says so and names the action that takes the change out again. The
answer is remembered in `ribbon.json` in the user's sheetsync folder (`SHEETSYNC_CONFIG_DIR`,
else ~/.sheetsync): on macOS every click starts a fresh Python, so memory alone would not do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import xlwings as xw

from sheetsync.actions.registry import ACTIONS, Action

TITLE = "sheetsync"


def config_dir() -> Path:
    """The user's sheetsync folder."""
    return Path(os.environ.get("SHEETSYNC_CONFIG_DIR") or Path.home() / ".sheetsync")


def _state_file() -> Path:
    return config_dir() / "ribbon.json"


def warned() -> set[str]:
    """The actions whose undo warning the user has already accepted."""
    path = _state_file()
    if not path.is_file():
        return set()
    data = json.loads(path.read_text(encoding="utf-8"))
    return set(data.get("warned", []))


def _remember(name: str) -> None:
    path = _state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(warned() | {name})
    path.write_text(json.dumps({"warned": names}, indent=1), encoding="utf-8")


def undo_warning(action: Action) -> str:
    """The first-time warning for an action that writes: no Ctrl+Z, and what reverses it."""
    labels = {a.name: a.label for a in ACTIONS}
    if action.undo:
        reverse = f"{labels[action.undo]} takes these changes out again."
    else:
        undone = [a.label for a in ACTIONS if a.undo == action.name]
        reverse = f"{' / '.join(undone)} puts them back." if undone else "Save a copy first."
    return (
        f"{action.label} changes this workbook, and Excel cannot undo a macro: "
        f"its undo history (Ctrl+Z) is cleared.\n\n{reverse}\n\n"
        "Continue? (This is asked only once.)"
    )


class Ui:
    """The status bar and message boxes of the Excel running the click."""

    def __init__(self, app: xw.App) -> None:
        self.app = app

    def status(self, text: str | bool) -> None:
        self.app.status_bar = text

    def message(self, text: str, critical: bool = False) -> None:
        self.app.alert(text, TITLE, "ok", "critical" if critical else "info")

    def confirm(self, question: str) -> bool:
        """True when the user clicks OK."""
        return self.app.alert(question, TITLE, "ok_cancel", "info") == "ok"

    def confirm_first_write(self, action: Action) -> bool:
        """True to go ahead: already warned, or the user says OK to the warning now."""
        if action.name in warned():
            return True
        answer = self.app.alert(undo_warning(action), TITLE, "ok_cancel", "info")
        if answer != "ok":
            return False
        _remember(action.name)
        return True
