"""Write a workbook safely: atomic replace, a backup, and refusals that leave the book as it was.

A write goes through `io.atomic.atomic_output` (a temporary file in the book's own folder,
fsynced, renamed over the target). Before the rename: no Excel lock file
(`~$name.xlsx`) may sit next to the target, and the source must be unchanged since it was read
(size, mtime and SHA-256). Any failure removes the temporary file; the book is untouched.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sheetsync.findings import WRITE_ERRORS, FileError
from sheetsync.io.atomic import atomic_output


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a file looked like when it was read."""

    size: int
    mtime_ns: int
    sha256: str


def snapshot(path: Path) -> Snapshot:
    """Size, modification time and SHA-256 of `path` now."""
    try:
        info = path.stat()
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError as exc:
        raise FileError("file-vanished", f"{path.name}: {WRITE_ERRORS['file-vanished']}") from exc
    return Snapshot(info.st_size, info.st_mtime_ns, digest.hexdigest())


def lock_file(path: Path) -> Path | None:
    """The Excel owner file (`~$Book.xlsx`, or `~$ok.xlsx` for long names) next to `path`."""
    for name in (f"~${path.name}", f"~${path.name[2:]}"):
        candidate = path.with_name(name)
        if candidate.exists():
            return candidate
    return None


def backup_path(path: Path) -> Path:
    """Where the previous version is kept: `Book.bak.xlsx` next to `Book.xlsx`."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def _refuse_unless_writable(target: Path) -> None:
    if lock_file(target) is not None:
        raise FileError("file-locked", f"{target.name}: {WRITE_ERRORS['file-locked']}")
    if target.exists() and not target.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise FileError("file-read-only", f"{target.name}: {WRITE_ERRORS['file-read-only']}")


def _os_error(target: Path, exc: OSError) -> FileError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        code = "file-disk-full"
    elif isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.EACCES):
        code = "file-read-only"
    elif isinstance(exc, FileNotFoundError):
        code = "file-vanished"
    else:
        code = "file-write-failed"
    return FileError(code, f"{target.name}: {WRITE_ERRORS[code]} ({exc.strerror or exc})")


def write_safely(
    source: Path,
    target: Path,
    produce: Callable[[IO[bytes]], None],
    read_as: Snapshot,
    backup: bool = True,
) -> Path | None:
    """Write `target` (may be `source`) with `produce`, atomically; return the backup path."""
    _refuse_unless_writable(target)
    try:
        with atomic_output(target) as tmp:
            with tmp.open("wb") as out:
                produce(out)
            if snapshot(source) != read_as:
                raise FileError("file-changed", f"{source.name}: {WRITE_ERRORS['file-changed']}")
            _refuse_unless_writable(target)
            kept = _keep_backup(target) if backup and target.exists() else None
            shutil.copymode(source, tmp)
        return kept
    except OSError as exc:
        raise _os_error(target, exc) from exc


def _keep_backup(target: Path) -> Path:
    """Keep the current version as `Book.bak.xlsx`: a hard link (instant), else a copy."""
    kept = backup_path(target)
    kept.unlink(missing_ok=True)
    try:
        os.link(target, kept)
    except OSError:  # no hard links here (some network shares): copy instead
        shutil.copy2(target, kept)
    return kept
