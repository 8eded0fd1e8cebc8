"""About sheetsync: the versions a support person asks for first."""

from __future__ import annotations

import platform
import sys


def about() -> str:
    """sheetsync's version, the workbook contract version, and the Python that runs it."""
    from sheetsync import __version__
    from sheetsync.contract import CONTRACT_VERSION

    return (
        f"sheetsync {__version__}\n"
        f"Workbook contract v{CONTRACT_VERSION}\n"
        f"Python {platform.python_version()} at {sys.executable}"
    )
