"""The members of a zip package, read lazily, changed in memory or as streams, saved in one pass.

Big parts never need to sit in memory twice: a new part can be a stream of chunks, and a
worksheet whose end changes (a highlight) is kept as "the original up to byte N, then this
tail", copied through on save. Unchanged members are copied raw (`raw_zip`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sheetsync.findings import FileError
from sheetsync.io.raw_zip import copy_member

CHUNK = 1 << 20
_CLOSE_SHEET_DATA = re.compile(rb"</(?:[\w.-]+:)?sheetData>")
Stream = Callable[[], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class Patch:
    """The original part up to `offset`, then `tail`."""

    offset: int
    tail: bytes


class Parts:
    """Zip members by name; `save` writes them all, in the original order, new ones last."""

    def __init__(self, path: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise FileError("file-not-xlsx", f"{path.name}: not a readable .xlsx/.xlsm ({exc})") from exc
        self.changed: dict[str, bytes | Patch | Stream] = {}
        self.removed: set[str] = set()
        self.tails: dict[str, tuple[int, bytes]] = {}  # `sheet_tail` results, kept up to date

    def close(self) -> None:
        self.zip.close()

    def exists(self, name: str) -> bool:
        return name in self.changed or (name not in self.removed and name in self.zip.NameToInfo)

    def read(self, name: str) -> bytes:
        """The whole part (avoid on big sheets: see `sheet_tail`, `head`, `contains`)."""
        if name in self.removed:
            raise KeyError(name)
        data = self.changed.get(name)
        if isinstance(data, bytes):
            return data
        return b"".join(self.chunks(name))

    def chunks(self, name: str) -> Iterable[bytes]:
        """The part's bytes, streamed (as it will be saved)."""
        data = self.changed.get(name)
        if isinstance(data, bytes):
            yield data
        elif isinstance(data, Patch):
            with self.zip.open(name) as part:
                left = data.offset
                while left > 0 and (chunk := part.read(min(left, CHUNK))):
                    left -= len(chunk)
                    yield chunk
            yield data.tail
        elif data is not None:
            yield from data()
        else:
            with self.zip.open(name) as part:
                yield from iter(lambda: part.read(CHUNK), b"")

    def head(self, name: str, size: int = 1 << 16) -> bytes:
        """The first `size` bytes of a part."""
        kept = b""
        for chunk in self.chunks(name):
            kept += chunk
            if len(kept) >= size:
                break
        return kept[:size]

    def contains(self, name: str, pattern: re.Pattern[bytes], overlap: int = 64) -> bool:
        """Whether `pattern` (matching at most `overlap` bytes) occurs in the part, streamed."""
        window = b""
        for chunk in self.chunks(name):
            window = window[-overlap:] + chunk
            if pattern.search(window):
                return True
        return False

    def sheet_tail(self, name: str) -> tuple[int, bytes]:
        """(offset, bytes) of a worksheet from its closing </sheetData> on; (0, all) when none."""
        if name in self.tails:
            return self.tails[name]
        offset, kept, start = -1, b"", 0  # `start`: offset of kept[0] in the part
        for chunk in self.chunks(name):
            kept += chunk
            matches = list(_CLOSE_SHEET_DATA.finditer(kept, 1 if offset >= 0 else 0))
            if matches:
                found = matches[-1]
                start, kept, offset = start + found.start(), kept[found.start() :], start + found.start()
            elif offset < 0 and len(kept) > 64:
                start, kept = start + len(kept) - 64, kept[-64:]
        self.tails[name] = (offset, kept) if offset >= 0 else (0, self.read(name))
        return self.tails[name]

    def write(self, name: str, data: bytes) -> None:
        """Replace a part; writing back identical bytes leaves the member untouched."""
        info = self.zip.NameToInfo.get(name)
        current = self.changed.get(name)
        size = len(current) if isinstance(current, bytes) else info.file_size if info and not current else -1
        if size == len(data) and self.exists(name) and self.read(name) == data:
            return
        self.removed.discard(name)
        self.tails.pop(name, None)
        self.changed[name] = data

    def write_tail(self, name: str, offset: int, tail: bytes) -> None:
        """Keep the part up to `offset` and replace the rest by `tail` (see `sheet_tail`)."""
        current = self.changed.get(name)
        if isinstance(current, Patch) and offset >= current.offset:
            self.changed[name] = Patch(current.offset, current.tail[: offset - current.offset] + tail)
        elif current is not None or name not in self.zip.NameToInfo:
            self.write(name, self.read(name)[:offset] + tail)
        else:
            self.changed[name] = Patch(offset, tail)
        self.tails[name] = (offset, tail)

    def write_stream(self, name: str, stream: Stream) -> None:
        """A (new or replaced) part produced in chunks while saving."""
        self.removed.discard(name)
        self.tails.pop(name, None)
        self.changed[name] = stream

    def delete(self, name: str) -> None:
        self.changed.pop(name, None)
        self.tails.pop(name, None)
        self.removed.add(name)

    def save(self, out: IO[bytes]) -> None:
        """Write the package: unchanged members copied raw, changed ones compressed anew."""
        with zipfile.ZipFile(out, "w") as target:
            for info in self.zip.infolist():
                if info.filename in self.removed:
                    continue
                if info.filename in self.changed:
                    self._save_part(target, _like(info))
                else:
                    copy_member(self.zip, info, target)
            for name in [n for n in self.changed if n not in self.zip.NameToInfo]:
                entry = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                self._save_part(target, entry)

    def _save_part(self, target: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
        data = self.changed[entry.filename]
        if isinstance(data, bytes):
            target.writestr(entry, data)
            return
        if not isinstance(data, Patch):  # a generated stream (the Issues sheet): speed over size
            entry._compresslevel = 1  # type: ignore[attr-defined]
        with target.open(entry, "w") as member:
            for chunk in self.chunks(entry.filename):
                member.write(chunk)


def _like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A fresh ZipInfo with the name, date, attributes and compression of `info`."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    return copy
