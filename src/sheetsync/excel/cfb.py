"""A small MS-CFB (compound file, version 3) writer: storages and streams in, bytes out.

Enough for a vbaProject.bin: 512-byte sectors, a mini stream for streams under 4,096 bytes,
one FAT of at most 109 sectors (files up to ~7 MB), directory siblings as a balanced
red-black tree. No timestamps and no CLSIDs, so the same streams always give the same bytes.

Why not a package: cfbwrite is AGPL, cfb (rembish) only reads, ms-cfb is a 0.0.x release
with a red-black-tree dependency; this is ~150 lines checked against olefile in the tests.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
MAX_FAT_SECTORS = 109  # those the header's DIFAT holds


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _order(name: str) -> tuple[int, str]:
    """CFB's sibling order: shorter names first, then by upper-cased characters."""
    return len(name), name.upper()


def _tree(entries: list[_Entry], ids: dict[int, int]) -> int:
    """Link sorted siblings as a balanced tree; colour the incomplete deepest level red."""
    ordered = sorted(entries, key=lambda e: _order(e.name))
    depth: dict[int, int] = {}

    def build(lo: int, hi: int, level: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depth[id(node)] = level
        node.left = build(lo, mid, level + 1)
        node.right = build(mid + 1, hi, level + 1)
        return ids[id(node)]

    root = build(0, len(ordered), 0)
    if ordered:
        deepest = max(depth.values())
        full = len(ordered) == 2 ** (deepest + 1) - 1
        for node in ordered:
            node.color = RED if depth[id(node)] == deepest and not full and deepest > 0 else BLACK
    return root


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else ENDOFCHAIN


def _sectors(n_bytes: int, size: int) -> int:
    return -(-n_bytes // size)


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams`, keyed by '/'-separated paths ('VBA/dir')."""
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        *folders, name = path.split("/")
        node = root
        for folder in folders:
            node = node.children.setdefault(folder, _Entry(folder, STORAGE))
        node.children[name] = _Entry(name, STREAM, data, size=len(data))

    entries: list[_Entry] = []

    def walk(node: _Entry) -> None:
        entries.append(node)
        for child in sorted(node.children.values(), key=lambda e: _order(e.name)):
            walk(child)

    walk(root)
    ids = {id(e): i for i, e in enumerate(entries)}
    for e in entries:
        if e.children:
            e.child = _tree(list(e.children.values()), ids)
    root.color = BLACK

    small = [e for e in entries if e.kind == STREAM and e.size < MINI_CUTOFF]
    big = [e for e in entries if e.kind == STREAM and e.size >= MINI_CUTOFF]
    mini_stream = bytearray()
    minifat: list[int] = []
    for e in small:
        if not e.size:
            e.start = ENDOFCHAIN
            continue
        e.start = len(minifat)
        count = _sectors(e.size, MINI_SECTOR)
        minifat.extend([FREESECT] * count)
        _chain(minifat, e.start, count)
        mini_stream += e.data.ljust(count * MINI_SECTOR, b"\0")
    root.size = len(mini_stream)

    n_minifat = _sectors(len(minifat) * 4, SECTOR)
    n_dir = _sectors(len(entries) * 128, SECTOR)
    n_mini = _sectors(len(mini_stream), SECTOR)
    n_big = [_sectors(e.size, SECTOR) for e in big]
    payload = n_minifat + n_dir + n_mini + sum(n_big)
    n_fat = 1
    while n_fat * (SECTOR // 4) < payload + n_fat:
        n_fat += 1
    if n_fat > MAX_FAT_SECTORS:
        raise ValueError("the compound file would need a DIFAT: more than ~7 MB of streams")

    fat = [FREESECT] * (n_fat * SECTOR // 4)
    for i in range(n_fat):
        fat[i] = FATSECT
    at = n_fat
    minifat_start = at if n_minifat else ENDOFCHAIN
    _chain(fat, at, n_minifat)
    at += n_minifat
    dir_start = at
    _chain(fat, at, n_dir)
    at += n_dir
    root.start = at if n_mini else ENDOFCHAIN
    _chain(fat, at, n_mini)
    at += n_mini
    for e, count in zip(big, n_big, strict=True):
        e.start = at
        _chain(fat, at, count)
        at += count

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, dir_start, 0, MINI_CUTOFF, minifat_start, n_minifat, ENDOFCHAIN, 0,
    )  # fmt: skip
    difat = list(range(n_fat)) + [FREESECT] * (MAX_FAT_SECTORS - n_fat)
    header += struct.pack("<109I", *difat)

    unused = n_dir * SECTOR // 128 - len(entries)
    directory = b"".join(_dir_entry(e) for e in entries) + _dir_entry(None) * unused

    body = [
        struct.pack(f"<{len(fat)}I", *fat),
        struct.pack(f"<{len(minifat)}I", *minifat).ljust(n_minifat * SECTOR, b"\xff"),
        directory,
        bytes(mini_stream).ljust(n_mini * SECTOR, b"\0"),
        *(e.data.ljust(count * SECTOR, b"\0") for e, count in zip(big, n_big, strict=True)),
    ]
    return header + b"".join(body)


def _dir_entry(e: _Entry | None) -> bytes:
    if e is None:
        return struct.pack(
            "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0
        )
    name = e.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"a compound-file name is at most 31 characters: {e.name!r}")
    start = e.start if e.kind != STORAGE else 0
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name) + 2, e.kind, e.color, e.left, e.right, e.child, b"\0" * 16, 0, 0, 0, start, e.size,
    )  # fmt: skip
