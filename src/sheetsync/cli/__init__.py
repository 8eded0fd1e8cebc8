"""The command line: the same actions as the ribbon. Thin: parse, call an action, print."""

from __future__ import annotations

from sheetsync.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
