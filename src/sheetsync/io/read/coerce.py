"""Coerce raw cell values (as the fast reader gives them) into typed columns.

Each coercer takes one column of raw values and returns the typed values plus the problems
found, as `(position, problem, detail)`. The clean case (a column of real numbers or real
dates) takes a vectorised fast path; only messy columns are walked cell by cell.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheetsync.contract.codelists import DATE_PLACEHOLDERS, NOT_APPLICABLE
from sheetsync.excel_dates import epoch

_UNIX_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NUMBER_TYPES = (int, float)
_DATE_TYPES = (dt.date, dt.datetime)

# Problems a coercer reports; the reader turns them into findings.
TYPE = "type"  # schema-type
AMBIGUOUS_DATE = "date-ambiguous"
PLACEHOLDER = "placeholder"
NOT_APPLICABLE_CELL = "not-applicable"
AMBIGUOUS_NUMBER = "number-ambiguous"


@dataclass
class Coerced:
    """A typed column and the problems found in it (positions index the raw column)."""

    values: Any  # numpy array or list
    problems: list[tuple[int, str]] = field(default_factory=list)
    numeric: list[int] = field(default_factory=list)  # positions that held numbers (text kinds)


def clean_text(value: str) -> str:
    """NFKC, non-breaking spaces and surrounding whitespace removed."""
    return unicodedata.normalize("NFKC", value).strip()


def number_text(value: float | int) -> str:
    """A number as the text a user meant: 1001.0 -> "1001"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def coerce_text(raw: Sequence[Any]) -> Coerced:
    """Text and code columns: trimmed str or None; numbers become their plain text."""
    if set(map(type, raw)) <= {str}:
        return Coerced(_clean_strings(raw))
    out: list[str | None] = [None] * len(raw)
    numeric: list[int] = []
    problems: list[tuple[int, str]] = []
    for i, v in enumerate(raw):
        if v is None or v == "":
            continue
        if isinstance(v, str):
            text = clean_text(v) if not v.isascii() or v[:1].isspace() or v[-1:].isspace() else v
            out[i] = text or None
        elif isinstance(v, bool):
            out[i] = "TRUE" if v else "FALSE"
        elif isinstance(v, _NUMBER_TYPES):
            out[i] = number_text(v)
            numeric.append(i)
        elif isinstance(v, _DATE_TYPES):
            out[i] = v.isoformat()[:10] if isinstance(v, dt.datetime) and not v.time() else v.isoformat()
        else:
            out[i] = str(v)
    return Coerced(out, problems, numeric)


def _clean_strings(raw: Sequence[str]) -> Any:
    """The all-text fast path, vectorised in Arrow: trim, NFKC when needed, "" -> missing."""
    return clean_string_array(pa.array(raw, type=pa.large_string()))


def clean_string_array(array: Any) -> Any:
    """An Arrow string array (nulls allowed) trimmed and NFKC'd, "" -> missing, as pandas `str`."""
    if not pc.all(pc.string_is_ascii(array)).as_py():
        array = pc.utf8_normalize(array, form="NFKC")
    array = pc.utf8_trim_whitespace(array)
    return pd.array(pc.if_else(pc.equal(array, ""), None, array), dtype="str")


_CURRENCY = r"(?:[$€£¥]|US\$|RMB|USD|EUR|GBP|JPY|CNY)"
_NUMBER_RE = re.compile(
    rf"^\s*{_CURRENCY}?\s*(?P<sign>[-+])?\s*{_CURRENCY}?\s*(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)\s*{_CURRENCY}?\s*(?P<pct>%)?\s*$",
    re.IGNORECASE,
)
_GROUPED_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_AMBIGUOUS_RE = re.compile(r"^\d{1,3}[.,]\d{3}$")


def parse_number(text: str) -> tuple[float | None, bool]:
    """Number text -> (value, ambiguous). `1,234` and `1.234` are read but ambiguous."""
    t = clean_text(text).replace("\u202f", "").replace(" ", "")
    m = _NUMBER_RE.match(t)
    if not m:
        return None, False
    num = m.group("num")
    ambiguous = bool(_AMBIGUOUS_RE.match(num))
    if "," in num:
        if not _GROUPED_RE.match(num):
            return None, False
        num = num.replace(",", "")
    value = float(num)
    return (-value if m.group("sign") == "-" else value), ambiguous


def coerce_number(raw: Sequence[Any], integer: bool = False) -> Coerced:
    """Decimal and integer columns -> float64 (NaN blank or bad)."""
    types = set(map(type, raw))
    if types <= {float, int, type(None)} and (not integer or _all_whole(raw)):
        return Coerced(np.array(raw, dtype=float))
    if types <= {float, int, str, type(None)} and "" in raw and str in types:
        # blank cells only: still the fast path once blanks are None
        stripped = [None if v == "" else v for v in raw]
        if set(map(type, stripped)) <= {float, int, type(None)} and (not integer or _all_whole(stripped)):
            return Coerced(np.array(stripped, dtype=float))
    values = np.full(len(raw), np.nan)
    problems: list[tuple[int, str]] = []
    for i, v in enumerate(raw):
        if v is None or v == "":
            continue
        number: float | None
        if isinstance(v, (bool, *_DATE_TYPES)):
            number = None
        elif isinstance(v, _NUMBER_TYPES):
            number = float(v)
        elif isinstance(v, str):
            if not v.strip():
                continue
            number, ambiguous = parse_number(v)
            if ambiguous:
                problems.append((i, AMBIGUOUS_NUMBER))
        else:
            number = None
        if number is None or (integer and not float(number).is_integer()):
            problems.append((i, TYPE))
            continue
        values[i] = number
    return Coerced(values, problems)


