"""Copy a zip member's compressed bytes as they are, without inflating and deflating them.

The standard library has no public call for this; we read the member's local header to find
its data and write a local header plus the raw data, then register the entry so `ZipFile`
writes it into the central directory. Faster than recompressing, and the member keeps its
exact compressed form.
"""

from __future__ import annotations

import struct
import zipfile
from typing import IO, cast

_LOCAL_HEADER = struct.Struct("<4s22xHH")
_CHUNK = 1 << 20


def _data_offset(fp: IO[bytes], info: zipfile.ZipInfo) -> int:
    fp.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(fp.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    return int(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)


def copy_member(source: zipfile.ZipFile, info: zipfile.ZipInfo, target: zipfile.ZipFile) -> None:
    """Append `info` from `source` to `target` (opened for writing) with its raw bytes."""
    src, out = cast(IO[bytes], source.fp), cast(IO[bytes], target.fp)
    start = _data_offset(src, info)
    entry = zipfile.ZipInfo(info.filename, info.date_time)
    entry.compress_type = info.compress_type
    entry.external_attr, entry.internal_attr = info.external_attr, info.internal_attr
    entry.create_system = info.create_system
    entry.flag_bits = info.flag_bits & ~0x08  # sizes go in the local header, no data descriptor
    entry.CRC, entry.compress_size, entry.file_size = info.CRC, info.compress_size, info.file_size
    out.seek(target.start_dir)  # type: ignore[attr-defined]
    entry.header_offset = out.tell()
    out.write(entry.FileHeader())
    src.seek(start)
    left = info.compress_size
    while left:
        chunk = src.read(min(left, _CHUNK))
        if not chunk:
            raise zipfile.BadZipFile(f"{info.filename} is truncated")
        out.write(chunk)
        left -= len(chunk)
    target.filelist.append(entry)
    target.NameToInfo[entry.filename] = entry
    target.start_dir = out.tell()  # type: ignore[attr-defined]
    target._didModify = True  # type: ignore[attr-defined]
