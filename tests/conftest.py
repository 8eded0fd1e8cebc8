"""Shared fixtures.

`soffice`: the LibreOffice binary for tests marked `libreoffice`. Without it those tests are
skipped with the reason, unless SHEETSYNC_REQUIRE_ALL=1 (as in CI), where a missing tool fails.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

pytest_plugins = ("store_db",)  # store_url: SQLite and a throwaway PostgreSQL (the store tests)

_CACHE = tempfile.mkdtemp(prefix="sheetsync-test-cache-")


def pytest_configure(config: pytest.Config) -> None:
    """Keep the port-index cache of a test run out of the user's own cache folder."""
    os.environ.setdefault("SHEETSYNC_CACHE_DIR", _CACHE)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def soffice() -> Path:
    """Path to LibreOffice's `soffice`; skip (or fail under SHEETSYNC_REQUIRE_ALL=1) without it."""
    found = shutil.which("soffice")
    if found is None:
        reason = "LibreOffice (soffice) is not installed; install libreoffice-calc to run this test"
        if os.environ.get("SHEETSYNC_REQUIRE_ALL") == "1":
            pytest.fail(reason + " (SHEETSYNC_REQUIRE_ALL=1)")
        pytest.skip(reason)
    return Path(found)


@pytest.fixture(scope="session")
def uno_python() -> str:
    """A Python with LibreOffice's `uno` module (Debian: python3-uno), to drive LibreOffice; skip
    (or fail under SHEETSYNC_REQUIRE_ALL=1) without one."""
    import subprocess

    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0:
            return candidate
    reason = "no Python with LibreOffice's uno module; install python3-uno"
    if os.environ.get("SHEETSYNC_REQUIRE_ALL") == "1":
        pytest.fail(reason + " (SHEETSYNC_REQUIRE_ALL=1)")
    pytest.skip(reason)
