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


def child_spans(xml: bytes, container: bytes, child: bytes) -> list[tuple[int, int]]:
    """(start, end) of each `child` element of the first `container` (prefixed names), in order."""
    span = element_span(xml, container)
    if span is None or span[1] == span[2]:
        return []
    name = re.escape(child)
    pattern = re.compile(rb"<%s(?=[\s>/])[^>]*?(?:/>|>.*?</%s>)" % (name, name), re.S)
    body_end = span[2] - len(container) - 3
    return [(m.start(), m.end()) for m in pattern.finditer(xml, span[1], body_end)]


def _shift_count(start_tag: bytes, by: int) -> bytes:
    """The start tag with its `count` attribute (if any) moved by `by`, whatever it said before."""
    return re.sub(
        rb'(\scount=")(\d+)(")', lambda m: b"%s%d%s" % (m[1], int(m[2]) + by, m[3]), start_tag, count=1
    )


def append_child(xml: bytes, container: bytes, child: bytes, fragment: bytes) -> tuple[bytes, int]:
    """Append `fragment` as the last `child` of `container`; return the new part and its index.

    A self-closed container is opened; a `count` goes up by one (so taking the child out again
    restores it exactly, even where a producer wrote a wrong count).
    """
    span = element_span(xml, container)
    if span is None:
        raise ValueError(f"<{container.decode()}> is missing")
    start, head_end, end = span
    index = len(child_spans(xml, container, child))
    if head_end == end:  # <container count="0"/>
        new = _shift_count(xml[start : end - 2] + b">", 1) + fragment + b"</" + container + b">"
        return xml[:start] + new + xml[end:], index
    close = end - len(container) - 3
    head = _shift_count(xml[start:head_end], 1)
    return xml[:start] + head + xml[head_end:close] + fragment + xml[close:], index


def drop_last_child(xml: bytes, container: bytes, child: bytes, shape: str) -> bytes:
    """Undo `append_child` for the container's last `child`; `shape` is what the container was
    before anything was appended: `a` absent (dropped once empty), `s` self-closed, else kept."""
    span = element_span(xml, container)
    children = child_spans(xml, container, child)
    if span is None or not children:
        return xml
    start, head_end, end = span
    head = _shift_count(xml[start:head_end], -1)
    body = xml[head_end : children[-1][0]]
    close = xml[children[-1][1] : end]
    new = head + body + close
    if len(children) == 1 and not body.strip():
        if shape == "a":
            new = b""
        elif shape == "s":
            new = head[:-1] + b"/>"
    return xml[:start] + new + xml[end:]
