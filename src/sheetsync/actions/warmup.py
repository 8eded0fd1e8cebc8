"""Importing this module checks a small demo workbook once, to warm the checker's caches.

`isolate` preloads it in the forkserver, so each child forks with pandera's backends, code
lists and the rules already loaded (the first check in a fresh process costs ~1 s more than
the next ones; a forked child would otherwise pay that for every file).
"""

from __future__ import annotations

import datetime as dt
import gc
import tempfile
import warnings
from pathlib import Path

from sheetsync.actions.check import check_path
from sheetsync.demo import demo_rows
from sheetsync.demo.workbook import write_demo


def warm_up() -> None:
    """Write and check a 3-order demo workbook in a temporary folder.

    A failure only costs speed, so it is reported as a warning: an exception here would stop
    the forkserver, and with it every check of the batch.
    """
    today = dt.date(2026, 1, 15)
    with tempfile.TemporaryDirectory(prefix="sheetsync-warmup-") as folder:
        try:
            path = write_demo(Path(folder) / "warmup.xlsx", demo_rows(3, seed=1, today=today))
            check_path(path, today)
        except Exception as exc:
            warnings.warn(f"sheetsync warm-up failed, checks will be slower: {exc!r}", stacklevel=1)


warm_up()
gc.freeze()  # children need not scan (and so copy) the inherited objects
