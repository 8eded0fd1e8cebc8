"""Is a book in a folder that OneDrive, SharePoint or Dropbox keeps in sync?

There, replacing the book by a rename looks to the service like a delete and a new file: the
file's version history is lost, and a book co-authored with AutoSave may have no `~$` lock
file. `safe_write` then writes over the same file instead. Found by the markers each service
documents or leaves:

- OneDrive (personal and business, and the SharePoint libraries it syncs): the folders named
  in the `OneDrive`, `OneDriveCommercial` and `OneDriveConsumer` environment variables; on
  Windows the sync roots registered under `HKCU\\Software\\SyncEngines\\Providers\\OneDrive`
  (`MountPoint`); a folder `OneDrive` or `OneDrive - Org`; on macOS
  `~/Library/CloudStorage/OneDrive-…`; a `desktop.ini` that names OneDrive's icon.
- Dropbox: the `path` of each account in Dropbox's `info.json` (`~/.dropbox`,
  `%APPDATA%\\Dropbox`, `%LOCALAPPDATA%\\Dropbox`); a `.dropbox` file or `.dropbox.cache` folder
  at a Dropbox root; `~/Library/CloudStorage/Dropbox…`.
`SHEETSYNC_SYNCED_FOLDERS` (paths separated by os.pathsep) adds roots by hand.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ONEDRIVE_VARIABLES = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")


def _dropbox_roots() -> list[Path]:
    places = [Path.home() / ".dropbox"]
    places += [Path(os.environ[v]) / "Dropbox" for v in ("APPDATA", "LOCALAPPDATA") if os.environ.get(v)]
    roots = []
    for place in places:
        try:
            accounts = json.loads((place / "info.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(accounts, dict):
            roots += [Path(a["path"]) for a in accounts.values() if isinstance(a, dict) and a.get("path")]
    return roots


def _registered_onedrive_roots() -> list[Path]:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        return []
    import winreg

    roots = []
    key_name = r"Software\SyncEngines\Providers\OneDrive"
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key_name) as providers:
            for n in range(winreg.QueryInfoKey(providers)[0]):
                with winreg.OpenKey(providers, winreg.EnumKey(providers, n)) as provider:
                    roots.append(Path(winreg.QueryValueEx(provider, "MountPoint")[0]))
    except OSError:
        pass
    return roots


def known_roots() -> dict[Path, str]:
    """Sync roots this machine's settings name, and the service of each."""
    roots: dict[Path, str] = {}
    for variable in ONEDRIVE_VARIABLES:
        if os.environ.get(variable):
            roots[Path(os.environ[variable])] = "OneDrive"
    for root in _registered_onedrive_roots():
        roots[root] = "OneDrive"
    for root in _dropbox_roots():
        roots[root] = "Dropbox"
    for named in filter(None, os.environ.get("SHEETSYNC_SYNCED_FOLDERS", "").split(os.pathsep)):
        roots[Path(named)] = "a synced folder"
    return roots


def _marker(folder: Path) -> str | None:
    name = folder.name
    if name == "OneDrive" or name.startswith(("OneDrive - ", "OneDrive-")):
        return "OneDrive"
    if name.startswith("Dropbox") and folder.parent.name == "CloudStorage":
        return "Dropbox"
    if (folder / ".dropbox").is_file() or (folder / ".dropbox.cache").is_dir():
        return "Dropbox"
    try:
        ini = (folder / "desktop.ini").read_bytes()
    except OSError:
        return None
    text = ini.decode("utf-16" if ini.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8", "replace")
    return "OneDrive" if "onedrive" in text.casefold() else None


def synced_by(path: Path) -> str | None:
    """The service that keeps `path`'s folder in sync (`OneDrive`, `Dropbox`…), or None."""
    folder = path.resolve().parent
    roots = {root.resolve(): service for root, service in known_roots().items()}
    for candidate in (folder, *folder.parents):
        if candidate in roots:
            return roots[candidate]
        if (service := _marker(candidate)) is not None:
            return service
    return None
