"""Party names compared as a bank would read them (RULES.md §10, ISBP 821 A1).

Case, punctuation, full-width characters and the usual abbreviations (Co., Ltd, Int'l) do not
make two names different.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Abbreviation -> the word it stands for, after punctuation became spaces (`Int'l` -> `int l`).
ABBREVIATIONS: dict[str, str] = {
    "co": "company",
    "cos": "companies",
    "ltd": "limited",
    "intl": "international",
    "int l": "international",
    "corp": "corporation",
    "inc": "incorporated",
    "mfg": "manufacturing",
    "mfrs": "manufacturers",
    "mfr": "manufacturer",
    "pte": "private",
    "pvt": "private",
    "bros": "brothers",
    "dept": "department",
}
_ABBREVIATION = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?!\w)"
)
_PUNCTUATION = re.compile(r"[^\w\s]|_")


@lru_cache(maxsize=65536)
def normalise_party(name: str) -> str:
    """`Ningbo Int'l Trading Co., Ltd.` -> `ningbo international trading company limited`."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = _PUNCTUATION.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+", " ", _ABBREVIATION.sub(lambda m: f" {ABBREVIATIONS[m.group(1)]} ", text)).strip()


def same_party(a: str | None, b: str | None) -> bool:
    """True when two party names are the same once normalised; two blanks are the same."""
    return normalise_party(a or "") == normalise_party(b or "")