def _all_whole(raw: Sequence[Any]) -> bool:
    arr = np.array(raw, dtype=float)
    finite = arr[~np.isnan(arr)]
    return bool(np.all(finite == np.round(finite)))


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$")
_DMY_NAME_RE = re.compile(r"^(\d{1,2})[-\s/.]*([a-z]{3,9})\.?[-\s/.,]*(\d{4}|\d{2})$")
_MDY_NAME_RE = re.compile(r"^([a-z]{3,9})\.?[-\s/.]*(\d{1,2})(?:st|nd|rd|th)?,?[-\s/.]*(\d{4})$")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _month(name: str) -> int | None:
    return (
        _MONTHS.get(name[:3])
        if name[:3] in _MONTHS
        and (
            len(name) == 3
            or name.startswith(
                (
                    "janu",
                    "febr",
                    "marc",
                    "apri",
                    "may",
                    "june",
                    "july",
                    "augu",
                    "sept",
                    "octo",
                    "nove",
                    "dece",
                )
            )
        )
        else None
    )


def _make(year: int, month: int, day: int) -> dt.datetime | None:
    try:
        return dt.datetime(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, date_order: str | None) -> tuple[dt.datetime | None, str | None]:
    """Text -> (date, problem). Problem: TYPE, AMBIGUOUS_DATE or None."""
    t = clean_text(text).casefold()
    if m := _ISO_RE.match(t):
        found = _make(int(m[1]), int(m[2]), int(m[3]))
        return (found, None) if found else (None, TYPE)
    if m := _NUMERIC_RE.match(t):
        a, b, year = int(m[1]), int(m[2]), _year(m[3])
        dmy, mdy = _make(year, b, a), _make(year, a, b)
        if dmy and mdy and dmy != mdy:
            if date_order == "DMY":
                return dmy, None
            if date_order == "MDY":
                return mdy, None
            return None, AMBIGUOUS_DATE
        found = dmy or mdy
        return (found, None) if found else (None, TYPE)
    if m := _DMY_NAME_RE.match(t):
        month = _month(m[2])
        found = _make(_year(m[3]), month, int(m[1])) if month else None
        return (found, None) if found else (None, TYPE)
    if m := _MDY_NAME_RE.match(t):
        month = _month(m[1])
        found = _make(int(m[3]), month, int(m[2])) if month else None
        return (found, None) if found else (None, TYPE)
    return None, TYPE


def coerce_date(
    raw: Sequence[Any], date_order: str | None, date1904: bool = False, allow_not_applicable: bool = False
) -> Coerced:
    """Date columns -> datetime64[us] (time of day dropped; NaT blank or bad)."""
    types = set(map(type, raw))
    if types <= {dt.date, dt.datetime, type(None), str} and not any(isinstance(v, str) and v for v in raw):
        return Coerced(to_day_array([None if v == "" else v for v in raw]))
    start = epoch(date1904)
    out: list[dt.datetime | None] = [None] * len(raw)
    problems: list[tuple[int, str]] = []
    for i, v in enumerate(raw):
        if v is None or v == "":
            continue
        if isinstance(v, dt.date):  # datetimes too: the time of day is dropped
            out[i] = dt.datetime(v.year, v.month, v.day)
        elif isinstance(v, _NUMBER_TYPES) and not isinstance(v, bool):
            if 1 <= v < 2958466:  # Excel's serial range (up to 9999-12-31)
                out[i] = start + dt.timedelta(days=int(v))
            else:
                problems.append((i, TYPE))
        elif isinstance(v, str):
            t = clean_text(v).casefold()
            if not t:
                continue
            if t == NOT_APPLICABLE and allow_not_applicable:
                problems.append((i, NOT_APPLICABLE_CELL))
            elif t in DATE_PLACEHOLDERS or t == NOT_APPLICABLE:
                problems.append((i, PLACEHOLDER))
            else:
                found, problem = parse_date(t, date_order)
                if problem:
                    problems.append((i, problem))
                out[i] = found
        else:
            problems.append((i, TYPE))
    return Coerced(to_day_array(out), problems)


def to_day_array(values: Sequence[Any]) -> Any:
    """Dates/datetimes/None -> numpy datetime64[us] at midnight (NaT for None).

    Goes through proleptic ordinals: numpy's own datetime-object conversion is ~15x slower.
    """
    ordinals = np.fromiter(
        (v.toordinal() if v is not None else 0 for v in values), dtype=np.int64, count=len(values)
    )
    days = (ordinals - _UNIX_ORDINAL).astype("datetime64[D]")
    days[ordinals == 0] = np.datetime64("NaT")
    return days.astype("datetime64[us]")
