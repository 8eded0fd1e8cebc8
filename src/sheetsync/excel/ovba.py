"""MS-OVBA: a source-only VBA project (vbaProject.bin) from module source text.

What Office needs to compile the project from source and nothing else: the PROJECT and
PROJECTwm streams, VBA/_VBA_PROJECT with version 0xFFFF and no performance cache, the `dir`
stream (project information, references, modules) and one stream per module holding its
compressed source (MODULEOFFSET 0: no p-code). What runs is what is in the source.

Everything is deterministic: the project id is derived from the project name and the
obfuscation seed of CMG/DPB/GC is fixed, so a build is reproducible byte for byte.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sheetsync.excel.cfb import write_cfb

CODE_PAGE = 1252
ENCODING = "cp1252"
CHUNK = 4096


# -- compression (MS-OVBA 2.4.1) ------------------------------------------------------------------


def _copy_token_layout(offset_in_chunk: int) -> tuple[int, int]:
    """(bit count of the offset, maximum length) for a copy token at this chunk position."""
    bits = max((offset_in_chunk - 1).bit_length(), 4)
    return bits, (0xFFFF >> bits) + 3


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    pos = 0
    heads: dict[bytes, list[int]] = {}
    while pos < len(data):
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(data):
                break
            bits, max_length = _copy_token_layout(pos) if pos else (4, 0)
            best_len, best_at = 0, 0
            key = data[pos : pos + 3]
            if pos and len(key) == 3:
                limit = min(max_length, len(data) - pos)
                for start in reversed(heads.get(key, [])[-64:]):
                    n = 0
                    while n < limit and data[start + n] == data[pos + n]:
                        n += 1
                    if n > best_len:
                        best_len, best_at = n, start
                        if n == limit:
                            break
            if best_len >= 3:
                token = ((pos - best_at - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[pos])
                step = 1
            for i in range(pos, pos + step):
                heads.setdefault(data[i : i + 3], []).append(i)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """The CompressedContainer of `data` (signature byte, then one chunk per 4,096 bytes)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        packed = _compress_chunk(chunk)
        if len(packed) > CHUNK - 2 and len(chunk) == CHUNK:  # stored raw when it does not shrink
            out += struct.pack("<H", 0x3000 | (CHUNK + 2 - 3)) + chunk
        else:
            out += struct.pack("<H", 0xB000 | (len(packed) + 2 - 3)) + packed
    return bytes(out)


# -- data encryption of CMG, DPB and GC (MS-OVBA 2.4.3) -------------------------------------------


def encrypt(project_id: str, data: bytes, seed: int = 0x11) -> str:
    """The hex text of `data` obfuscated with the project key, from a fixed seed."""
    version = 2
    proj_key = sum(project_id.encode(ENCODING)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted1, encrypted1, encrypted2 = proj_key, seed ^ proj_key, seed ^ version

    def push(byte: int) -> None:
        nonlocal unencrypted1, encrypted1, encrypted2
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte

    for _ in range((seed & 6) >> 1):
        push(0)
    for byte in struct.pack("<I", len(data)) + data:
        push(byte)
    return out.hex().upper()


# -- the project -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    """One module: its name, kind ('standard', 'class' or 'document') and stored source text."""

    name: str
    kind: str
    source: str

    def stored(self) -> bytes:
        """The source as VBA stores it: CRLF line ends, the project code page."""
        text = self.source.replace("\r\n", "\n").replace("\n", "\r\n")
        return text.encode(ENCODING)


@dataclass(frozen=True)
class Reference:
    """A registered type library the project references (stdole, Office)."""

    name: str
    libid: str


STDOLE = Reference(
    "stdole",
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation",
)
OFFICE = Reference(
    "Office",
    r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files\Microsoft Shared"
    r"\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
)


def _record(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _text(rid: int, text: str, unicode_id: int | None = None) -> bytes:
    """A text record, with its UTF-16 twin when the record has one."""
    out = _record(rid, text.encode(ENCODING))
    if unicode_id is not None:
        out += _record(unicode_id, text.encode("utf-16-le"))
    return out


def dir_stream(project: str, modules: Sequence[Module], references: Sequence[Reference]) -> bytes:
    """The uncompressed `dir` stream (MS-OVBA 2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # SYSKIND: 32-bit Windows (Office recompiles)
    out += _record(0x0002, struct.pack("<I", 0x0409))  # LCID
    out += _record(0x0014, struct.pack("<I", 0x0409))  # LCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODE_PAGE))
    out += _text(0x0004, project)
    out += _text(0x0005, "", 0x0040)  # DOCSTRING
    out += _text(0x0006, "", 0x003D)  # HELPFILEPATH (two copies)
    out += _record(0x0007, struct.pack("<I", 0))  # HELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # VERSION: its Reserved is 4, then major, minor
    out += _text(0x000C, "", 0x003C)  # CONSTANTS
    for ref in references:
        out += _text(0x0016, ref.name, 0x003E)
        libid = ref.libid.encode(ENCODING)
        out += _record(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _text(0x0019, module.name)
        out += _record(0x0047, module.name.encode("utf-16-le"))
        out += _text(0x001A, module.name, 0x0032)  # stream name = module name
        out += _text(0x001C, "", 0x0048)  # DOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # OFFSET: the source starts the stream
        out += _record(0x001E, struct.pack("<I", 0))  # HELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # COOKIE
        out += struct.pack("<HI", 0x0021 if module.kind == "standard" else 0x0022, 0)
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(out)


def project_id(project: str) -> str:
    """A stable project GUID derived from the project name."""
    digest = hashlib.sha256(f"sheetsync VBA project {project}".encode()).digest()[:16]
    return "{" + str(uuid.UUID(bytes=digest)).upper() + "}"


def project_stream(project: str, modules: Sequence[Module]) -> bytes:
    """The PROJECT stream (MS-OVBA 2.3.1): the project's properties as text."""
    pid = project_id(project)
    lines = [f'ID="{pid}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [
        f'Name="{project}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(pid, bytes(4))}"',  # not protected
        f'DPB="{encrypt(pid, bytes(1))}"',  # no password
        f'GC="{encrypt(pid, bytes([0xFF]))}"',  # visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
    ]
    return "\r\n".join(lines).encode(ENCODING)


def projectwm_stream(modules: Sequence[Module]) -> bytes:
    """PROJECTwm: each module name in the code page and in UTF-16."""
    out = b"".join(m.name.encode(ENCODING) + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules)
    return out + b"\0\0"


def vba_project(
    project: str, modules: Sequence[Module], references: Sequence[Reference] = (STDOLE, OFFICE)
) -> bytes:
    """The vbaProject.bin of a source-only project."""
    streams = {
        "PROJECT": project_stream(project, modules),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000),
        "VBA/dir": compress(dir_stream(project, modules, references)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(module.stored())
    return write_cfb(streams)
