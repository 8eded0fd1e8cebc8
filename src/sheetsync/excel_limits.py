"""Excel's own limits for what sheetsync writes (Microsoft, "Excel specifications and limits").

A sheet past them is not an error sheetsync may leave for Excel to find: Excel would "repair"
the user's book and drop content. Writers cap at these and say what they left out.
"""

from __future__ import annotations

MAX_ROWS = 1_048_576  # rows per worksheet
MAX_COLUMNS = 16_384  # columns per worksheet (A to XFD)
MAX_CELL_TEXT = 32_767  # characters in a cell
MAX_HYPERLINKS = 65_530  # hyperlinks per worksheet (XlsxWriter enforces the same figure)


def rows_listed(count: int) -> int:
    """How many of `count` data rows fit under a header row: all, or all but room for a note row."""
    return count if count < MAX_ROWS else MAX_ROWS - 2
