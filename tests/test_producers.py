"""`mark` and `clear` on the same contract book as every producer writes it.

For each book: mark leaves every original cell's value, number format and font as it was;
mark then clear gives back every original part byte for byte; the marked book opens in
openpyxl and in LibreOffice. The producers' books are built once per session. A producer
whose tool is missing is skipped with the reason, or fails under SHEETSYNC_REQUIRE_ALL=1.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

import handmade
from helpers import TODAY
from sheetsync.actions.check import check_path
from sheetsync.actions.mark import ISSUES_HEADERS, clear, mark
from sheetsync.actions.upgrade import upgrade_file
from sheetsync.contract import SETTINGS
from sheetsync.io.ooxml.apply_edits import write_edits

EXCELJS = Path(os.environ.get("SHEETSYNC_EXCELJS", "/opt/sheetsync-js/node_modules/exceljs"))
POI_JARS = Path("/usr/share/java")
POI_CLASSPATH = ("poi", "poi-ooxml", "poi-ooxml-schemas", "xmlbeans", "commons-collections4",
                 "commons-compress", "commons-codec", "commons-math3")  # fmt: skip
WRITERS = Path(__file__).parent / "producers"
Cell = tuple[Any, str, tuple[Any, ...]]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def cells(path: Path) -> dict[str, dict[str, Cell]]:
    """Every non-empty cell of every sheet: value, number format and font, as openpyxl sees them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    out: dict[str, dict[str, Cell]] = {}
    for ws in wb:
        found = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                f = c.font
                color = (f.color.rgb, f.color.theme) if f.color is not None else None
                found[c.coordinate] = (c.value, c.number_format, (f.name, f.sz, f.b, f.i, f.u, str(color)))
        out[ws.title] = found
    return out


def missing(reason: str) -> None:
    if os.environ.get("SHEETSYNC_REQUIRE_ALL") == "1":
        pytest.fail(reason + " (SHEETSYNC_REQUIRE_ALL=1)")
    pytest.skip(reason)


# --- the producers ---------------------------------------------------------------------------
# Each writes the grid to `path`; one that cannot run here raises Missing with the reason.


class Missing(Exception):
    """A producer's tool is not installed."""


class Broken(Exception):
    """A producer's tool is installed but cannot write a book on this platform (a packaging defect)."""


def by_openpyxl(grid: handmade.Grid, path: Path, folder: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in grid.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def by_xlsxwriter(grid: handmade.Grid, path: Path, folder: Path) -> None:
    wb = xlsxwriter.Workbook(path)
    date = wb.add_format({"num_format": "d mmm yyyy"})
    for name, rows in grid.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value, date if isinstance(value, dt.datetime) else None)
    wb.close()


def by_pandas(grid: handmade.Grid, path: Path, folder: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, rows in grid.items():
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=name, index=False)


def by_handmade(styles: str, workbook: str) -> Producer:
    def write(grid: handmade.Grid, path: Path, folder: Path) -> None:
        handmade.write_package(path, grid, styles, workbook)

    return write


def _tool(name: str, hint: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Missing(f"{name} is not installed ({hint})")
    return found


def _run(command: list[str], **options: Any) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, **options)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr or done.stdout}")


def by_libreoffice(grid: handmade.Grid, path: Path, folder: Path) -> None:
    """The openpyxl book opened and saved as .xlsx by LibreOffice Calc (which rewrites every part)."""
    soffice = _tool("soffice", "apt install libreoffice-calc-nogui")
    source = folder / "for-libreoffice" / path.name
    source.parent.mkdir(exist_ok=True)
    by_openpyxl(grid, source, folder)
    profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"
    _run([soffice, profile, "--headless", "--convert-to", "xlsx", "--outdir", str(path.parent), str(source)])


def by_gnumeric(grid: handmade.Grid, path: Path, folder: Path) -> None:
    ssconvert = _tool("ssconvert", "apt install gnumeric")
    source = folder / "for-gnumeric.xlsx"
    by_openpyxl(grid, source, folder)
    _run([ssconvert, "--export-type=Gnumeric_Excel:xlsx2", str(source), str(path)])


