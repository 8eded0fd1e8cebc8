"""Books in folders OneDrive, SharePoint or Dropbox keep in sync: found by their markers, and
written over in place (the file keeps its identity, so the service keeps its version history)."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from helpers import TODAY, line, order, write_book
from sheetsync.actions.mark import mark_file
from sheetsync.findings import FileError
from sheetsync.io.ooxml.safe_write import backup_path
from sheetsync.io.ooxml.synced import synced_by

BAD_ORDER = order(**{"Order No": "PO-1002", "Incoterm": "DDU"})


@pytest.fixture(autouse=True)
def no_sync_client(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No OneDrive variables and an empty home: only what a test sets up counts."""
    for variable in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer", "SHEETSYNC_SYNCED_FOLDERS"):
        monkeypatch.delenv(variable, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))


def folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_a_plain_folder_is_not_synced(tmp_path: Path) -> None:
    assert synced_by(folder(tmp_path / "work" / "orders") / "book.xlsx") is None


def test_onedrive_is_found_by_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = folder(tmp_path / "Business Files")
    monkeypatch.setenv("OneDriveCommercial", str(root))
    assert synced_by(folder(root / "Export" / "2026") / "book.xlsx") == "OneDrive"
    assert synced_by(folder(tmp_path / "elsewhere") / "book.xlsx") is None


@pytest.mark.parametrize("name", ["OneDrive", "OneDrive - Contoso Trading", "OneDrive-Personal"])
def test_onedrive_is_found_by_its_folder_name(tmp_path: Path, name: str) -> None:
    assert synced_by(folder(tmp_path / name / "Orders") / "book.xlsx") == "OneDrive"


def test_onedrive_is_found_by_its_desktop_ini(tmp_path: Path) -> None:
    root = folder(tmp_path / "Team Share")
    ini = "[.ShellClassInfo]\r\nIconResource=C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe,0\r\n"
    (root / "desktop.ini").write_bytes(ini.encode("utf-16"))
    assert synced_by(folder(root / "Orders") / "book.xlsx") == "OneDrive"


def test_dropbox_is_found_by_its_info_json_and_its_root_marker(tmp_path: Path) -> None:
    root = folder(tmp_path / "Company Box")
    (folder(Path(os.environ["HOME"]) / ".dropbox") / "info.json").write_text(
        json.dumps({"business": {"path": str(root), "host": 1}})
    )
    assert synced_by(folder(root / "Orders") / "book.xlsx") == "Dropbox"
    marked = folder(tmp_path / "Other")
    (marked / ".dropbox").write_text("{}")
    assert synced_by(folder(marked / "sub") / "book.xlsx") == "Dropbox"


def test_in_a_synced_folder_mark_writes_over_the_same_file_and_keeps_a_copy(tmp_path: Path) -> None:
    book = write_book(
        folder(tmp_path / "OneDrive - Contoso" / "Orders") / "orders.xlsx", [order(), BAD_ORDER], [line()]
    )
    before, inode = book.read_bytes(), book.stat().st_ino
    done = mark_file(book, TODAY)
    assert book.stat().st_ino == inode  # the same file, not a new one renamed over it
    assert done.backup == backup_path(book) and done.backup.read_bytes() == before
    assert done.backup.stat().st_ino != inode
    assert openpyxl.load_workbook(book)["Issues"]["B2"].value == "trade-incoterm-retired"
    with zipfile.ZipFile(book) as marked:
        assert marked.testzip() is None
    assert [p.name for p in book.parent.iterdir() if p.name.endswith(".sheetsync-tmp")] == []


def test_elsewhere_mark_replaces_the_file_by_a_rename(tmp_path: Path) -> None:
    book = write_book(folder(tmp_path / "work") / "orders.xlsx", [order(), BAD_ORDER], [line()])
    inode = book.stat().st_ino
    mark_file(book, TODAY)
    assert book.stat().st_ino != inode


def test_in_a_synced_folder_a_book_changed_meanwhile_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = write_book(
        folder(tmp_path / "OneDrive" / "Orders") / "orders.xlsx", [order(), BAD_ORDER], [line()]
    )
    from sheetsync.actions import check

    real = check.check_path

    def check_then_someone_saves(path: Path, today: object = None) -> object:
        report = real(path, TODAY)
        with path.open("ab") as fh:  # another program saves the book while sheetsync works
            fh.write(b"\0")
        return report

    monkeypatch.setattr(check, "check_path", check_then_someone_saves)
    saved = book.read_bytes()
    with pytest.raises(FileError) as caught:
        mark_file(book, TODAY)
    assert caught.value.code == "file-changed" and book.read_bytes() == saved + b"\0"  # their save kept
