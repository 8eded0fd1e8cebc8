"""`sheetsync addin install`: copy the add-in where Excel loads it and write xlwings' configuration.

No admin rights: everything goes into the user's own folders.
- Windows: %APPDATA%\\Microsoft\\Excel\\XLSTART (Excel opens every workbook there at start-up; an
  add-in loads hidden), configuration in %USERPROFILE%\\.sheetsync\\sheetsync.conf.
- macOS: Excel's sandboxed start-up folder ~/Library/Group Containers/UBF8T346G9.Office/User
  Content.localized/Startup.localized/Excel, configuration in
  ~/Library/Containers/com.microsoft.Excel/Data/sheetsync.conf (the only place sandboxed Excel
  may read it).
The configuration is xlwings' own format (`"KEY","value"` lines, read by the add-in's xlwings
module, whose PROJECT_NAME is "sheetsync"): the interpreter, PYTHONPATH, and on Windows the
UDF server, which keeps one Python process alive between clicks.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Literal

from sheetsync.excel.addin import ADDIN

System = Literal["windows", "macos"]
MAC_OFFICE = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
MAC_EXCEL_DATA = "Library/Containers/com.microsoft.Excel/Data"


@dataclass(frozen=True)
class Places:
    """Where the add-in and its configuration go for one user."""

    addin: PurePath
    config: PurePath


def current_system() -> System:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    raise RuntimeError(
        "Excel add-ins install on Windows and macOS only; build them here with `sheetsync addin build`."
    )


def places(system: System, home: str, appdata: str | None = None) -> Places:
    """The add-in and configuration paths for a user whose home (and, on Windows, APPDATA) is given."""
    if system == "windows":
        roaming = PureWindowsPath(appdata) if appdata else PureWindowsPath(home, "AppData", "Roaming")
        return Places(
            roaming / "Microsoft" / "Excel" / "XLSTART" / ADDIN,
            PureWindowsPath(home, ".sheetsync", "sheetsync.conf"),
        )
    return Places(
        PurePosixPath(home, MAC_OFFICE, ADDIN), PurePosixPath(home, MAC_EXCEL_DATA, "sheetsync.conf")
    )


def config_text(system: System, interpreter: str, pythonpath: list[str]) -> str:
    """xlwings' configuration lines for the add-in."""
    key = "INTERPRETER_WIN" if system == "windows" else "INTERPRETER_MAC"
    separator = ";"
    entries = [(key, interpreter), ("PYTHONPATH", separator.join(pythonpath))]
    if system == "windows":
        entries.append(("USE UDF SERVER", "True"))  # one Python stays alive between clicks
    for name, value in entries:
        if '"' in value:
            raise ValueError(f"{name} cannot hold a double quote: {value!r}")
    return "".join(f'"{name}","{value}"\n' for name, value in entries)


def interpreter_for(system: System, executable: str) -> str:
    """The interpreter Excel should start: pythonw.exe on Windows (no console window flashes)."""
    if system == "windows":
        path = PureWindowsPath(executable)
        if path.name.lower() == "python.exe":
            return str(path.with_name("pythonw.exe"))
    return executable


def install(addin: Path, system: System, home: Path, appdata: str | None = None) -> Places:
    """Copy `addin` into the user's start-up folder and write the configuration; return where."""
    where = places(system, str(home), appdata)
    target, config = Path(where.addin), Path(where.config)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(addin, target)
    config.parent.mkdir(parents=True, exist_ok=True)
    source_root = str(Path(__file__).resolve().parents[2])  # the folder holding the sheetsync package
    config.write_text(
        config_text(system, interpreter_for(system, sys.executable), [source_root]), encoding="utf-8"
    )
    return where
