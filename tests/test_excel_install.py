"""`sheetsync addin install` and `addin build` from the command line: where the add-in and its
configuration go on Windows and macOS, and what the configuration says."""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.excel import install
from sheetsync.excel.addin import ADDIN, TEMPLATE

runner = CliRunner()


def test_windows_places_are_the_users_own_folders() -> None:
    where = install.places("windows", r"C:\Users\mei", r"C:\Users\mei\AppData\Roaming")
    assert where.addin == PureWindowsPath(
        r"C:\Users\mei\AppData\Roaming\Microsoft\Excel\XLSTART\sheetsync.xlam"
    )
    assert where.config == PureWindowsPath(r"C:\Users\mei\.sheetsync\sheetsync.conf")
    roaming = install.places("windows", r"D:\home\mei")  # no APPDATA: the default roaming folder
    assert roaming.addin == PureWindowsPath(
        r"D:\home\mei\AppData\Roaming\Microsoft\Excel\XLSTART\sheetsync.xlam"
    )


def test_macos_places_are_inside_excels_sandbox() -> None:
    where = install.places("macos", "/Users/mei")
    assert where.addin == PurePosixPath(
        "/Users/mei/Library/Group Containers/UBF8T346G9.Office/User Content.localized/"
        "Startup.localized/Excel/sheetsync.xlam"
    )
    assert where.config == PurePosixPath(
        "/Users/mei/Library/Containers/com.microsoft.Excel/Data/sheetsync.conf"
    )


def test_the_configuration_is_xlwings_format() -> None:
    text = install.config_text("windows", r"C:\py\pythonw.exe", [r"C:\src", r"D:\lib"])
    assert text.splitlines() == [
        '"INTERPRETER_WIN","C:\\py\\pythonw.exe"',
        '"PYTHONPATH","C:\\src;D:\\lib"',
        '"USE UDF SERVER","True"',
    ]
    assert install.config_text("macos", "/usr/bin/python3", ["/src"]) == (
        '"INTERPRETER_MAC","/usr/bin/python3"\n"PYTHONPATH","/src"\n'
    )
    with pytest.raises(ValueError, match="double quote"):
        install.config_text("macos", '/odd"path/python', [])


def test_windows_starts_pythonw_so_no_console_flashes() -> None:
    assert install.interpreter_for("windows", r"C:\py\python.exe") == r"C:\py\pythonw.exe"
    assert install.interpreter_for("macos", "/usr/bin/python3") == "/usr/bin/python3"


def test_install_copies_the_addin_and_writes_the_configuration(tmp_path: Path) -> None:
    addin = tmp_path / "sheetsync.xlam"
    addin.write_bytes(b"PK built add-in")
    where = install.install(addin, "macos", tmp_path / "home")
    assert Path(where.addin).read_bytes() == b"PK built add-in"
    text = Path(where.config).read_text(encoding="utf-8")
    assert text.startswith(f'"INTERPRETER_MAC","{sys.executable}"\n')
    package_root = Path(install.__file__).resolve().parents[2]
    assert f'"PYTHONPATH","{package_root}"' in text
    assert (package_root / "sheetsync" / "excel" / "ribbon.py").is_file()


def test_cli_addin_build_writes_both_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["addin", "build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / ADDIN).is_file() and (tmp_path / TEMPLATE).is_file()
    assert f"Wrote {tmp_path / ADDIN}" in result.output.replace("\n", "")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Excel's own systems install for real")
def test_cli_install_refuses_where_there_is_no_excel() -> None:
    result = runner.invoke(app, ["addin", "install"])
    assert result.exit_code == 2
    assert "Windows and macOS only" in result.output
