"""sheetsync's record of what it added to a book, kept in the book as a hidden defined name.

`clear` removes a style record only when this record names it: at its index, with the same
content (a hash of its canonical form), and still the last of its list — never a record
recognised by its shape, which a user's own record can share. The record is a defined name
holding a text constant, `_sheetsync_marks`, so it survives a re-save by Excel (which keeps
hidden names) and the Excel face can read and write it like any name:

    "sheetsync1 names:s fonts:c:3:1f2e3d4c.5b6a7980 cellXfs:c:1:0a1b2c3d dxfs:a:0:99aa88bb"

Each list is `container:shape:first index:hash.hash…`; a shape says what the container was
before sheetsync appended to it (`a` absent, `s` written self-closed, `o` open and empty, `c`
with children), so that taking the additions out gives back the original bytes. `names` is the
shape of `<definedNames>` before sheetsync's names went in.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

NAME = "_sheetsync_marks"
VERSION = "sheetsync1"
SHAPES = frozenset("asoc")
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?([\w.-]+)((?:\s[^>]*?)?)(/?)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_EMPTY_PAIR = re.compile(rb"<((?:[\w.-]+:)?[\w.-]+)(\s[^>]*)?>\s*</\1>")


def fingerprint(record: bytes) -> str:
    """A hash of a style record's canonical form: prefixes, attribute order, `<a></a>` vs `<a/>`
    and whitespace between tags do not count; names, attribute values and text do."""
    record = _EMPTY_PAIR.sub(lambda m: b"<" + m.group(1) + (m.group(2) or b"") + b"/>", record)
    canonical = bytearray()
    at = 0
    for tag in _TAG.finditer(record):
        canonical += record[at : tag.start()].strip()
        attrs = sorted(
            (re.sub(rb"^[\w.-]+:", b"", m.group(1)), m.group(2) or m.group(3) or b"")
            for m in _ATTR.finditer(tag.group(3))
            if not m.group(1).startswith(b"xmlns")
        )
        canonical += b"<" + tag.group(1) + tag.group(2)
        canonical += b"".join(b" %s=%s" % pair for pair in attrs) + tag.group(4) + b">"
        at = tag.end()
    canonical += record[at:].strip()
    return hashlib.sha256(bytes(canonical)).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Added:
    """Records sheetsync appended to one list: its shape before, the first index, their hashes."""

    shape: str
    first: int
    hashes: tuple[str, ...]

    @property
    def indices(self) -> range:
        return range(self.first, self.first + len(self.hashes))


@dataclass(slots=True)
class Ledger:
    """What one mark added: style records per list, and the shape `<definedNames>` had."""

    styles: dict[str, Added] = field(default_factory=dict)
    names_shape: str = "a"

    def text(self) -> str:
        lists = " ".join(
            f"{name}:{added.shape}:{added.first}:{'.'.join(added.hashes)}"
            for name, added in self.styles.items()
            if added.hashes
        )
        return f"{VERSION} names:{self.names_shape} {lists}".strip()

    def formula(self) -> str:
        """The defined name's content: a text constant (Excel allows 255 characters in one)."""
        text = self.text()
        if len(text) > 255:
            raise ValueError("sheetsync's record of its styles is longer than Excel allows")
        return f'"{text}"'


def parse(formula: str) -> Ledger | None:
    """The ledger a `_sheetsync_marks` name holds; None when it is not one sheetsync can read."""
    text = formula.strip().lstrip("=").strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return None
    words = text[1:-1].split()
    if not words or words[0] != VERSION:
        return None
    ledger = Ledger()
    for word in words[1:]:
        parts = word.split(":")
        if parts[0] == "names" and len(parts) == 2 and parts[1] in SHAPES:
            ledger.names_shape = parts[1]
            continue
        if len(parts) != 4 or parts[1] not in SHAPES or not parts[2].isdigit():
            return None
        hashes = tuple(parts[3].split("."))
        if not all(re.fullmatch(r"[0-9a-f]{8}", h) for h in hashes):
            return None
        ledger.styles[parts[0]] = Added(parts[1], int(parts[2]), hashes)
    return ledger
