"""Cheap checks before any reader touches a file: what it is, how far it unzips, no DTDs.

Reads little: the first bytes, the zip central directory, the prolog of each XML part and
each sheet's `<dimension>`. Only a small sheet without a `<dimension>` is inflated whole, so
a zip bomb costs milliseconds (a normal book: 1-2 ms).
What this cannot see (sizes that lie, a far cell behind a lying `<dimension>`) is caught by
the memory and time limits of `sheetsync.actions.runner`.
"""

from __future__ import annotations

import errno
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from pyexpat import ExpatError
from typing import IO, NoReturn
from xml.parsers import expat

import olefile

from sheetsync.findings import FileError
from sheetsync.io.guard.xml_guard import (
    dimension_in,
    dimension_ref,
    odd_encoding,
    read_head,
    read_sheet_head,
    ref_area,
    scan_extent,
)

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
_XML_PARTS = (".xml", ".rels", ".vml")
_WORKSHEETS = "xl/worksheets/"
_LOCAL = struct.Struct("<4s2xH18xHH")  # a local file header: signature, flags, name and extra lengths
_UTF8_NAME = 0x800
_UNUSUAL_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, compressed patch data, strong encryption: zipfile says
_CHUNK = 1024  # compressed bytes read at a time (a prolog is in the first few hundred)
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OTHER_KINDS = {"word/": "a Word document", "ppt/": "a PowerPoint file", "mimetype": "an OpenDocument file"}


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps a workbook must stay under.

    Measured on xlsxwriter and openpyxl books of 50k-1M rows: sheet parts unzip 8-15:1 (even
    one row repeated), so 200:1 leaves a 13x margin while a deflate bomb runs near 1000:1.
    The reader holds 90-110 bytes a cell (300k rows x 45 columns: 1.2 GB, 166 s; 1M rows x
    15 columns: 1.6 GB, 88 s), so 10M cells stays inside the 2 GiB child limit of `isolate`.
    1 GiB of sheet XML is ~30M cells, far beyond that. Excel writes every sheet's
    `<dimension>`, and calamine aborts the process on a far cell (it allocates the whole
    rectangle: 512 GB for XFD1048576), so the dimension is what is capped.
    """

    unzipped_bytes: int = 1 << 30  # all parts together, as the zip directory declares them
    ratio: float = 200.0  # unzipped : zipped, for any part over `ratio_from_bytes`
    ratio_from_bytes: int = 1 << 20
    members: int = 10_000
    sheet_cells: int = 10_000_000  # rows x columns of a sheet's <dimension>
    head_bytes: int = 64 << 10  # how much of each XML part is read
    scan_bytes: int = 8 << 20  # a sheet without <dimension> up to this size is scanned whole
    workbook_bytes: int = 16 << 20  # workbook.xml is parsed whole (expat, no DTD allowed)


LIMITS = Limits()


def precheck(path: Path, limits: Limits = LIMITS) -> None:
    """Raise FileError unless `path` looks like a workbook a reader can open safely."""
    head = _first_bytes(path)
    if not head:
        raise FileError("file-corrupt", f"{path}: the file is empty (0 bytes); restore it from a backup.")
    if head.startswith(OLE2_MAGIC):
        _reject_ole(path)
    if not head.startswith(ZIP_MAGIC):
        raise FileError(
            "file-not-xlsx", f"{path}: not an Excel workbook; open it in Excel and save as .xlsx."
        )
    try:
        with zipfile.ZipFile(path) as zf:
            _check_directory(path, zf, limits)
            dimensions = _check_prologs(path, zf, limits)
            _check_dimensions(path, zf, limits, dimensions)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, struct.error) as exc:
        raise FileError(
            "file-corrupt", f"{path}: the workbook is damaged ({exc}); restore it from a backup."
        ) from exc
    except OSError as exc:
        if exc.errno == errno.EINVAL:  # a seek to an offset the damaged zip directory gave
            raise FileError("file-corrupt", f"{path}: the workbook is damaged ({exc}).") from exc
        raise FileError("file-unreadable", f"{path}: cannot be read ({exc.strerror or exc}).") from exc


def _first_bytes(path: Path) -> bytes:
    """The first 8 bytes, after checking the path is a readable regular file."""
    try:
        if not path.exists():
            raise FileError("file-not-found", f"{path}: no such file.")
        if not path.is_file():
            raise FileError("file-unreadable", f"{path}: not a regular file.")
        with open(path, "rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise FileError("file-unreadable", f"{path}: cannot be opened ({exc.strerror or exc}).") from exc


def _reject_ole(path: Path) -> NoReturn:
    """An OLE2 compound file: an encrypted .xlsx, a legacy .xls, or something else."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir()}
    except Exception as exc:  # olefile parses untrusted bytes; it fails in many ways
        raise FileError("file-corrupt", f"{path}: a damaged Office file ({type(exc).__name__}).") from exc
    if "encryptioninfo" in streams:
        raise FileError(
            "file-encrypted", f"{path}: password-protected; save an unprotected copy to check it."
        )
    if streams & {"workbook", "book"}:
        raise FileError("file-legacy-xls", f"{path}: a legacy .xls workbook; save it as .xlsx in Excel.")
    raise FileError("file-not-xlsx", f"{path}: an Office file that is not an Excel workbook.")