def cells_file(grid: handmade.Grid, path: Path) -> Path:
    """The grid as a plain text file the JavaScript and Java writers read: `#sheet<TAB>name`,
    then one line per row, cells `s:text`, `n:number`, `d:YYYY-MM-DD` or `-:` (empty)."""
    lines = []
    for name, rows in grid.items():
        lines.append(f"#sheet\t{name}")
        for row in rows:
            lines.append("\t".join(_typed(v) for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _typed(value: Any) -> str:
    if value is None:
        return "-:"
    if isinstance(value, dt.datetime):
        return f"d:{value.date().isoformat()}"
    if isinstance(value, str):
        return f"s:{value}"
    return f"n:{value}"


def by_exceljs(grid: handmade.Grid, path: Path, folder: Path) -> None:
    node = _tool("node", "apt install nodejs")
    if not (EXCELJS / "package.json").is_file():
        raise Missing(f"ExcelJS is not installed in {EXCELJS.parent} (.ci/run installs it with npm)")
    script = WRITERS / "write_exceljs.js"
    env = os.environ | {"NODE_PATH": str(EXCELJS.parent)}
    _run([node, str(script), str(cells_file(grid, folder / "grid.txt")), str(path)], env=env)


def by_poi(grid: handmade.Grid, path: Path, folder: Path) -> None:
    javac = _tool("javac", "apt install default-jdk-headless")
    java = _tool("java", "apt install default-jdk-headless")
    jars = [POI_JARS / f"{name}.jar" for name in POI_CLASSPATH]
    if not all(jar.is_file() for jar in jars):
        raise Missing("Apache POI is not installed (apt install libapache-poi-java)")
    classes = folder / "poi-classes"
    classes.mkdir(exist_ok=True)
    classpath = ":".join(map(str, jars))
    _run([javac, "-d", str(classes), "-cp", classpath, str(WRITERS / "WritePoi.java")])
    grid_file = cells_file(grid, folder / "grid.txt")
    try:
        _run([java, "-cp", f"{classpath}:{classes}", "WritePoi", str(grid_file), str(path)])
    except RuntimeError as exc:
        if "org/apache/xmlbeans/metadata/system" not in str(exc):
            raise
        raise Broken(
            "Debian's libapache-poi-java ships poi-ooxml-schemas as a stub without the OOXML type "
            "system, so its XSSF cannot write any .xlsx (NoClassDefFoundError in XSSFWorkbook)"
        ) from exc


Producer = Callable[[handmade.Grid, Path, Path], None]
PRODUCERS: dict[str, Producer] = {
    "openpyxl": by_openpyxl,
    "xlsxwriter": by_xlsxwriter,
    "pandas": by_pandas,
    "libreoffice": by_libreoffice,
    "gnumeric": by_gnumeric,
    "exceljs": by_exceljs,
    "apache-poi": by_poi,
    "excel-shaped": by_handmade("excel", "excel"),
    "rel-per-sheet": by_handmade("excel", "rel-per-sheet"),
    "prefixed": by_handmade("prefixed", "prefixed"),
}


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | Exception]:
    """The contract book as each producer writes it (built once per session), or why it could not."""
    folder = tmp_path_factory.mktemp("producers")
    grid = handmade.contract_grid()
    out: dict[str, Path | Exception] = {}
    for name, write in PRODUCERS.items():
        try:
            write(grid, folder / f"{name}.xlsx", folder)
            out[name] = folder / f"{name}.xlsx"
        except (Missing, Broken, RuntimeError) as exc:  # reported by that producer's own tests
            out[name] = exc
    return out


def book_of(books: dict[str, Path | Exception], producer: str) -> Path:
    found = books[producer]
    if isinstance(found, Missing):
        missing(str(found))
    if isinstance(found, Broken):
        pytest.skip(str(found))  # not a missing tool: installing it cannot help (see the report of issue 9)
    if isinstance(found, Exception):
        pytest.fail(f"{producer} could not write the book: {found}")
    return found


def do_mark(book: Path, out: Path) -> Path:
    report = check_path(book, TODAY)
    assert report.error is None, report.error
    write_edits(book, mark(book, report.findings), out=out, backup=False)
    return out


def do_clear(book: Path, out: Path) -> Path:
    write_edits(book, clear(book), out=out, backup=False)
    return out


def assert_marked_safely(book: Path, folder: Path) -> Path:
    """Mark keeps every original cell; clear gives back every original part; returns the marked copy."""
    folder.mkdir(parents=True, exist_ok=True)
    before = cells(book)
    marked = do_mark(book, folder / f"{book.stem}-marked.xlsx")
    after = cells(marked)
    assert {name: after[name] for name in before} == before
    assert tuple(after["Issues"][f"{c}1"][0] for c in "ABCDEFGH") == ISSUES_HEADERS
    cleared = do_clear(marked, folder / f"{book.stem}-cleared.xlsx")
    assert parts(cleared) == parts(book)
    return marked


@pytest.mark.parametrize("producer", list(PRODUCERS))
def test_mark_keeps_the_producers_book_and_clear_gives_it_back(
    producer: str, books: dict[str, Path | Exception], tmp_path: Path
) -> None:
    assert_marked_safely(book_of(books, producer), tmp_path)


@pytest.fixture(scope="session")
def opened_by_libreoffice(
    books: dict[str, Path | Exception], tmp_path_factory: pytest.TempPathFactory
) -> set[str]:
    """Which producers' marked books LibreOffice loads: all of them converted in one soffice call."""
    soffice = shutil.which("soffice")
    if soffice is None:
        missing("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui")
    assert soffice is not None
    folder = tmp_path_factory.mktemp("opened")
    marked = [
        do_mark(book, folder / f"{name}.xlsx") for name, book in books.items() if isinstance(book, Path)
    ]
    profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"
    command = [soffice, profile, "--headless", "--convert-to", "csv", "--outdir", str(folder / "csv")]
    subprocess.run([*command, *map(str, marked)], capture_output=True, timeout=600, check=False)
    return {path.stem for path in (folder / "csv").glob("*.csv") if path.read_text(errors="replace").strip()}


@pytest.mark.libreoffice
@pytest.mark.parametrize("producer", list(PRODUCERS))
def test_libreoffice_opens_the_marked_book(
    producer: str, books: dict[str, Path | Exception], opened_by_libreoffice: set[str]
) -> None:
    book_of(books, producer)
    assert producer in opened_by_libreoffice


@pytest.mark.parametrize("producer", list(PRODUCERS))
def test_upgrade_adds_settings_keys_and_keeps_every_cell_of_the_producers_book(
    producer: str, books: dict[str, Path | Exception], tmp_path: Path
) -> None:
    """The contract grid has every column; its Settings sheet has only Today: upgrade adds the rest."""
    book = book_of(books, producer)
    out = tmp_path / "upgraded.xlsx"
    done = upgrade_file(book, out, backup=False)
    keys = [k for k, _, _ in SETTINGS if k != "Today"]
    assert done.plan.added == [f"Settings A3:B{2 + len(keys)}: " + ", ".join(keys)]
    before, after = cells(book), cells(out)
    assert {name: {ref: after[name][ref] for ref in sheet} for name, sheet in before.items()} == before
    assert [after["Settings"][f"A{r}"][0] for r in range(3, 3 + len(keys))] == keys
    due = next(r for r in range(3, 3 + len(keys)) if after["Settings"][f"A{r}"][0] == "Due Soon Days")
    assert after["Settings"][f"B{due}"][:2] == (7, "General")  # its default, as a number (not a date)
    assert upgrade_file(out, dry_run=True).plan.added == []  # a second upgrade has nothing to add
