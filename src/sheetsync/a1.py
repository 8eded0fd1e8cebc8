"""Excel's A1 column letters, in one place (no dependencies: the hostile-file guard uses it too).

`column_letter` takes a 0-based index, as Python sequences count; `column_number` gives the
1-based number Excel shows (A -> 1), as cell references count.
"""

from __future__ import annotations


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA, 16383 -> XFD)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """Excel column letters -> 1-based number (A -> 1, XFD -> 16384)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number
