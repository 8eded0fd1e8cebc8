"""`sheetsync addin build`: the add-in and the template, their VBA project and ribbon, checked
with oletools (olevba, olefile) and LibreOffice, without Excel."""

from __future__ import annotations

import json
import random
import shutil
import struct
import subprocess
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest

with warnings.catch_warnings():  # oletools 0.60.2 uses pyparsing names pyparsing now deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

from sheetsync.excel import addin
from sheetsync.excel.cfb import write_cfb
from sheetsync.excel.customui import custom_ui
from sheetsync.excel.ovba import Module, compress, encrypt, project_id
from sheetsync.excel.ribbon import buttons

MACRO_SCRIPT = Path(__file__).with_name("lo_run_macro.py")
TEMPLATE_SHEETS = 6  # Orders, Lines, Shipments, Documents, Lists, Settings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> addin.Built:
    return addin.build(tmp_path_factory.mktemp("addin"))


def expected_modules(sheets: int) -> list[Module]:
    return addin.document_modules([f"Sheet{i}" for i in range(1, sheets + 1)]) + addin.code_modules()


def file_name(module: Module) -> str:
    return module.name + (".bas" if module.kind == "standard" else ".cls")


def normalised(text: str) -> str:
    """The stated normalisation: LF line ends (VBA stores CRLF); the text is decoded from cp1252."""
    return text.replace("\r\n", "\n")


@pytest.mark.parametrize(("name", "sheets"), [(addin.ADDIN, 1), (addin.TEMPLATE, TEMPLATE_SHEETS)])
def test_olevba_extracts_exactly_the_source(built: addin.Built, name: str, sheets: int) -> None:
    parser = VBA_Parser(str(built.addin.parent / name))
    try:
        found = {vba_name: code for _, _, vba_name, code in parser.extract_macros()}
    finally:
        parser.close()
    expected = {file_name(m): normalised(m.source) for m in expected_modules(sheets)}
    assert {k: normalised(v) for k, v in found.items()} == expected
    ribbon = (addin.MACROS / "Ribbon.bas").read_text(encoding="utf-8")
    assert normalised(found["Ribbon.bas"]) == normalised(ribbon)  # macros/ exactly, as written
    assert "Public Sub OnAction(control As Object)" in ribbon


def test_the_project_is_source_only(built: addin.Built) -> None:
    with zipfile.ZipFile(built.template) as zf:
        project = zf.read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(project, raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"  # 0xFFFF, no cache
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert f'ID="{project_id("VBAProject")}"' in text
    assert "Document=ThisWorkbook/&H00000000" in text and "Document=Sheet6/&H00000000" in text
    assert "Module=Ribbon" in text and "Module=xlwings" in text and "Class=Dictionary" in text
    assert not [s for s in ole.listdir() if s[-1].startswith("__SRP")]  # no p-code caches


def test_the_build_is_reproducible(built: addin.Built, tmp_path: Path) -> None:
    again = addin.build(tmp_path)
    assert again.addin.read_bytes() == built.addin.read_bytes()
    assert again.template.read_bytes() == built.template.read_bytes()


def test_the_packages_carry_the_ribbon_and_the_project(built: addin.Built) -> None:
    for path, main in ((built.addin, addin.MAIN_XLAM), (built.template, addin.MAIN_XLSM)):
        with zipfile.ZipFile(path) as zf:
            assert zf.read(addin.UI_PART) == custom_ui(buttons())
            assert main in zf.read("[Content_Types].xml")
            assert b"application/vnd.ms-office.vbaProject" in zf.read("[Content_Types].xml")
            assert addin.UI_REL.encode() in zf.read("_rels/.rels")
            assert b'Target="vbaProject.bin"' in zf.read("xl/_rels/workbook.xml.rels")
            assert b'codeName="ThisWorkbook"' in zf.read("xl/workbook.xml")
            sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
            code_names = sorted(zf.read(n).split(b'codeName="')[1].split(b'"')[0].decode() for n in sheets)
            assert code_names == sorted(f"Sheet{i}" for i in range(1, len(sheets) + 1))


# -- the pieces: compression, compound file, obfuscation -------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"a",
        b"abc" * 3000,
        bytes(range(256)) * 40,
        random.Random(7).randbytes(4096),
        random.Random(8).randbytes(10_000),
        (addin.MACROS / "Ribbon.bas").read_bytes() * 20,
    ],
)
def test_compression_decompresses_with_oletools(data: bytes) -> None:
    assert decompress_stream(bytearray(compress(data))) == data


