"""Write a workbook safely: atomic replace, a backup, and refusals that leave the book as it was.

A write goes to a temporary file in the book's own folder, is fsynced, then renamed over the
target (`io.atomic`: `temporary_beside`, `replace`). In a folder OneDrive, SharePoint or Dropbox
keeps in sync (`synced`), the finished and re-read temporary file is instead copied over the
book itself, which keeps its version history but is not atomic: a crash mid-copy leaves a
damaged book, and the backup (a copy, then) is what to restore. Before the rename: no Excel lock file
(`~$name.xlsx`) may sit next to the target, and the source must be unchanged since it was read
(size, mtime and SHA-256). Any failure removes the temporary file; the book is untouched.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sheetsync.findings import WRITE_ERRORS, FileError
from sheetsync.io.atomic import replace, temporary_beside
from sheetsync.io.ooxml.synced import synced_by


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
    tmp: Path | None = None
    try:
        tmp = temporary_beside(target)
        with tmp.open("wb") as out:
            produce(out)
            out.flush()
            os.fsync(out.fileno())
        if snapshot(source) != read_as:
            raise FileError("file-changed", f"{source.name}: {WRITE_ERRORS['file-changed']}")
        _refuse_unless_writable(target)
        if target.exists() and synced_by(target):
            kept = _keep_backup(target, copy=True) if backup else None
            _overwrite(tmp, target)
            return kept
        kept = _keep_backup(target) if backup and target.exists() else None
        shutil.copymode(source, tmp)
        replace(tmp, target)
        tmp = None
        return kept
    except OSError as exc:
        raise _os_error(target, exc) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _keep_backup(target: Path, copy: bool = False) -> Path:
    """Keep the current version as `Book.bak.xlsx`: a hard link (instant), else (or when the
    file itself will be overwritten, `copy`) a copy."""
    kept = backup_path(target)
    kept.unlink(missing_ok=True)
    try:
        if copy:
            raise OSError("the book is overwritten in place: a link would change with it")
        os.link(target, kept)
    except OSError:  # no hard links here (some network shares): copy instead
        shutil.copy2(target, kept)
    return kept


def _overwrite(new: Path, target: Path) -> None:
    """Write `new`'s bytes over `target` itself, once `new` is complete and reads back as a
    sound zip: in a synced folder the file keeps its identity, and so its version history."""
    with zipfile.ZipFile(new) as book:
        bad = book.testzip()
    if bad is not None:
        raise FileError(
            "file-write-failed",
            f"{target.name}: {WRITE_ERRORS['file-write-failed']} ({bad} reads back wrong)",
        )
    with new.open("rb") as source, target.open("r+b") as out:
        shutil.copyfileobj(source, out, 1 << 20)
        out.truncate()
        out.flush()
        os.fsync(out.fileno())
