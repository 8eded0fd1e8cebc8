"""Code-list rules (RULES.md §3): countries, currencies, ports, HS codes, units, containers, Incoterms.

Every distinct value of a column is judged once, then its cells are reported. Values are
judged through the same resolvers `normalise_book` uses, so an alias is never an error here.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sheetsync.book import Book, SheetData
from sheetsync.findings import Finding, finding
from sheetsync.rules import normalise as nm
from sheetsync.rules.emit import findings_for, order_nos
from sheetsync.rules.engine import Context, rule
from sheetsync.rules.ports.match import PortStatus, port_status

UNKNOWN_COUNTRY_HINT = "(2 letters, e.g. CN)"
BAD_CONTAINER_SHAPE = "Container numbers are 3 letters + U, J or Z + 7 digits."
_CONTAINER = re.compile(r"^[A-Z]{3}[UJZ][0-9]{7}$")
_HS = re.compile(r"^[0-9]{6,10}$")
LOST_ZERO_LENGTHS = frozenset({5, 7, 9})


@dataclass(frozen=True)
class Verdict:
    """One finding a value earns, wherever it is typed."""

    code: str
    value: str
    fields: dict[str, Any] = field(default_factory=dict)
    message: str | None = None


Judge = Callable[[str], list[Verdict]]
Sound = Callable[[list[str]], np.ndarray[Any, np.dtype[np.bool_]]]


def _letter_values() -> dict[str, int]:
    values, n = {}, 10
    for letter in string.ascii_uppercase:
        if n % 11 == 0:
            n += 1
        values[letter], n = n, n + 1
    return values


LETTER_VALUES = _letter_values()


def container_check_digit(number: str) -> int:
    """ISO 6346 check digit of the first 10 characters (owner code, category, serial)."""
    total = sum((LETTER_VALUES[c] if c.isalpha() else int(c)) << i for i, c in enumerate(number[:10]))
    return total % 11 % 10


def container_numbers(text: str) -> list[str]:
    """`csqu 305438-3; MWCU6059784` -> the numbers as compared: split on `;`, upper, no spaces/hyphens."""
    return [n for part in text.split(";") if (n := re.sub(r"[\s\-]", "", part).upper())]


_CHAR_VALUES = np.zeros(256, dtype=np.int64)  # ISO 6346 value of each ASCII byte
_CHAR_VALUES[ord("0") : ord("9") + 1] = np.arange(10)
_CHAR_VALUES[[ord(letter) for letter in LETTER_VALUES]] = list(LETTER_VALUES.values())


def sound_containers(texts: list[str]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """True where a text is clean numbers joined by `;`, each with its right check digit.

    Vectorised, for the many distinct cells of a large book: a sound cell earns no finding;
    the rest (spaces, lower case, bad digits) go to `judge_containers`.
    """
    parts = [text.split(";") for text in texts]
    numbers = [number for cell in parts for number in cell]
    owner = np.repeat(np.arange(len(texts)), [len(cell) for cell in parts])
    failed = np.bincount(owner[~_sound_numbers(numbers)], minlength=len(texts))
    return np.asarray(failed == 0, dtype=bool)


def _sound_numbers(numbers: list[str]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    shaped = np.array([_CONTAINER.fullmatch(n) is not None for n in numbers], dtype=bool)
    if not shaped.any():
        return shaped
    chars = np.frombuffer("".join(n for n, ok in zip(numbers, shaped, strict=True) if ok).encode(), np.uint8)
    chars = chars.reshape(-1, 11)
    total = (_CHAR_VALUES[chars[:, :10]] << np.arange(10)).sum(axis=1)
    sound = shaped.copy()
    sound[shaped] = total % 11 % 10 == chars[:, 10] - ord("0")
    return sound


def judge_containers(text: str) -> list[Verdict]:
    out = []
    for number in container_numbers(text):
        if not _CONTAINER.match(number):
            out.append(Verdict("code-container", number, message=BAD_CONTAINER_SHAPE))
        elif (digit := container_check_digit(number)) != int(number[10]):
            out.append(Verdict("code-container", number, {"d": digit}))
    return out


def hs_digits(text: str) -> str:
    """An HS code without dots and spaces (`6304.92` -> `630492`)."""
    return re.sub(r"[.\s]", "", text)


def judge_hs(text: str) -> list[Verdict]:
    digits = hs_digits(text)
    if not _HS.match(digits):
        return [Verdict("code-hs", text)]
    chapter = int(digits[:2])
    return [Verdict("code-hs-chapter", text)] if chapter in (0, 77) or chapter > 97 else []


def judge_country(text: str) -> list[Verdict]:
    if nm.canonical_country(text):
        return []
    return [Verdict("code-country", text, {"hint": nm.country_hint(text) or UNKNOWN_COUNTRY_HINT})]


def judge_currency(text: str) -> list[Verdict]:
    return [] if nm.canonical_currency(text) else [Verdict("code-currency", text)]


def judge_incoterm(text: str) -> list[Verdict]:
    return [] if nm.canonical_incoterm(text) else [Verdict("code-incoterm", text)]


def judge_unit(text: str) -> list[Verdict]:
    if nm.canonical_unit(text):
        return []
    return [Verdict("code-unit-package" if nm.is_package_unit(text) else "code-unit", text)]


def _judge_port(aliases: dict[str, str]) -> Judge:
    def judge(text: str) -> list[Verdict]:
        status = port_status(text, aliases)
        if status is PortStatus.UNKNOWN_LOCODE:
            return [Verdict("code-locode", text)]
        return [Verdict("code-port-unresolved", text)] if status is PortStatus.UNRESOLVED else []

    return judge


def _judged(sheet: SheetData, key: str, judge: Judge, sound: Sound | None = None) -> Iterator[Finding]:
    """Judge each distinct value once (`sound` clears many at once); report the cells of failing ones."""
    values = sheet.frame[key]
    distinct = list(values.dropna().unique())
    if sound is not None:
        distinct = [v for v, ok in zip(distinct, sound([str(v) for v in distinct]), strict=True) if not ok]
    verdicts = {v: found for v in distinct if (found := judge(str(v)))}
    if not verdicts:
        return
    failing = values[values.isin(list(verdicts))]
    rows = [int(row) for row in failing.index]
    cells = [(row, v) for row, value in zip(rows, failing.tolist(), strict=True)
             if (row, key) not in sheet.bad_cells for v in verdicts[value]]  # fmt: skip
    orders = dict(zip(rows, order_nos(sheet, rows), strict=True))
    kinds: dict[tuple[str, str | None], list[tuple[int, Verdict]]] = {}
    for row, v in cells:  # one bulk call per code and message; each keeps its rows' order
        kinds.setdefault((v.code, v.message), []).append((row, v))
    for (code, message), hits in kinds.items():
        names = {name for _, v in hits for name in v.fields}
        fields = {name: [v.fields.get(name) for _, v in hits] for name in names}
        at = [row for row, _ in hits]
        yield from findings_for(code, sheet, at, key, [orders[row] for row in at],
                                [v.value for _, v in hits], message, **fields)  # fmt: skip


def _finding(sheet: SheetData, code: str, row: int, key: str, value: object,
             message: str | None = None, **fields: Any) -> Finding:  # fmt: skip
    order = sheet.frame.at[row, "order_no"] if "order_no" in sheet.frame else None
    return finding(code, sheet.name, row, sheet.header(key), sheet.cell(row, key),
                   order=order if isinstance(order, str) else None, value=value, message=message,
                   **fields)  # fmt: skip


def _columns(book: Book, codelist: str) -> Iterator[tuple[SheetData, str]]:
    for sheet in book.sheets.values():
        for column in sheet.contract.columns:
            if column.codelist == codelist and sheet.has(column.key):
                yield sheet, column.key


def _by_codelist(book: Book, codelist: str, judge: Judge) -> Iterator[Finding]:
    for sheet, key in _columns(book, codelist):
        yield from _judged(sheet, key, judge)


@rule("code-country", needs=())
def countries(book: Book, ctx: Context) -> Iterable[Finding]:
    """Buyer Country and Origin: ISO 3166-1 alpha-2 (`UK` -> GB is a hint, not an alias)."""
    return _by_codelist(book, "Countries", judge_country)


@rule("code-currency", needs=())
def currencies(book: Book, ctx: Context) -> Iterable[Finding]:
    """Currency: ISO 4217 (RMB accepted as CNY; a bare `$` is ambiguous)."""
    return _by_codelist(book, "Currencies", judge_currency)


@rule("code-incoterm", needs=())
def incoterms(book: Book, ctx: Context) -> Iterable[Finding]:
    """Incoterm: an Incoterms 2020 rule, or a retired term (reported by trade-incoterm-retired)."""
    return _by_codelist(book, "Incoterms", judge_incoterm)


@rule("code-unit", "code-unit-package", needs=())
def units(book: Book, ctx: Context) -> Iterable[Finding]:
    """Unit: a Rec. 20 code after aliases; package words belong in Cartons."""
    return _by_codelist(book, "Units", judge_unit)


@rule("code-locode", "code-port-unresolved", needs=())
def ports(book: Book, ctx: Context) -> Iterable[Finding]:
    """Ports: a bad LOCODE is an error; a name that resolves to nothing is noted."""
    return _by_codelist(book, "Ports", _judge_port(book.port_aliases))


@rule("code-hs", "code-hs-chapter", "code-hs-lost-zero", needs=("Lines.hs_code",))
def hs_codes(book: Book, ctx: Context) -> Iterable[Finding]:
    """HS Code: 6–10 digits, a real chapter, and stored as text."""
    lines = book.sheets["Lines"]
    if not lines.has("hs_code"):
        return
    yield from _judged(lines, "hs_code", judge_hs)
    values = lines.frame["hs_code"]
    for row in sorted(lines.numeric_text.get("hs_code", set())):
        value = values.get(row)
        if isinstance(value, str) and len(hs_digits(value)) in LOST_ZERO_LENGTHS:
            yield _finding(lines, "code-hs-lost-zero", row, "hs_code", value)


@rule("code-container", needs=("Shipments.container_no",))
def containers(book: Book, ctx: Context) -> Iterable[Finding]:
    """Container No: ISO 6346 shape and check digit, for each number in the cell."""
    shipments = book.sheets["Shipments"]
    if shipments.has("container_no"):
        yield from _judged(shipments, "container_no", judge_containers, sound_containers)
