"""The command line: the same actions as the ribbon. Thin: parse, call an action, print."""

from __future__ import annotations

from sheetsync.cli import addin as _addin  # noqa: F401  (registers addin build, addin install)
from sheetsync.cli import check as _check  # noqa: F401  (registers check)
from sheetsync.cli import demo as _demo  # noqa: F401  (registers demo)
from sheetsync.cli import generate as _generate  # noqa: F401  (registers generate)
from sheetsync.cli import issue as _issue  # noqa: F401  (registers issue)
from sheetsync.cli import kpi as _kpi  # noqa: F401  (registers kpi)
from sheetsync.cli import mark as _mark  # noqa: F401  (registers mark, clear)
from sheetsync.cli import new as _new  # noqa: F401  (registers new)
from sheetsync.cli import remove as _remove  # noqa: F401  (registers remove)
from sheetsync.cli import status as _status  # noqa: F401  (registers status)
from sheetsync.cli import sync as _sync  # noqa: F401  (registers sync, history, report, pull)
from sheetsync.cli import upgrade as _upgrade  # noqa: F401  (registers upgrade)
from sheetsync.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
