"""Bounded looks inside XML parts: the prolog (no DTD allowed) and a sheet's `<dimension>`.

Entity declarations can only live in a DTD, and a DTD can only sit in the prolog, before the
root element. So reading up to the root element proves a part free of XXE and billion laughs
without parsing the rest. Reads are capped; a bomb is never inflated past the cap.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from typing import IO, Protocol

from sheetsync.a1 import column_letter, column_number

__all__ = [
    "column_letter",
    "column_number",
    "decode_head",
    "dimension_in",
    "dimension_ref",
    "odd_encoding",
    "read_head",
    "read_sheet_head",
    "ref_area",
    "root_start",
    "scan_extent",
    "sheet_data_at",
]

_CHUNK = 1024


class Readable(Protocol):
    """What a head is read from: a zip member opened by `zipfile`, or read directly."""

    def read(self, size: int, /) -> bytes: ...


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(r"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_KNOWN_ENCODING = re.compile(
    r"utf-?(8|16|32)(-?[lb]e)?|(us-)?ascii|iso-?8859-\d+|latin-?1|(windows|cp)-?125\d", re.IGNORECASE
)
_DIMENSION = re.compile(r"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']+)["']""")
_SHEET_DATA = re.compile(r"<(?:[\w.-]+:)?sheetData\b")
_ROW_NUMBERS = re.compile(rb""" R=["']\$?[A-Z]{0,3}\$?(\d{1,9})["']""")  # upper-cased text
_COLUMN_LETTERS = [re.compile(rb""" R=["']\$?([A-Z]{%d})\$?\d""" % n) for n in (1, 2, 3)]
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def decode_head(data: bytes) -> str:
    """The start of a part as text, whatever Unicode encoding it uses (BOM or `<` sniffed)."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], name
            break
    else:
        if data.startswith(b"<\x00"):
            encoding = "utf-16-le"
        elif data.startswith(b"\x00<"):
            encoding = "utf-16-be"
    return data.decode(encoding, errors="ignore")


def odd_encoding(text: str) -> str | None:
    """The encoding an XML declaration names, if it is not one Excel files use.

    The DTD scan reads ASCII-compatible text and UTF-16/32; another encoding (UTF-7, EBCDIC)
    could spell `<!DOCTYPE` in other bytes, so such a part is not read at all.
    """
    match = _DECLARED.match(text.lstrip("\ufeff"))
    if match and not _KNOWN_ENCODING.fullmatch(match.group(1)):
        return match.group(1)
    return None


def root_start(text: str) -> int | None:
    """Index of the root element, -1 if a DTD or other `<!` declaration comes first, None if unknown yet."""
    pos = 0
    while (i := text.find("<", pos)) >= 0:
        for opener, closer in (("<!--", "-->"), ("<?", "?>")):
            if text.startswith(opener, i):
                end = text.find(closer, i + len(opener))
                if end < 0:
                    return None
                pos = end + len(closer)
                break
        else:
            if text.startswith("<!", i):
                return -1
            return i if len(text) > i + 1 else None
    return None


def read_head(
    part: Readable, limit: int, until: Callable[[str, int], int] | None = None
) -> tuple[str, int | None]:
    """Read at most `limit` bytes: the text so far and where the root element starts.

    Stops once the root is found (and `until(text, root)` finds what it looks for, >= 0, when
    given). The root index is -1 when a declaration precedes the root, None when `limit` was
    reached first.
    """
    data = b""
    root: int | None = None
    while len(data) < limit:
        chunk = part.read(min(_CHUNK, limit - len(data)))
        if not chunk:
            break
        data += chunk
        text = decode_head(data)
        root = root_start(text)
        if root == -1 or (root is not None and (until is None or until(text, root) >= 0)):
            return text, root
    text = decode_head(data)
    return text, root_start(text)


def dimension_ref(part: IO[bytes], limit: int) -> str | None:
    """The `ref` of a worksheet's `<dimension>` element, read from the part's first bytes."""
    text, _ = read_sheet_head(part, limit)
    return dimension_in(text)


def read_sheet_head(part: Readable, limit: int) -> tuple[str, int | None]:
    """`read_head` of a worksheet, read on to its `<sheetData>` (so the head holds `<dimension>`)."""
    return read_head(part, limit, until=sheet_data_at)


def sheet_data_at(text: str, start: int = 0) -> int:
    """Where `_SHEET_DATA` first matches in `text` from `start`, or -1: the name looked for as
    plain text first, the pattern tried only where it occurs (the pattern alone tries at
    every `<`, and the guard looks at hundreds of tabs)."""
    at = text.find("sheetData", start)
    while at >= 0:
        opening = text.rfind("<", start, at)
        if opening >= 0 and (m := _SHEET_DATA.match(text, opening)) and m.end() == at + len("sheetData"):
            return opening
        at = text.find("sheetData", at + 1)
    return -1


def dimension_in(head: str) -> str | None:
    """The `ref` of the `<dimension>` in a worksheet's head (before `<sheetData>`), if any."""
    at = sheet_data_at(head)
    found = _DIMENSION.search(head, 0, at if at >= 0 else len(head))
    return found.group(1) if found else None


def ref_area(ref: str) -> tuple[int, str]:
    """Cells covered by a range like `A1:XFD1048576` and its bottom-right cell; (0, "") if unreadable."""
    corners = [_CELL.match(part.strip()) for part in ref.split(":")]
    if not corners or len(corners) > 2 or not all(corners):
        return 0, ""
    rows = [int(m.group(2)) for m in corners if m]
    cols = [column_number(m.group(1)) for m in corners if m]
    area = (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)
    return area, ref.split(":")[-1].strip()


def scan_extent(part: IO[bytes], chunk: int = 1 << 20) -> tuple[int, str]:
    """Cells spanned by the cell and row references of a whole sheet: (area, bottom-right cell).

    Streams the part (~20 MB/s), so it is only for small sheets without a `<dimension>`.
    Each pass is one C-level `findall`; per-reference Python work would be 10x slower.
    """
    rows: list[int] = []
    cols: list[bytes] = []
    tail = b""
    while True:
        block = part.read(chunk)
        text = (tail + block).upper()
        tail, text = (text[-64:], text[:-64]) if block else (b"", text)
        if numbers := _ROW_NUMBERS.findall(text):
            rows += [min(map(int, numbers)), max(map(int, numbers))]
        cols += [f(letters) for p in _COLUMN_LETTERS if (letters := p.findall(text)) for f in (min, max)]
        if not block:
            break
    if not rows:
        return 0, ""
    numbers = [column_number(c.decode()) for c in cols] or [1]
    area = (max(rows) - min(rows) + 1) * (max(numbers) - min(numbers) + 1)
    return area, f"{column_letter(max(numbers) - 1)}{max(rows)}"
