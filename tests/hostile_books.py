"""Build hostile and odd workbook files in tests: OLE2 compound files, raw zips, zip bombs.

olefile cannot write and zipfile cannot store pre-deflated data or lie about sizes, so the
few bytes-level writers needed live here. Everything is built in the test, never committed.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from sheetsync.actions.check import check_findings
from sheetsync.finding_table import FindingTable

_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(
    name: str, kind: int, start: int, size: int, right: int = _NOSTREAM, child: int = _NOSTREAM
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded, len(encoded), kind, 1, _NOSTREAM, right, child, b"", 0, 0, 0, start, size,
    )  # fmt: skip


def ole_file(streams: Mapping[str, bytes]) -> bytes:
    """A version-3 compound file holding `streams` (each padded to 4 KiB: no mini stream)."""
    names = list(streams)
    data = [streams[n].ljust(4096, b"\0") for n in names]
    sizes = [len(d) // _SECTOR for d in data]
    fat = [_FATSECT, _END]
    for count in sizes:
        first = len(fat)
        fat += [*range(first + 1, first + count), _END]
    fat += [_FREE] * (128 - len(fat))
    entries = [_dir_entry("Root Entry", 5, _END, 0, child=1 if names else _NOSTREAM)]
    start = 2
    for i, (name, blob) in enumerate(zip(names, data, strict=True)):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        entries.append(_dir_entry(name, 2, start, len(blob), right=right))
        start += len(blob) // _SECTOR
    entries += [_dir_entry("", 0, _FREE, 0)] * (4 - len(entries) % 4 if len(entries) % 4 else 0)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"", 0x3E, 3, 0xFFFE, 9, 6, b"",
        0, 1, 1, 0, 4096, _END, 0, _END, 0,
    )  # fmt: skip
    header += struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108
    return header + struct.pack("<128I", *fat) + b"".join(entries) + b"".join(data)


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def sheet_xml(cells: Iterable[tuple[str, str]], dimension: str | None = None, head: str = SHEET_HEAD) -> str:
    """A worksheet with inline-string cells given as (A1 address, text)."""
    rows = "".join(
        f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
        f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'
        for ref, text in cells
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{head}{dim}<sheetData>{rows}</sheetData></worksheet>"


def ooxml_book(path: Path, sheet: str | bytes, sheet_name: str = "Orders", **extra: str | bytes) -> Path:
    """A minimal one-sheet .xlsx; `extra` adds parts by name (e.g. shared_strings=...)."""
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(name=sheet_name),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }
    parts |= {f"xl/{name.replace('shared_strings', 'sharedStrings')}.xml": v for name, v in extra.items()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return path


def _local(name: bytes, crc: int, packed: int, size: int) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, packed, size, len(name), 0) + name


def _central(name: bytes, crc: int, packed: int, size: int, offset: int) -> bytes:
    head = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, packed, size,
                       len(name), 0, 0, 0, 0, 0, offset)  # fmt: skip
    return head + name


def raw_zip(path: Path, members: Iterable[tuple[str, bytes, int, int]]) -> Path:
    """A zip of already-deflated members (name, deflated bytes, declared size, crc32)."""
    body, directory = b"", b""
    for name, packed, size, crc in members:
        raw = name.encode()
        directory += _central(raw, crc, len(packed), size, len(body))
        body += _local(raw, crc, len(packed), size) + packed
    count = directory.count(b"PK\x01\x02")
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


def deflated(text: str | bytes) -> tuple[bytes, int, int]:
    """Raw-deflate `text`: (packed bytes, size, crc32)."""
    data = text.encode() if isinstance(text, str) else text
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), len(data), zlib.crc32(data)


def bomb_stream(head: bytes, filler: bytes, repeats: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + filler * repeats + tail, built in milliseconds.

    Each full flush resets the compressor, so one compressed `filler` block can be repeated.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(filler) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(filler, crc)
    return start + block * repeats + end, len(head) + len(filler) * repeats + len(tail), zlib.crc32(tail, crc)


def bomb_book(path: Path, sheet_bytes: int, declared: int | None = None) -> Path:
    """A workbook whose sheet inflates to about `sheet_bytes` of whitespace (declared as given)."""
    head = SHEET_HEAD.encode() + b"<sheetData>"
    filler = b" " * (1 << 20)
    packed, size, crc = bomb_stream(head, filler, sheet_bytes >> 20, b"</sheetData></worksheet>")
    small = [
        ("[Content_Types].xml", *deflated(CONTENT_TYPES)),
        ("_rels/.rels", *deflated(ROOT_RELS)),
        ("xl/workbook.xml", *deflated(WORKBOOK.format(name="Orders"))),
        ("xl/_rels/workbook.xml.rels", *deflated(WORKBOOK_RELS)),
    ]
    members = [(n, p, s, c) for n, p, s, c in small]
    members.append(("xl/worksheets/sheet1.xml", packed, declared if declared is not None else size, crc))
    return raw_zip(path, members)


def million_row_book(path: Path, header: list[str], row: list[str | float], rows: int = 1_000_000) -> Path:
    """A one-sheet (Lines) book of `rows` data rows, its XML streamed (xlsxwriter takes minutes)."""
    letters = [chr(65 + i) for i in range(len(header))]

    def cell(letter: str, value: str | float) -> str:
        if value == "":
            return ""
        if isinstance(value, str):
            return f'<c r="{letter}%(r)d" t="inlineStr"><is><t>{value}</t></is></c>'
        return f'<c r="{letter}%(r)d"><v>{value}</v></c>'

    template = '<row r="%(r)d">' + "".join(cell(a, v) for a, v in zip(letters, row, strict=True)) + "</row>"
    head_row = "".join(cell(a, h) for a, h in zip(letters, header, strict=True)).replace("%(r)d", "1")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, content in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK.format(name="Lines")),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            zf.writestr(name, content)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'{SHEET_HEAD}<dimension ref="A1:{letters[-1]}{rows + 1}"/><sheetData>'.encode())
            fh.write(f'<row r="1">{head_row}</row>'.encode())
            for start in range(2, rows + 2, 10_000):
                block = "".join(template % {"r": r} for r in range(start, min(start + 10_000, rows + 2)))
                fh.write(block.encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def misbehave(path: Path, today: dt.date | None) -> FindingTable:
    """A check for `check_paths` children: aborts, hangs or balloons on files so named."""
    if "abort" in path.name:
        os.abort()
    if "hang" in path.name:
        time.sleep(600)
    if "balloon" in path.name:
        bytearray(16 << 30)  # far over any memory limit a test sets
    return check_findings(path, today)
