"""Run an action on many workbooks, each in its own child process under a memory and a time limit.

A reader can abort the whole process (calamine aborts when a crafted sheet makes it allocate
hundreds of GB) or balloon memory; in a child that costs one file and the batch goes on. Every
command that reads a user's book goes through `run_isolated`:

    outcomes = run_isolated(paths, work=check_columns, args=(today,), jobs=2)
    for outcome in outcomes:  # in input order
        outcome.path, outcome.result, outcome.error  # result of work(path, *args), or a FileError

`work` is a module-level function (children get it by name); it may raise `FileError`, which
comes back as `outcome.error`. Any other exception, an abort, running out of memory or of time
becomes the `FileError` that `actions.crash` words for it. Results come back pickled: keep them
small and flat (findings travel as columns, `FindingTable`, never as objects).

Children fork from the parent itself when it is safe (Linux, no Arrow threads started here yet):
they start with the parent's imports, so a file costs a fork. Elsewhere they come from a
forkserver that imported the action once. The cheap `precheck` runs first, in this process, so
a file it rejects never needs a child.
"""

from __future__ import annotations

import faulthandler
import gc
import importlib
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy  # noqa: F401  (its idle threads start now: see _IDLE_THREADS)
import pyarrow  # noqa: F401  (likewise)

from sheetsync.actions.crash import crash_error, limit_memory, timeout_error
from sheetsync.findings import FileError
from sheetsync.io.guard.safety import precheck

# Address space, not resident memory: marking 670,000 findings peaks at 1.5 GB resident but maps
# 3.3 GB. The limit is there to stop a runaway reader (a crafted sheet asks for 100s of GB).
DEFAULT_MEM_LIMIT = 6 << 30
DEFAULT_TIME_LIMIT = 300.0  # the largest book precheck admits (10M cells) took 60-170 s here
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_PRELOAD = ["sheetsync.actions.check", "sheetsync.io.read.reader", "sheetsync.actions.warmup"]

R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What became of one file: the work's result, or why there is none."""

    path: Path
    result: R | None = None
    error: FileError | None = None


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