def _check_directory(path: Path, zf: zipfile.ZipFile, limits: Limits) -> None:
    """OOXML parts present; member count, declared size and per-part ratio under the caps."""
    infos = zf.infolist()
    names = {info.filename for info in infos}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        kind = next((k for p, k in _OTHER_KINDS.items() if any(n.startswith(p) for n in names)), "")
        what = f"{kind}, " if kind else ""
        raise FileError(
            "file-not-xlsx", f"{path}: a zip file but not an Excel workbook ({what}no xl/workbook.xml)."
        )
    if len(infos) > limits.members:
        raise FileError("file-too-large", f"{path}: {len(infos):,} parts (limit {limits.members:,}).")
    total = sum(info.file_size for info in infos)
    if total > limits.unzipped_bytes:
        raise FileError(
            "file-too-large",
            f"{path}: unzips to {_mb(total)} (limit {_mb(limits.unzipped_bytes)}); split the workbook.",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise FileError(
                "file-encrypted", f"{path}: part {info.filename} is encrypted; save an unprotected copy."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_from_bytes and ratio > limits.ratio:
            raise FileError(
                "file-too-large",
                f"{path}: part {info.filename} expands {ratio:,.0f}:1 when unzipped "
                f"(limit {limits.ratio:,.0f}:1); this looks like a zip bomb.",
            )


def _check_prologs(path: Path, zf: zipfile.ZipFile, limits: Limits) -> dict[str, str | None]:
    """No DTD (so no entity) in any XML part: the prolog up to the root element is read.

    A worksheet's head is read on to `<sheetData>`, and its `<dimension>` kept (part -> ref),
    so that a book of hundreds of tabs reads each part's head once here, through one handle.
    """
    dimensions: dict[str, str | None] = {}
    with open(path, "rb") as fh:
        for info in zf.infolist():
            if info.filename.lower().endswith(_XML_PARTS):
                _check_prolog(path, zf, fh, info, limits, dimensions)
    return dimensions


def _check_prolog(
    path: Path,
    zf: zipfile.ZipFile,
    fh: IO[bytes],
    info: zipfile.ZipInfo,
    limits: Limits,
    dimensions: dict[str, str | None],
) -> None:
    sheet = info.filename.startswith(_WORKSHEETS) and info.filename.endswith(".xml")
    with _open_head(zf, fh, info) as part:
        text, root = read_sheet_head(part, limits.head_bytes) if sheet else read_head(part, limits.head_bytes)
    if sheet and root not in (None, -1):
        dimensions[info.filename] = dimension_in(text)
    if root == -1:
        raise FileError(
            "file-unsafe",
            f"{path}: part {info.filename} declares a DTD or entities (XXE / billion laughs); "
            "it was not read.",
        )
    if encoding := odd_encoding(text):
        raise FileError(
            "file-unsafe",
            f"{path}: part {info.filename} is in the XML encoding {encoding}, which Excel does not "
            "write; it was not read. Open and save the workbook in Excel.",
        )
    if root is None and text.strip() and info.file_size > limits.head_bytes:
        raise FileError(
            "file-unsafe",
            f"{path}: part {info.filename} has no root element in its first "
            f"{limits.head_bytes:,} bytes; it was not read.",
        )


class _Head:
    """A member's start, inflated only as far as `read` asks: what `ZipFile.open` gives, with
    the same checks of the local header, at a fraction of its cost per part (hundreds of tabs)."""

    def __init__(self, fh: IO[bytes], info: zipfile.ZipInfo) -> None:
        fh.seek(info.header_offset)
        header = fh.read(_LOCAL.size)
        if len(header) != _LOCAL.size:
            raise zipfile.BadZipFile("Truncated file header")
        signature, flags, name_length, extra_length = _LOCAL.unpack(header)
        if signature != b"PK\x03\x04":
            raise zipfile.BadZipFile("Bad magic number for file header")
        name = fh.read(name_length).decode("utf-8" if flags & _UTF8_NAME else "cp437")
        if name != info.orig_filename:
            raise zipfile.BadZipFile(
                f"File name in directory {info.orig_filename!r} and header {name!r} differ."
            )
        fh.seek(extra_length, 1)
        self.fh, self.left, self.pending = fh, info.compress_size, b""
        self.engine = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None

    def read(self, size: int) -> bytes:
        out: list[bytes] = []
        wanted = size
        while wanted > 0:
            data, self.pending = self.pending, b""
            if not data:
                if self.left <= 0:
                    break
                data = self.fh.read(min(self.left, _CHUNK))
                if not data:
                    raise EOFError(f"{self.fh.name}: a part ends early")
                self.left -= len(data)
            if self.engine is None:
                piece, self.pending = data[:wanted], data[wanted:]
            else:
                piece = self.engine.decompress(data, wanted)
                self.pending = self.engine.unconsumed_tail
                if self.engine.eof:
                    self.left, self.pending = 0, b""
            out.append(piece)
            wanted -= len(piece)
        return b"".join(out)

    def __enter__(self) -> _Head:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _open_head(zf: zipfile.ZipFile, fh: IO[bytes], info: zipfile.ZipInfo) -> _Head | IO[bytes]:
    """The part to read its head from: stored and deflated members directly, others by `zipfile`."""
    if (
        info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        and not info.flag_bits & _UNUSUAL_FLAGS
    ):
        return _Head(fh, info)
    return zf.open(info)


def _check_dimensions(
    path: Path, zf: zipfile.ZipFile, limits: Limits, known: dict[str, str | None] | None = None
) -> None:
    """No sheet claims more cells than a reader can hold (a stray cell at XFD1048576).

    Trusts `<dimension>`, as Excel writes it; a crafted file whose dimension lies, or a big
    sheet with none, is left to the child's memory limit (calamine sizes a sheet by its cells).
    `known`: the dimensions already read from the sheets' heads (part -> ref).
    """
    known = known or {}
    for part, sheet in _sheet_parts(path, zf, limits).items():
        if part not in zf.NameToInfo:
            continue
        if part in known:
            ref = known[part]
        else:
            with zf.open(part) as fh:
                ref = dimension_ref(fh, limits.head_bytes)
        area, corner = ref_area(ref) if ref else (0, "")
        if not area and zf.getinfo(part).file_size <= limits.scan_bytes:
            with zf.open(part) as fh:  # no usable <dimension> (not from Excel): count the cells
                area, corner = scan_extent(fh)
        if area > limits.sheet_cells:
            raise FileError(
                "file-too-large",
                f"{path}: sheet {sheet!r} spans {area:,} cells up to {corner} "
                f"(limit {limits.sheet_cells:,}), too many to check; split the sheet, or if your data "
                "ends sooner, delete the cells beyond it (Ctrl+End shows the last one) and save.",
            )


def _sheet_parts(path: Path, zf: zipfile.ZipFile, limits: Limits) -> dict[str, str]:
    """Worksheet part name -> sheet name, from workbook.xml parsed safely (no DTD, no entity)."""
    parts = {
        n: posixpath.basename(n)
        for n in zf.NameToInfo
        if n.startswith("xl/worksheets/") and n.endswith(".xml")
    }
    if zf.getinfo("xl/workbook.xml").file_size > limits.workbook_bytes:
        raise FileError("file-too-large", f"{path}: xl/workbook.xml is over {_mb(limits.workbook_bytes)}.")
    rels_part = "xl/_rels/workbook.xml.rels"
    try:
        sheets = _elements(zf.read("xl/workbook.xml"), lambda depth, tag: tag.endswith("}sheet"))
        rels = (
            _elements(zf.read(rels_part), lambda depth, tag: depth == 1) if rels_part in zf.NameToInfo else []
        )
    except _Declared as exc:
        raise FileError(
            "file-unsafe", f"{path}: workbook.xml declares a DTD or entities; it was not read."
        ) from exc
    except ExpatError as exc:
        raise FileError("file-corrupt", f"{path}: xl/workbook.xml is not well-formed ({exc}).") from exc
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    for sheet in sheets:
        target = targets.get(sheet.get(_R_ID))
        if target:
            part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            parts[part] = sheet.get("name", part)
    return parts


class _Declared(Exception):
    """A part declares a DTD or entities."""


def _elements(data: bytes, keep: Callable[[int, str], bool]) -> list[dict[str, str]]:
    """The attributes of the elements `keep(depth, name)` selects (the name as expat gives it,
    `namespace}local`), attribute names as ElementTree spells them (`{namespace}local`); parsed
    by expat, which here may meet no DTD, entity or external reference (`_Declared`), as
    defusedxml forbids them."""
    found: list[dict[str, str]] = []
    depth = 0

    def named(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        if keep(depth, name):
            found.append({named(k): v for k, v in attrs.items()})
        depth += 1

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def forbid(*args: object) -> int:
        raise _Declared

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.Parse(data, True)
    return found


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"


__all__ = ["LIMITS", "Limits", "precheck"]
