"""Hostile files get one clear file-level error and stay untouched; a batch over them goes on."""

from __future__ import annotations

import hashlib
import random
import shutil
import string
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import TODAY, line, order, rows_of, write_book
from hostile_books import (
    SHEET_HEAD,
    bomb_book,
    million_row_book,
    misbehave,
    ole_file,
    ooxml_book,
    sheet_xml,
)
from sheetsync.actions.check import FileReport, check_path, check_paths
from sheetsync.actions.runner import expand_paths
from sheetsync.contract import LINES
from sheetsync.io.guard.safety import precheck

XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1 or "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STRINGS = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{}</t></si></sst>'
WORKSHEET = SHEET_HEAD.split("\n", 1)[1]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def good_book(path: Path) -> Path:
    return write_book(path, [order()], [line()], shipments=[])


def _truncated(path: Path) -> None:
    whole = good_book(path.with_suffix(".tmp")).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])


def _many_parts(path: Path) -> None:
    ooxml_book(path, sheet_xml([("A1", "Order No")]))
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(10_001):
            zf.writestr(f"customXml/item{i}.xml", "<a/>")


def _zipped(path: Path, parts: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)


def _sheet(head: str) -> str:
    return head + WORKSHEET + "<sheetData/></worksheet>"


BUILD: dict[str, tuple[Callable[[Path], object], str]] = {
    "empty.xlsx": (lambda p: p.write_bytes(b""), "file-corrupt"),
    "text.xlsx": (lambda p: p.write_text("Order No,Buyer\nPO-1,ACME\n"), "file-not-xlsx"),
    "truncated.xlsx": (_truncated, "file-corrupt"),
    "encrypted.xlsx": (
        lambda p: p.write_bytes(ole_file({"EncryptionInfo": b"\4\0\4\0", "EncryptedPackage": b"x" * 5000})),
        "file-encrypted",
    ),
    "legacy.xls": (lambda p: p.write_bytes(ole_file({"Workbook": b"\x09\x08"})), "file-legacy-xls"),
    "word.xlsx": (lambda p: p.write_bytes(ole_file({"WordDocument": b"\xec\xa5"})), "file-not-xlsx"),
    "docx.xlsx": (
        lambda p: _zipped(p, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
        "file-not-xlsx",
    ),
    "bomb.xlsx": (lambda p: bomb_book(p, 2 << 30), "file-too-large"),
    "bomb_ratio.xlsx": (lambda p: bomb_book(p, 300 << 20), "file-too-large"),
    "many_parts.xlsx": (_many_parts, "file-too-large"),
    "far_cell.xlsx": (
        lambda p: ooxml_book(p, sheet_xml([("A1", "Order No"), ("XFD1048576", "x")], "A1:XFD1048576")),
        "file-too-large",
    ),
    "far_cell_no_dimension.xlsx": (
        lambda p: ooxml_book(p, sheet_xml([("A1", "Order No"), ("XFD1048576", "x")])),
        "file-too-large",
    ),
    "xxe_strings.xlsx": (
        lambda p: ooxml_book(p, sheet_xml([]), shared_strings=PROLOG + XXE + STRINGS.format("&xxe;")),
        "file-unsafe",
    ),
    "xxe_sheet.xlsx": (lambda p: ooxml_book(p, _sheet(PROLOG + XXE)), "file-unsafe"),
    "laughs.xlsx": (
        lambda p: ooxml_book(p, sheet_xml([]), shared_strings=PROLOG + LAUGHS + STRINGS.format("&lol9;")),
        "file-unsafe",
    ),
    "dtd_after_comment.xlsx": (lambda p: ooxml_book(p, _sheet(PROLOG + "<!-- <a> -->" + XXE)), "file-unsafe"),
    "dtd_utf16.xlsx": (
        lambda p: ooxml_book(p, _sheet(PROLOG.replace("UTF-8", "UTF-16") + XXE).encode("utf-16")),
        "file-unsafe",
    ),
    "dtd_utf7.xlsx": (lambda p: ooxml_book(p, _sheet(PROLOG.replace("UTF-8", "UTF-7"))), "file-unsafe"),
}


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every hostile file of BUILD, in one folder (the bombs are a few MB on disk)."""
    folder = tmp_path_factory.mktemp("hostile")
    for name, (build, _) in BUILD.items():
        build(folder / name)
    for leftover in folder.glob("*.tmp"):
        leftover.unlink()
    return {name: folder / name for name in BUILD}


@pytest.fixture(scope="session")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Lines sheet of 1,000,000 clean rows x 15 columns (~57 MB; ~15 s to build)."""
    headers = [c.header for c in LINES.columns]
    row = [line().get(h) if line().get(h) is not None else "" for h in headers]
    return million_row_book(tmp_path_factory.mktemp("big") / "million.xlsx", headers, row)


@pytest.mark.parametrize("name", list(BUILD))
def test_hostile_file_gets_its_error_and_is_untouched(hostile: dict[str, Path], name: str) -> None:
    path = hostile[name]
    before = digest(path)
    report = check_path(path, TODAY)
    assert report.error is not None
    assert (report.status, report.error.code, report.findings) == ("error", BUILD[name][1], [])
    assert str(path) in report.error.message
    assert digest(path) == before


def test_missing_file_and_folder(tmp_path: Path) -> None:
    missing, folder = tmp_path / "gone.xlsx", tmp_path / "folder.xlsx"
    folder.mkdir()
    errors = [check_path(p, TODAY).error for p in (missing, folder)]
    assert [(e.code, str(p) in e.message) for e, p in zip(errors, (missing, folder), strict=True) if e] == [
        ("file-not-found", True),
        ("file-unreadable", True),
    ]


@pytest.mark.slow
def test_million_row_sheet_is_too_large_and_says_why(million_rows: Path) -> None:
    before = digest(million_rows)
    report = check_path(million_rows, TODAY)
    assert report.error is not None and report.error.code == "file-too-large"
    assert "'Lines' spans 15,000,015 cells up to O1000001" in report.error.message
    assert digest(million_rows) == before


def test_long_strings_are_valid(tmp_path: Path) -> None:
    rng = random.Random(7)
    text = "".join(rng.choice(string.ascii_letters + " ") for _ in range(32_767))
    path = write_book(tmp_path / "long.xlsx", [order()], [line(Description=text)], shipments=[])
    report = check_path(path, TODAY)
    assert (report.status, rows_of(report.findings)) == ("ok", [])


def test_good_and_demo_books_pass_the_precheck(tmp_path: Path) -> None:
    from sheetsync.demo import demo_rows
    from sheetsync.demo.workbook import write_demo

    demo = write_demo(tmp_path / "demo.xlsx", demo_rows(40, seed=3, today=TODAY))
    for path in (good_book(tmp_path / "good.xlsx"), demo):
        precheck(path)
    assert check_path(tmp_path / "good.xlsx", TODAY).findings == []


@pytest.mark.parametrize(
    "sheet",
    [
        pytest.param(
            "\ufeff" + PROLOG + "<!-- <a> --><?mso-application progid?>" + _sheet(""), id="bom-comment-pi"
        ),
        pytest.param(_sheet(PROLOG.replace("UTF-8", "UTF-16")).encode("utf-16"), id="utf16"),
        pytest.param(sheet_xml([("A1", "x")], "A1:B1000000"), id="tall-narrow-dimension"),
        pytest.param(sheet_xml([("A1", "x")], "a1"), id="one-cell-dimension"),
        pytest.param(sheet_xml([("A1", "x"), ("AB20000", "y")]), id="no-dimension"),
        pytest.param(
            SHEET_HEAD.replace("<worksheet", "<x:worksheet xmlns:x='urn:x'")
            + '<x:dimension ref="A1:T500000"/><x:sheetData/></x:worksheet>',
            id="prefixed",
        ),
        pytest.param(sheet_xml([("A1", "&lt;!DOCTYPE x&gt;")]), id="doctype-as-text"),
    ],
)
def test_messy_but_safe_parts_pass(tmp_path: Path, sheet: str | bytes) -> None:
    precheck(ooxml_book(tmp_path / "odd.xlsx", sheet))


def test_expand_paths(tmp_path: Path) -> None:
    for name in ("b.xlsx", "a.XLSM", "sub/c.xlsx", "~$b.xlsx", ".hidden.xlsx", ".git/d.xlsx", "notes.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    given = [tmp_path / "notes.txt", tmp_path, tmp_path / "missing.xlsx", tmp_path / "b.xlsx"]
    names = [p.relative_to(tmp_path).as_posix() for p in expand_paths(given)]
    assert names == ["notes.txt", "a.XLSM", "b.xlsx", "sub/c.xlsx", "missing.xlsx"]


def test_batch_reports_every_file_in_order(
    tmp_path: Path, hostile: dict[str, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    for name, path in hostile.items():
        shutil.copy(path, folder / f"x_{name}")
    for name in ("a_good.xlsx", "m_good.xlsx", "z_good.xlsx"):
        good_book(folder / name)
    shutil.copy(folder / "a_good.xlsx", folder / "~$a_good.xlsx")
    lying = sheet_xml([("A1", "Order No"), ("XFD1048576", "x")], "A1:B2")  # calamine aborts on it
    ooxml_book(folder / "n_far_cell_lying_dimension.xlsx", lying)
    paths = [*expand_paths([folder]), tmp_path / "missing.xlsx"]
    before = {p: digest(p) for p in paths}
    done: list[Path] = []
    reports = check_paths(paths, TODAY, jobs=2, on_done=lambda r: done.append(r.path))
    expected = {f"x_{n}": code for n, (_, code) in BUILD.items() if n.endswith(".xlsx")}
    expected |= {"n_far_cell_lying_dimension.xlsx": "file-too-large", "missing.xlsx": "file-not-found"}
    assert [(r.path.name, r.error.code if r.error else r.status) for r in reports] == [
        (p.name, expected.get(p.name, "ok")) for p in paths
    ]
    assert [rows_of(r.findings) for r in reports if r.status == "ok"] == [[], [], []]
    assert sorted(done) == sorted(paths)
    assert {p: digest(p) for p in paths} == before
    assert "Traceback" not in capfd.readouterr().err


def _batch(tmp_path: Path, odd: str, **limits: float) -> list[FileReport]:
    paths = [good_book(tmp_path / "a.xlsx"), good_book(tmp_path / odd), good_book(tmp_path / "z.xlsx")]
    return check_paths(paths, TODAY, work=misbehave, **limits)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("odd", "limits", "code", "says"),
    [
        ("abort.xlsx", {}, "file-corrupt", "signal SIGABRT"),
        ("hang.xlsx", {"time_limit": 3}, "file-timeout", "longer than 3 s"),
        ("balloon.xlsx", {}, "file-too-large", "more than 6.0 GB of memory"),
    ],
)
def test_a_child_that_dies_costs_one_file(
    tmp_path: Path,
    odd: str,
    limits: dict[str, float],
    code: str,
    says: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    reports = _batch(tmp_path, odd, **limits)
    assert [(r.path.name, r.error.code if r.error else r.status) for r in reports] == [
        ("a.xlsx", "ok"),
        (odd, code),
        ("z.xlsx", "ok"),
    ]
    message = reports[1].error.message if reports[1].error else ""
    assert str(tmp_path / odd) in message and says in message
    err = capfd.readouterr().err
    assert "Traceback" not in err and "backtrace" not in err
