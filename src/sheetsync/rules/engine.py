"""The small engine that runs registered rules over a Book.

A rule is a function `(book, ctx) -> Iterable[Finding]` registered with `@rule`, naming the
codes it may emit and the sheets it needs. Adding a rule is one decorated function in the
module of its family; the engine skips rules whose sheets are absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sheetsync.book import Book
from sheetsync.findings import CATALOGUE, Finding


@dataclass(frozen=True)
class Context:
    """What a rule may need beyond the book: the date lateness is judged on.

    `shared` holds what several rules of one run derive from the same sheet (the milestone chain),
    built by the first rule that needs it; a Context serves one run over one book.
    """

    today: dt.date
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


RuleFn = Callable[[Book, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    name: str
    codes: tuple[str, ...]
    needs: tuple[str, ...]
    fn: RuleFn


REGISTRY: list[Rule] = []


def rule(*codes: str, needs: tuple[str, ...] = ("Orders", "Lines")) -> Callable[[RuleFn], RuleFn]:
    """Register a rule that may emit `codes` and runs when the sheets in `needs` were read."""
    for code in codes:
        if code not in CATALOGUE:
            raise KeyError(f"rule emits uncatalogued code {code!r}")

    def register(fn: RuleFn) -> RuleFn:
        REGISTRY.append(Rule(fn.__name__, codes, needs, fn))
        return fn

    return register


def run_rules(book: Book, ctx: Context, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Run every applicable rule; a rule emitting a code it did not declare is a bug."""
    found: list[Finding] = []
    for r in REGISTRY if rules is None else rules:
        if any(book.get(sheet) is None for sheet in r.needs):
            continue
        for f in r.fn(book, ctx):
            if f.code not in r.codes:
                raise AssertionError(f"rule {r.name} emitted undeclared code {f.code}")
            found.append(f)
    return found
