"""Small, exactly reversible textual edits of OOXML parts.

Why text and not a parse-and-serialise: ElementTree renames namespace prefixes (ns0:) and so
breaks `mc:Ignorable="x14ac xr"`, which names prefixes; Excel then calls the book corrupt. An
insertion here adds one well-formed fragment at a place the schema allows, and removing that
exact fragment gives back the original bytes.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import unescape

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_ATTR_SPECIAL = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_')


def escape_text(text: str) -> str:
    """Text for an XML element, with Excel's `_xHHHH_` escape for characters XML forbids."""
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Text for a double-quoted XML attribute."""
    if not _ATTR_SPECIAL.search(text):
        return text
    text = escape_text(text).replace('"', "&quot;")
    return text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def text_of(body: bytes, tags: bytes = b"t") -> str:
    """The text inside `<t>` (or `<v>`) elements of a cell or shared-string item."""
    parts = re.findall(rb"<(?:[\w.-]+:)?[" + tags + rb"](?:\s[^>]*)?>([^<]*)<", body)
    return unescape(b"".join(parts).decode("utf-8"), {"&quot;": '"', "&apos;": "'"})


def root_prefix(xml: bytes, local: bytes) -> bytes:
    """The namespace prefix (with its colon, or empty) the root element `local` is written with."""
    found = re.search(rb"<([A-Za-z_][\w.-]*:)?" + local + rb"[\s>/]", xml)
    return (found.group(1) or b"") if found else b""


def declared_prefix(xml: bytes, namespace: bytes) -> bytes:
    """The prefix declared for `namespace` in the part (e.g. `r`), or raise ValueError."""
    found = re.search(rb'xmlns:([\w.-]+)\s*=\s*"' + re.escape(namespace) + rb'"', xml)
    if not found:
        raise ValueError(f"namespace {namespace.decode()} is not declared")
    return found.group(1)


def element_span(xml: bytes, tag: bytes, start: int = 0) -> tuple[int, int, int] | None:
    """(start, end of start tag, end) of the first element `tag` (prefixed name) from `start`.

    For an empty element `<tag .../>` the end of the start tag equals the end.
    """
    opening = re.compile(rb"<" + re.escape(tag) + rb"(?=[\s>/])[^>]*?(/?)>")
    found = opening.search(xml, start)
    if not found:
        return None
    if found.group(1):
        return found.start(), found.end(), found.end()
    close = xml.find(b"</" + tag + b">", found.end())
    if close < 0:
        raise ValueError(f"<{tag.decode()}> is not closed")
    return found.start(), found.end(), close + len(tag) + 3


def insert_before_first(xml: bytes, fragment: bytes, tags: list[bytes], fallback: bytes) -> bytes:
    """Insert `fragment` before the first of `tags` present (schema order), else before `fallback`."""
    positions = [span[0] for tag in tags if (span := element_span(xml, tag))]
    at = min(positions) if positions else xml.rindex(fallback)
    return xml[:at] + fragment + xml[at:]


def count_children(body: bytes, child: bytes) -> int:
    """How many `child` elements open in `body` (children of one container)."""
    return len(re.findall(rb"<" + re.escape(child) + rb"[\s>/]", body))


def _set_count(start_tag: bytes, count: int) -> bytes:
    return re.sub(rb'(\scount=")\d+(")', rb"\g<1>%d\g<2>" % count, start_tag, count=1)


def append_child(xml: bytes, container: bytes, child: bytes, fragment: bytes) -> tuple[bytes, int]:
    """Append `fragment` as the last `child` of `container`; return the new part and its index."""
    span = element_span(xml, container)
    if span is None:
        raise ValueError(f"<{container.decode()}> is missing")
    start, head_end, end = span
    head = xml[start:head_end]
    if head_end == end:  # <container count="0"/>
        index = 0
        new = _set_count(head[:-2] + b">", 1) + fragment + b"</" + container + b">"
    else:
        body = xml[head_end : end - len(container) - 3]
        index = count_children(body, child)
        new = _set_count(head, index + 1) + body + fragment + b"</" + container + b">"
    return xml[:start] + new + xml[end:], index


def remove_last_child(xml: bytes, container: bytes, fragment: bytes) -> bytes:
    """Undo `append_child`: drop `fragment` when it is the container's last child, else no change."""
    span = element_span(xml, container)
    if span is None or span[1] == span[2]:
        return xml
    start, head_end, end = span
    close = end - len(container) - 3
    if not xml[head_end:close].endswith(fragment):
        return xml
    body = xml[head_end : close - len(fragment)]
    count = re.search(rb'\scount="(\d+)"', xml[start:head_end])
    head = _set_count(xml[start:head_end], int(count.group(1)) - 1) if count else xml[start:head_end]
    new = head + body + b"</" + container + b">"
    if not body.strip():  # empty again; a container without a count was created: drop it whole
        new = head[:-1] + b"/>" if count else b""
    return xml[:start] + new + xml[end:]
