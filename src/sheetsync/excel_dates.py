"""Excel's date serials, in one place: the two epochs and a date's serial number.

A workbook counts days from 1899-12-30 (the 1900 system, with Lotus's phantom 1900-02-29) or,
when workbook.xml says `date1904`, from 1904-01-01.
"""

from __future__ import annotations

import datetime as dt

EPOCH_1900 = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)
_PHANTOM_LEAP_DAY = 61  # serial of 1900-03-01: days below it are one less in Excel's count


def epoch(date1904: bool = False) -> dt.datetime:
    """Day zero of the book's date system."""
    return EPOCH_1904 if date1904 else EPOCH_1900


def excel_serial(value: dt.date, date1904: bool = False) -> int | float:
    """A date (whole days) or datetime (with the fraction of the day) as the book's serial number."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    start = epoch(date1904)
    if moment.replace(tzinfo=None) < start:
        raise ValueError(f"Excel cannot store a date before {start.date()}: {value!r}")
    days = (moment.date() - start.date()).days
    if not date1904 and days < _PHANTOM_LEAP_DAY:
        days -= 1
    if not isinstance(value, dt.datetime):
        return days
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return days + seconds / 86400 if seconds else days
