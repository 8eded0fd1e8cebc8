"""Zip members written from compressed bytes: copied as they are, or deflated ahead of time.

The standard library has no public call for either; we write a local header plus the raw
data, then register the entry so `ZipFile` writes it into the central directory. Copying
keeps a member's exact compressed form and costs no inflating and deflating; `deflate`
lets big parts be compressed on other threads while the zip is written in order.
"""

from __future__ import annotations

import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, cast

LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name and extra field lengths
_CHUNK = 1 << 20
_SPOOL = 64 << 20  # compressed bytes kept in memory before spilling to a temporary file


@dataclass(frozen=True, slots=True)
class Deflated:
    """A member's data, deflated: the compressed bytes (rewound), CRC-32 and uncompressed size."""

    data: IO[bytes]
    crc: int
    size: int
    compressed: int


def deflate(chunks: Iterable[bytes], level: int) -> Deflated:
    """Deflate `chunks` as `ZipFile` would at `level` (same bytes); zlib lets other threads run."""
    out = cast(IO[bytes], tempfile.SpooledTemporaryFile(max_size=_SPOOL))  # noqa: SIM115 (the caller closes it)
    try:
        engine = zlib.compressobj(level, zlib.DEFLATED, -15)
        crc = size = 0
        for chunk in chunks:
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
            out.write(engine.compress(chunk))
        out.write(engine.flush())
        compressed = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return Deflated(out, crc, size, compressed)


def _data_offset(fp: IO[bytes], info: zipfile.ZipInfo) -> int:
    fp.seek(info.header_offset)
    signature, name_length, extra_length = LOCAL_HEADER.unpack(fp.read(LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    return int(info.header_offset + LOCAL_HEADER.size + name_length + extra_length)


def _read(fp: IO[bytes], left: int, name: str) -> Iterator[bytes]:
    while left:
        chunk = fp.read(min(left, _CHUNK))
        if not chunk:
            raise zipfile.BadZipFile(f"{name} is truncated")
        left -= len(chunk)
        yield chunk


def _append(target: zipfile.ZipFile, entry: zipfile.ZipInfo, data: Iterable[bytes]) -> None:
    """Write `entry` (CRC and sizes set) and its compressed `data` at the end of `target`."""
    out = cast(IO[bytes], target.fp)
    entry.flag_bits &= ~0x08  # sizes go in the local header, no data descriptor
    out.seek(target.start_dir)
    entry.header_offset = out.tell()
    out.write(entry.FileHeader())
    for chunk in data:
        out.write(chunk)
    target.filelist.append(entry)
    target.NameToInfo[entry.filename] = entry
    target.start_dir = out.tell()
    target._didModify = True  # type: ignore[attr-defined]


def copy_member(source: zipfile.ZipFile, info: zipfile.ZipInfo, target: zipfile.ZipFile) -> None:
    """Append `info` from `source` to `target` (opened for writing) with its raw bytes."""
    src = cast(IO[bytes], source.fp)
    start = _data_offset(src, info)
    entry = zipfile.ZipInfo(info.filename, info.date_time)
    entry.compress_type = info.compress_type
    entry.external_attr, entry.internal_attr = info.external_attr, info.internal_attr
    entry.create_system = info.create_system
    entry.flag_bits = info.flag_bits
    entry.CRC, entry.compress_size, entry.file_size = info.CRC, info.compress_size, info.file_size
    src.seek(start)
    _append(target, entry, _read(src, info.compress_size, info.filename))


def write_deflated(target: zipfile.ZipFile, entry: zipfile.ZipInfo, done: Deflated) -> None:
    """Append `entry` to `target` with data deflated beforehand (`deflate`)."""
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.CRC, entry.compress_size, entry.file_size = done.crc, done.compressed, done.size
    try:
        _append(target, entry, iter(lambda: done.data.read(_CHUNK), b""))
    finally:
        done.data.close()
