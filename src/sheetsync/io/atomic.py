"""One atomic output for every file sheetsync writes: reports, dashboard, template, demo, caches.

    with atomic_output(Path("report.xlsx")) as tmp:
        write_the_file(tmp)          # any writer that takes a path
    # now report.xlsx is the complete new file, or (on any exception) untouched

The file is written under a temporary name in the target's own folder (so the rename stays on
one file system), fsynced, then renamed over the target (`Path.replace`, atomic) and the folder
fsynced. A failure removes the temporary file. The temporary file gets the mode any new file
gets (the umask applies), not mkstemp's 0600. Book safety on top of this (lock file, changed
since read, backup) lives in `io.ooxml.safe_write`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_SUFFIX = ".sheetsync-tmp"


def temporary_beside(target: Path) -> Path:
    """A new empty file next to `target`, hidden, named so that a stray one is recognisable."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}{TMP_SUFFIX}")
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"no free temporary name beside {target}")


@contextmanager
def atomic_output(target: Path, *, sync: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; on a normal exit it replaces `target` atomically.

    `sync=False` skips the fsyncs, for caches that can be rebuilt.
    """
    target = Path(target)
    tmp = temporary_beside(target)
    try:
        yield tmp
        replace(tmp, target, sync=sync)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def replace(tmp: Path, target: Path, *, sync: bool = True) -> None:
    """The last step of `atomic_output`, for writers that decide at the end (`io.ooxml.safe_write`):
    fsync `tmp`, rename it over `target`, fsync the folder."""
    if sync:
        _fsync(tmp)
    tmp.replace(target)
    if sync:
        sync_folder(target.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = ["TMP_SUFFIX", "atomic_output", "replace", "sync_folder", "temporary_beside"]