def test_incompressible_chunks_are_stored_raw() -> None:
    data = random.Random(9).randbytes(4096)
    packed = compress(data)
    assert packed[1:3] == struct.pack("<H", 0x3FFF) and packed[3:] == data


def test_the_compound_file_reads_back_strictly_with_olefile() -> None:
    streams = {"PROJECT": b"p" * 100, "PROJECTwm": b"", "VBA/dir": b"d" * 5000, "VBA/a/deep": b"x" * 64}
    streams |= {f"VBA/Module{i}": bytes([i]) * (i * 131) for i in range(40)}
    ole = olefile.OleFileIO(write_cfb(streams), raise_defects=olefile.DEFECT_INCORRECT)
    assert {"/".join(p) for p in ole.listdir()} == set(streams)
    assert all(ole.openstream(k).read() == v for k, v in streams.items())


def _decrypt(hex_text: str) -> bytes:
    """MS-OVBA 2.4.3.3, written from the spec to check `encrypt`."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = data[:3]
    assert seed ^ version_enc == 2
    proj_key = seed ^ proj_key_enc
    unencrypted1, encrypted1, encrypted2 = proj_key, proj_key_enc, version_enc
    out = bytearray()
    for enc in data[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) >> 1
    length = struct.unpack("<I", out[ignored : ignored + 4])[0]
    return bytes(out[ignored + 4 : ignored + 4 + length])


@pytest.mark.parametrize("data", [b"\0\0\0\0", b"\0", b"\xff"])
def test_project_protection_fields_decrypt_to_what_they_say(data: bytes) -> None:
    pid = project_id("sheetsync")
    assert _decrypt(encrypt(pid, data)) == data
    assert (sum(pid.encode()) & 0xFF) == (
        bytes.fromhex(encrypt(pid, data))[0] ^ bytes.fromhex(encrypt(pid, data))[2]
    )


# -- LibreOffice: a real Office implementation parses the project ----------------------------------


def office(uno_python: str, profile: Path, book: Path, what: str) -> str:
    done = subprocess.run(
        [uno_python, str(MACRO_SCRIPT), str(profile), str(book), what],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _code(text: str) -> str:
    """Module code without VBA attributes and LibreOffice's own header lines."""
    dropped = ("Attribute ", "Rem Attribute VBA_ModuleType", "Option VBASupport 1", "Option ClassModule")
    return "\n".join(line for line in normalised(text).split("\n") if not line.startswith(dropped)).strip()


@pytest.mark.libreoffice
def test_libreoffice_opens_the_template_and_imports_every_module(
    soffice: Path, uno_python: str, built: addin.Built, tmp_path: Path
) -> None:
    found = json.loads(office(uno_python, tmp_path / "profile", built.template, "modules"))
    expected = {m.name: _code(m.source) for m in expected_modules(TEMPLATE_SHEETS)}
    assert {name: _code(code) for name, code in found.items()} == expected


@pytest.mark.libreoffice
def test_libreoffice_runs_a_macro_from_a_built_project(
    soffice: Path, uno_python: str, tmp_path: Path
) -> None:
    macros = tmp_path / "macros"
    shutil.copytree(addin.MACROS, macros)
    (macros / "SelfTest.bas").write_text(
        'Attribute VB_Name = "SelfTest"\n'
        "Public Function SelfTestRun() As String\n"
        '    SelfTestRun = "ran on " & Worksheets(1).Name & " " & Worksheets(1).Range("A1").Value\n'
        "End Function\n"
    )
    from sheetsync.workbook.template import build_template

    xlsx = build_template(tmp_path / "t.xlsx")
    book = addin.macro_enabled(
        xlsx, tmp_path / "test.xlsm", addin.MAIN_XLSM, "VBAProject", macros, with_xlwings=False
    )
    script = "vnd.sun.star.script:VBAProject.SelfTest.SelfTestRun?language=Basic&location=document"
    assert office(uno_python, tmp_path / "profile", book, script) == "ran on Orders Order No"
