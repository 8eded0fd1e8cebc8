"""What to tell the user when a child checking a file dies, runs out of memory or of time."""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path

from sheetsync.findings import FileError

# Rust's "memory allocation of N bytes failed", Python's MemoryError, C/C++ allocators.
_OUT_OF_MEMORY = re.compile(
    r"memory allocation of \d+ bytes failed|MemoryError|Cannot allocate memory|out of memory|bad_alloc",
    re.IGNORECASE,
)


def limit_memory(limit: int | None) -> None:
    """Cap this process's address space (where the platform allows it)."""
    if limit and sys.platform != "win32":
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _size(limit: int | None) -> str:
    return f"{limit / (1 << 30):.1f} GB" if limit else "the available memory"


def _last_line(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    first_rust = next((line for line in lines if "panicked at" in line or "allocation" in line), None)
    return (first_rust or (lines[-1] if lines else ""))[:200]


def crash_error(path: Path, log: str, mem_limit: int | None, exitcode: int | None = None) -> FileError:
    """file-too-large when the child ran out of memory, else file-corrupt naming how it died."""
    killed = exitcode is not None and exitcode == -signal.SIGKILL
    if killed or _OUT_OF_MEMORY.search(log):
        return FileError(
            "file-too-large",
            f"{path}: checking it needs more than {_size(mem_limit)} of memory; "
            "split the workbook or delete unused cells.",
        )
    by_signal = exitcode is not None and exitcode < 0
    how = f"signal {signal.Signals(-exitcode).name}" if by_signal and exitcode else f"exit {exitcode}"
    detail = _last_line(log)
    # A reader dying on a signal is a fault in the reader that this file triggers: the file may be
    # damaged or may merely be unusual, so the user gets both the way out and where to report it.
    advice = (
        "the file is damaged or unusual: open it in Excel and save it again; if it still fails, "
        "please report it as a sheetsync bug with this message"
        if by_signal
        else "the file is probably damaged: open it in Excel and save it again"
    )
    return FileError(
        "file-corrupt",
        f"{path}: the reader crashed on it ({how}{': ' + detail if detail else ''}); {advice}.",
    )


def timeout_error(path: Path, time_limit: float | None) -> FileError:
    """The child was stopped after the time limit."""
    return FileError(
        "file-timeout",
        f"{path}: checking took longer than {time_limit or 0:.0f} s and was stopped; "
        "split the workbook or raise the time limit.",
    )