def _child_main(conn: Connection, work: Callable[..., Any], path: Path, args: tuple[Any, ...],
                mem_limit: int | None, log_path: str) -> None:  # fmt: skip
    """Run in the child: stderr to the log, cap memory, work, send back the outcome.

    A FileError is an answer; any other exception or an abort ends the child, and the parent
    reads how from the exit code and the log.
    """
    os.dup2(os.open(log_path, os.O_WRONLY | os.O_APPEND), 2)
    os.environ["RUST_BACKTRACE"] = "0"  # a panic's first line says what happened; no backtrace
    faulthandler.disable()  # a fork inherits the parent's (pytest's): its dump is not the child's story
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115  (Python's own writes go to the log too)
    limit_memory(mem_limit)
    try:
        payload: tuple[str, Any] = ("ok", work(path, *args))
    except FileError as exc:
        payload = ("error", (exc.code, exc.message))
    conn.send(payload)
    conn.close()


class _Child:
    """One file being worked on in a child process."""

    def __init__(self, ctx: mp.context.BaseContext, work: Callable[..., Any], path: Path,
                 args: tuple[Any, ...], mem_limit: int | None, time_limit: float | None) -> None:  # fmt: skip
        fd, self.log_path = tempfile.mkstemp(prefix="sheetsync-", suffix=".log")
        os.close(fd)
        self.path, self.mem_limit, self.time_limit = path, mem_limit, time_limit
        self.conn, child_conn = ctx.Pipe(duplex=False)
        child_args = (child_conn, work, path, args, mem_limit, self.log_path)
        self.process = ctx.Process(target=_child_main, args=child_args, daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child_conn.close()
        self.deadline = time.monotonic() + time_limit if time_limit else None

    def outcome(self) -> Outcome[Any] | None:
        """The outcome once the child has answered, died or run out of time; else None."""
        exited = self.process.exitcode is not None  # before poll: a child sends, then exits
        if self.conn.poll():
            try:
                status, value = self.conn.recv()
            except EOFError:
                return self._finish(self._crashed())
            if status == "error":
                return self._finish(Outcome(self.path, error=FileError(*value)))
            return self._finish(Outcome(self.path, result=value))
        if exited:
            return self._finish(self._crashed())
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.process.kill()
            return self._finish(Outcome(self.path, error=timeout_error(self.path, self.time_limit)))
        return None

    def _crashed(self) -> Outcome[Any]:
        self.process.join()
        with open(self.log_path, "rb") as fh:
            head = fh.read(8192)
            fh.seek(max(fh.tell(), Path(self.log_path).stat().st_size - 8192))
            log = (head + b"\n" + fh.read()).decode("utf-8", errors="replace")
        return Outcome(self.path, error=crash_error(self.path, log, self.mem_limit, self.process.exitcode))

    def _finish(self, outcome: Outcome[Any]) -> Outcome[Any]:
        self.process.join()
        self.conn.close()
        Path(self.log_path).unlink(missing_ok=True)
        return outcome

    def stop(self) -> None:
        """Kill the child and clean up (the batch was interrupted)."""
        self.process.kill()
        self._finish(Outcome(self.path))

    def waitables(self) -> list[object]:
        return [self.conn, self.process.sentinel]


def _threads() -> int | None:
    """How many threads this process runs now; None where that cannot be told (not Linux)."""
    try:
        return len(list(Path("/proc/self/task").iterdir()))
    except OSError:
        return None


# The threads that importing numpy and pyarrow starts (above) and that sit idle: OpenBLAS'
# workers, jemalloc's background thread. Forking beside them is safe, as the forkserver always
# did. More than these means some library started working threads (Arrow's pool, a progress
# bar): fork no more. (Counted when this module is imported, before any book is read here.)
_IDLE_THREADS = _threads()


def _only_idle_threads() -> bool:
    """Whether this process runs no more threads than importing numpy and pyarrow started."""
    now = _threads()
    return sys.platform == "linux" and now is not None and _IDLE_THREADS is not None and now <= _IDLE_THREADS


def _context(paths: int) -> mp.context.BaseContext:
    """Fork this process where that is safe; else a forkserver (modules preloaded once); else spawn.

    A fork starts with what this process imported, so it imports the checker first; for a
    batch it also warms it up once (the first check in a process costs more than the next).
    """
    methods = mp.get_all_start_methods()
    if "fork" in methods and _only_idle_threads():
        for module in _PRELOAD if paths > 2 else _PRELOAD[:-1]:
            importlib.import_module(module)
        if _only_idle_threads():
            gc.freeze()  # children need not scan (and so copy) what they inherit
            return mp.get_context("fork")
    if "forkserver" not in methods:
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _prechecked(path: Path) -> FileError | None:
    """The error right away when the cheap pre-check rejects the file.

    Should the pre-check itself fail on some odd file, the child meets the same failure (the
    readers run it again) and reports it as one file's crash, with its cause.
    """
    try:
        precheck(path)
    except FileError as exc:
        return exc
    except Exception:
        return None
    return None


def run_isolated(
    paths: Sequence[Path],
    work: Callable[..., R],
    args: tuple[Any, ...] = (),
    jobs: int = 1,
    on_done: Callable[[Outcome[R]], None] | None = None,
    mem_limit: int | None = DEFAULT_MEM_LIMIT,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> list[Outcome[R]]:
    """`work(path, *args)` for every file, `jobs` at a time, each in a child; outcomes in input order.

    `work` must be a module-level function (importable by name) and its result picklable.
    """
    ctx = _context(len(paths))
    outcomes: dict[int, Outcome[R]] = {}
    pending = deque(enumerate(paths))
    running: dict[int, _Child] = {}

    def done(index: int, outcome: Outcome[R]) -> None:
        outcomes[index] = outcome
        if on_done is not None:
            on_done(outcome)

    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                index, path = pending.popleft()
                if (early := _prechecked(path)) is not None:
                    done(index, Outcome(path, error=early))
                else:
                    running[index] = _Child(ctx, work, path, args, mem_limit, time_limit)
            wait([w for child in running.values() for w in child.waitables()], timeout=0.5)  # type: ignore[misc]
            for index, child in list(running.items()):
                if (outcome := child.outcome()) is not None:
                    del running[index]
                    done(index, outcome)
    finally:
        for child in running.values():
            child.stop()
    return [outcomes[i] for i in range(len(paths))]


__all__ = ["DEFAULT_MEM_LIMIT", "DEFAULT_TIME_LIMIT", "Outcome", "expand_paths", "run_isolated"]
