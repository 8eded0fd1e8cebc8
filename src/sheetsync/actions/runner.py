"""Check many workbooks, each in its own child process under a memory and a time limit.

A reader can abort the whole process (calamine aborts when a crafted sheet makes it allocate
hundreds of GB) or balloon memory; in a child that costs one file and the batch goes on.
Children fork from a forkserver that has already imported (and warmed) the checker, so a
file costs a fork, not a fresh interpreter: 0.1-0.2 s a file on a busy 2-core box, against
~0.5-1 s to check a small book. The cheap `precheck` runs first, in this process, so a
file it rejects never needs a child.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path

from sheetsync.actions.check import FileReport, check_path
from sheetsync.actions.crash import crash_error, limit_memory, timeout_error
from sheetsync.findings import FileError, Finding
from sheetsync.io.guard.safety import precheck

DEFAULT_MEM_LIMIT = 2 << 30
DEFAULT_TIME_LIMIT = 300.0  # the largest book precheck admits (10M cells) took 60-170 s here
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_PRELOAD = ["sheetsync.actions.check", "sheetsync.io.read.reader", "sheetsync.actions.warmup"]

Check = Callable[[Path, dt.date | None], FileReport]
Payload = tuple[list[Finding], tuple[str, str] | None]


def expand_paths(args: Sequence[Path]) -> list[Path]:
    """Files as given (missing ones too); folders -> their workbooks, recursively, sorted."""
    found: list[Path] = []
    for arg in args:
        found.extend(_workbooks_in(arg) if arg.is_dir() else [arg])
    return list(dict.fromkeys(found))


def _workbooks_in(folder: Path) -> list[Path]:
    """*.xlsx / *.xlsm under `folder`, skipping Excel lock files (~$*) and hidden files."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [
            Path(root, name)
            for name in files
            if name.lower().endswith(WORKBOOK_SUFFIXES) and not name.startswith((".", "~$"))
        ]
    return sorted(found)


def _child_main(conn: Connection, check: Check, path: Path, today: dt.date | None,
                mem_limit: int | None, log_path: str) -> None:  # fmt: skip
    """Run in the child: stderr to the log, cap memory, check, send back the outcome.

    An exception or abort ends the child; the parent reads how from the exit code and log.
    """
    os.dup2(os.open(log_path, os.O_WRONLY | os.O_APPEND), 2)
    limit_memory(mem_limit)
    report = check(path, today)
    error = (report.error.code, report.error.message) if report.error else None
    payload: Payload = (report.findings, error)
    conn.send(payload)
    conn.close()


class _Child:
    """One file being checked in a child process."""

    def __init__(self, ctx: mp.context.BaseContext, check: Check, path: Path, today: dt.date | None,
                 mem_limit: int | None, time_limit: float | None) -> None:  # fmt: skip
        fd, self.log_path = tempfile.mkstemp(prefix="sheetsync-", suffix=".log")
        os.close(fd)
        self.path, self.mem_limit, self.time_limit = path, mem_limit, time_limit
        self.conn, child_conn = ctx.Pipe(duplex=False)
        args = (child_conn, check, path, today, mem_limit, self.log_path)
        self.process = ctx.Process(target=_child_main, args=args, daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child_conn.close()
        self.deadline = time.monotonic() + time_limit if time_limit else None

    def outcome(self) -> FileReport | None:
        """The report once the child has answered, died or run out of time; else None."""
        exited = self.process.exitcode is not None  # before poll: a child sends, then exits
        if self.conn.poll():
            try:
                findings, error = self.conn.recv()
            except EOFError:
                return self._finish(self._crashed())
            return self._finish(FileReport(self.path, findings, FileError(*error) if error else None))
        if exited:
            return self._finish(self._crashed())
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.process.kill()
            return self._finish(FileReport(self.path, error=timeout_error(self.path, self.time_limit)))
        return None

    def _crashed(self) -> FileReport:
        self.process.join()
        with open(self.log_path, "rb") as fh:
            fh.seek(max(0, Path(self.log_path).stat().st_size - 8192))
            tail = fh.read().decode("utf-8", errors="replace")
        return FileReport(
            self.path, error=crash_error(self.path, tail, self.mem_limit, self.process.exitcode)
        )

    def _finish(self, report: FileReport) -> FileReport:
        self.process.join()
        self.conn.close()
        Path(self.log_path).unlink(missing_ok=True)
        return report

    def stop(self) -> None:
        """Kill the child and clean up (the batch was interrupted)."""
        self.process.kill()
        self._finish(FileReport(self.path))

    def waitables(self) -> list[object]:
        return [self.conn, self.process.sentinel]


def _context() -> mp.context.BaseContext:
    """The forkserver (modules preloaded once) where there is one, else spawn."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _prechecked(path: Path) -> FileReport | None:
    """A report right away when the cheap pre-check rejects the file.

    Should the pre-check itself fail on some odd file, the child meets the same failure (it
    runs the pre-check again) and reports it as one file's crash, with its cause.
    """
    try:
        precheck(path)
    except FileError as exc:
        return FileReport(path, error=exc)
    except Exception:
        return None
    return None


def check_paths(
    paths: Sequence[Path],
    today: dt.date | None = None,
    jobs: int = 1,
    on_done: Callable[[FileReport], None] | None = None,
    mem_limit: int | None = DEFAULT_MEM_LIMIT,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    check: Check = check_path,
) -> list[FileReport]:
    """Check every file, `jobs` at a time, each in a child; reports in input order.

    `check` runs in the child (a module-level function, so it can be pickled); tests pass one
    that aborts to prove a crash costs one file.
    """
    ctx = _context()
    reports: dict[int, FileReport] = {}
    pending = deque(enumerate(paths))
    running: dict[int, _Child] = {}

    def done(index: int, report: FileReport) -> None:
        reports[index] = report
        if on_done is not None:
            on_done(report)

    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                index, path = pending.popleft()
                if (early := _prechecked(path)) is not None:
                    done(index, early)
                else:
                    running[index] = _Child(ctx, check, path, today, mem_limit, time_limit)
            wait([w for child in running.values() for w in child.waitables()], timeout=0.5)  # type: ignore[misc]
            for index, child in list(running.items()):
                if (report := child.outcome()) is not None:
                    del running[index]
                    done(index, report)
    finally:
        for child in running.values():
            child.stop()
    return [reports[i] for i in range(len(paths))]


__all__ = ["DEFAULT_MEM_LIMIT", "DEFAULT_TIME_LIMIT", "check_paths", "expand_paths"]
