"""Owned sheets with live formulas and number formats: written, recalculated, and cleared exactly."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

import rich_book
from sheetsync.edits import ClearMarks, Formula, OwnedColumn, ReplaceSheet
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.styles_xml import add_styles, remove_styles
from test_package_writer import PREFIXED_STYLES, libreoffice_copy, parts

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")  # the rich book

COLUMNS = (
    OwnedColumn("Order No", 14),
    OwnedColumn("Amount", 14, "amount"),
    OwnedColumn("Share", 10, "percent"),
    OwnedColumn("Due", 12, "date"),
)
TOTALS = ReplaceSheet(
    "Totals",
    COLUMNS,
    (
        ("PO-1001", Formula("='Lines'!J2", 4200.0), Formula("=B2/SUM(B2:B3)", 0.5), 46351.0),
        ("=cmd|' /C calc'!A0", Formula("=B2*2", 8400.0), Formula('=IF(B3>0,"ok","check")', "ok"), None),
    ),
    autofilter=False,
)
CLEAR = ClearMarks(owned={"Totals": tuple(c.header for c in COLUMNS)})


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return rich_book.build(tmp_path / "book.xlsx")


def totals_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(z.namelist()[-1]).decode("utf-8")


def test_formulas_and_number_formats_are_written_with_their_cached_values(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "totals.xlsx"
    write_edits(book, [CLEAR, TOTALS], out=out, backup=False)
    xml = totals_xml(out)
    assert "<f>'Lines'!J2</f><v>4200.0</v>" in xml
    assert '<c r="C3" s="5" t="str"><f>IF(B3&gt;0,"ok","check")</f><v>ok</v></c>' in xml
    assert "cmd|" in xml and "<f>cmd" not in xml  # text that looks like a formula stays text
    ws = openpyxl.load_workbook(out)["Totals"]
    assert [ws[a].value for a in ("B2", "C2", "B3")] == ["='Lines'!J2", "=B2/SUM(B2:B3)", "=B2*2"]
    assert ws["A3"].data_type == "s"
    formats = [ws[a].number_format for a in ("A2", "B2", "C2", "D2")]
    assert formats == ["General", "#,##0.00", "0%", "mm-dd-yy"]
    assert ws["A1"].font.b and ws["B2"].font.name == openpyxl.load_workbook(book)["Orders"]["A2"].font.name
    cached = openpyxl.load_workbook(out, data_only=True)["Totals"]
    assert [cached[a].value for a in ("B2", "C2", "B3", "C3")] == [4200, 0.5, 8400, "ok"]


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_formulas(book: Path, tmp_path: Path, soffice: Path) -> None:
    out = tmp_path / "totals.xlsx"
    write_edits(book, [CLEAR, TOTALS], out=out, backup=False)
    with zipfile.ZipFile(out) as z:  # stale cached values: LibreOffice must compute its own
        stale = {n: z.read(n).replace(b"<v>4200.0</v>", b"<v>1.0</v>") for n in z.namelist()}
    with zipfile.ZipFile(tmp_path / "stale.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in stale.items():
            z.writestr(name, data)
    converted = libreoffice_copy(soffice, tmp_path / "stale.xlsx", tmp_path / "lo", recalc=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(converted, data_only=True)["Totals"]
    assert [ws[a].value for a in ("B2", "B3", "C3")] == [4200, 8400, "ok"]
    assert ws["C2"].value == pytest.approx(1 / 3)


def test_clear_takes_the_sheet_and_its_formats_out_exactly(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "totals.xlsx"
    write_edits(book, [CLEAR, TOTALS], out=out, backup=False)
    again = tmp_path / "again.xlsx"
    write_edits(out, [CLEAR, TOTALS], out=again, backup=False)
    assert parts(again) == parts(out)  # replaced, not stacked
    cleared = tmp_path / "cleared.xlsx"
    write_edits(again, [CLEAR], out=cleared, backup=False)
    assert parts(cleared) == parts(book)


def test_number_format_styles_are_appended_and_removed_exactly() -> None:
    styles, ids, added = add_styles(PREFIXED_STYLES, (4, 14))
    assert (ids.header_xf, ids.link_xf, ids.number_xfs, ids.mark_dxf) == (1, 2, {4: 3, 14: 4}, 0)
    assert (
        b'<x:xf numFmtId="14" fontId="3" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' in styles
    )
    assert b'<x:fonts count="4">' in styles and styles.count(b'<x:font><x:sz val="11"/></x:font>') == 2
    assert remove_styles(styles, added, lambda name, indices: set())[0] == PREFIXED_STYLES


def test_a_users_own_copy_of_the_default_font_is_left_alone() -> None:
    """A last font equal to font 0, with no sheetsync number formats after it, is the user's."""
    own = PREFIXED_STYLES.replace(
        b'<x:fonts count="1"><x:font><x:sz val="11"/></x:font></x:fonts>',
        b'<x:fonts count="2"><x:font><x:sz val="11"/></x:font><x:font><x:sz val="11"/></x:font></x:fonts>',
    )
    styles, _, added = add_styles(own)
    assert remove_styles(styles, added, lambda name, indices: set())[0] == own


def test_a_formula_must_start_with_an_equals_sign_and_formats_must_be_known() -> None:
    with pytest.raises(ValueError, match="starts with '='"):
        Formula("SUM(A1:A2)")
    with pytest.raises(ValueError, match="unknown number format 'money'"):
        OwnedColumn("Amount", 10, "money")
