"""The members of a zip package, read lazily, changed in memory or as streams, saved in one pass.

Big parts never need to sit in memory twice: a new part can be a stream of chunks, and a
worksheet whose end changes (a highlight) is kept as "the original up to byte N, then this
tail", copied through on save. Unchanged members are copied raw (`raw_zip`).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from sheetsync.findings import FileError
from sheetsync.io.ooxml.raw_zip import LOCAL_HEADER as _LOCAL_HEADER
from sheetsync.io.ooxml.raw_zip import Deflated, copy_member, deflate, write_deflated

CHUNK = 1 << 20
_CLOSE_SHEET_DATA = re.compile(rb"</(?:[\w.-]+:)?sheetData>")
_OVERLAP = 64  # longer than any `</prefix:sheetData>` a real book writes
Stream = Callable[[], Iterable[bytes]]


def _last_close(data: bytes) -> int:
    """Where the last `</sheetData>` (any namespace prefix) starts in `data`, or -1."""
    at = data.rfind(b"sheetData>")
    while at >= 0:
        closing = list(_CLOSE_SHEET_DATA.finditer(data, max(at - _OVERLAP, 0), at + 10))
        if closing:
            return closing[-1].start()
        at = data.rfind(b"sheetData>", 0, at)
    return -1


@dataclass(frozen=True, slots=True)
class Patch:
    """The original part up to `offset`, then `tail`."""

    offset: int
    tail: bytes


class Parts:
    """Zip members by name; `save` writes them all, in the original order, new ones last."""

    def __init__(self, path: Path) -> None:
        self.path = path
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

    def read_small(self, names: Iterable[str]) -> dict[str, bytes]:
        """Many small parts whole, by name, in one pass over the file (hundreds of document tabs).

        Each member's compressed bytes are read in file order and inflated no further than
        the size the zip directory declares; a member that inflates past it, or whose CRC-32
        differs, is damaged (`BadZipFile`), as `ZipFile.read` would say. Changed parts and
        members stored any other way than plain or deflated are read the ordinary way.
        """
        out: dict[str, bytes] = {}
        direct: list[zipfile.ZipInfo] = []
        for name in dict.fromkeys(names):
            info = self.zip.NameToInfo.get(name)
            if name in self.changed or name in self.removed or info is None or info.flag_bits & 0x1:
                out[name] = self.read(name)
            elif info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                direct.append(info)
            else:
                out[name] = self.read(name)
        if not direct:
            return out
        with open(self.path, "rb") as fh:
            for info in sorted(direct, key=lambda i: i.header_offset):
                fh.seek(info.header_offset)
                head = fh.read(_LOCAL_HEADER.size)
                if len(head) < _LOCAL_HEADER.size:
                    raise zipfile.BadZipFile(f"{info.filename}: truncated local header")
                signature, name_length, extra_length = _LOCAL_HEADER.unpack(head)
                if signature != b"PK\x03\x04":
                    raise zipfile.BadZipFile(f"bad local header for {info.filename}")
                fh.seek(name_length + extra_length, 1)
                raw = fh.read(info.compress_size)
                if len(raw) < info.compress_size:
                    raise zipfile.BadZipFile(f"{info.filename} is truncated")
                if info.compress_type == zipfile.ZIP_STORED:
                    data = raw
                else:
                    # one byte past the declared size at most: a bomb that lies about it stops there
                    data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
                if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
                    raise zipfile.BadZipFile(f"Bad CRC-32 or size for {info.filename}")
                out[info.filename] = data
        return out

    def chunks(self, name: str, source: zipfile.ZipFile | None = None) -> Iterable[bytes]:
        """The part's bytes, streamed (as it will be saved); `source`: another handle on the book."""
        source = source or self.zip
        data = self.changed.get(name)
        if isinstance(data, bytes):
            yield data
        elif isinstance(data, Patch):
            with source.open(name) as part:
                left = data.offset
                while left > 0 and (chunk := part.read(min(left, CHUNK))):
                    left -= len(chunk)
                    yield chunk
            yield data.tail
        elif data is not None:
            yield from data()
        else:
            with source.open(name) as part:
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

    def matches(self, name: str, pattern: re.Pattern[bytes], overlap: int = 64) -> set[bytes]:
        """The first group of every match of `pattern` (at most `overlap` bytes long), streamed."""
        found: set[bytes] = set()
        window = b""
        for chunk in self.chunks(name):
            data = window + chunk
            found.update(m.group(1) for m in pattern.finditer(data))
            window = data[-overlap:]
        return found

    def sheet_tail(self, name: str) -> tuple[int, bytes]:
        """(offset, bytes) of a worksheet from its closing </sheetData> on; (0, all) when none.

        Streams the part once, looking only for the last `sheetData>` of each chunk (a plain
        byte search): a 250 MB sheet costs its inflation and little more.
        """
        if name in self.tails:
            return self.tails[name]
        found, tail = -1, bytearray()  # part offset of the last </sheetData> so far; the part from it
        window, seen = b"", 0  # the bytes just before this chunk (a tag cut in two); bytes before it
        for chunk in self.chunks(name):
            data = window + chunk
            start = seen - len(window)
            hit = _last_close(data)
            if hit >= 0 and start + hit > found:
                found, tail = start + hit, bytearray(data[hit:])
            elif found >= 0:
                tail += chunk
            window, seen = data[-_OVERLAP:], seen + len(chunk)
        self.tails[name] = (found, bytes(tail)) if found >= 0 else (0, self.read(name))
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
        """Write the package: unchanged members copied raw, changed ones compressed anew.

        Big changed parts (a marked sheet, the Issues sheet) are deflated on worker threads
        while the members are written in their original order: zlib and Arrow let go of the
        interpreter, so on two cores the marked sheet compresses while the Issues sheet renders.
        """
        big = [name for name, data in self.changed.items() if not isinstance(data, bytes)]
        with ThreadPoolExecutor(max_workers=max(1, min(len(big), 2))) as pool:
            ready = {name: pool.submit(self._deflate, name) for name in big}
            try:
                self._write_members(out, ready)
            finally:
                for future in ready.values():
                    future.cancel()
                for future in ready.values():
                    if not future.cancelled() and future.exception() is None:
                        future.result().data.close()

    def _write_members(self, out: IO[bytes], ready: dict[str, Future[Deflated]]) -> None:
        with zipfile.ZipFile(out, "w") as target:
            for info in self.zip.infolist():
                if info.filename in self.removed:
                    continue
                if info.filename in ready:
                    write_deflated(target, _like(info), ready[info.filename].result())
                elif info.filename in self.changed:
                    target.writestr(_like(info), cast(bytes, self.changed[info.filename]))
                else:
                    copy_member(self.zip, info, target)
            for name in [n for n in self.changed if n not in self.zip.NameToInfo]:
                entry = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                if name in ready:
                    write_deflated(target, entry, ready[name].result())
                else:
                    target.writestr(entry, cast(bytes, self.changed[name]))

    def _deflate(self, name: str) -> Deflated:
        """A big changed part, deflated (on a worker thread, reading through its own handle).

        A generated stream (the Issues sheet) favours speed over size (level 1); a user's
        sheet keeps zlib's default level, as `ZipFile` writes it.
        """
        data = self.changed[name]
        level = zlib.Z_DEFAULT_COMPRESSION if isinstance(data, Patch) else 1
        with zipfile.ZipFile(self.path) as own:
            return deflate(self.chunks(name, own), level)


def _like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A fresh ZipInfo with the name, date, attributes and compression of `info`."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    return copy
