"""The action registry and the faces built from it stay in step."""

from __future__ import annotations

import pytest
import typer.main

from sheetsync.actions.registry import ACTIONS, Face, get, load, shown_on
from sheetsync.cli import app


def _cli_commands() -> set[str]:
    group = typer.main.get_group(app)
    return set(group.commands)


def test_every_cli_action_is_a_command_and_every_command_an_action() -> None:
    assert {a.name for a in shown_on(Face.CLI)} == _cli_commands()


def test_every_action_names_a_function_that_exists() -> None:
    for action in ACTIONS:
        assert callable(load(action)), action.name


def test_an_action_that_writes_names_its_undo_or_is_the_undo() -> None:
    undoers = {a.undo for a in ACTIONS if a.undo}
    for action in ACTIONS:
        if action.writes:
            assert action.undo in {a.name for a in ACTIONS} or action.name in undoers or action.final, (
                action.name
            )


def test_unknown_action_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: check, mark"):
        get("explode")
