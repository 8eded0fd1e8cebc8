"""The small engine that runs registered rules over a Book.

A rule is a function `(book, ctx) -> Iterable[Finding]` registered with `@rule`, naming the
codes it may emit and what it needs: sheets (`"Shipments"`) and columns (`"Orders.status"`).
Adding a rule is one decorated function in the module of its family; the engine skips rules
whose sheets or columns are absent (an absent required column is already a
`schema-header-missing` finding). A rule that raises becomes one `internal-error` finding,
its traceback in a log file; the other rules still run.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheetsync.book import Book
from sheetsync.findings import CATALOGUE, INTERNAL_ERROR, Finding, finding


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
    needs: tuple[str, ...]  # "Sheet" or "Sheet.column_key"
    fn: RuleFn

    @property
    def family(self) -> str:
        """The rule's family: the module under rules/ it is written in (`milestones`, `lc_dates`)."""
        module: str = getattr(self.fn, "func", self.fn).__module__
        return module.rsplit(".", 1)[-1]

    def sheets(self) -> tuple[str, ...]:
        """The sheets the rule cannot run without."""
        return tuple(dict.fromkeys(need.split(".")[0] for need in self.needs if not need.startswith("?")))

    def columns(self) -> tuple[tuple[str, str], ...]:
        """(sheet, column key) pairs the rule cannot run without."""
        needed = (n.partition(".") for n in self.needs if not n.startswith("?"))
        return tuple((s, k) for s, _, k in needed if k)

    def applies(self, book: Book) -> bool:
        """Every sheet and column the rule needs was read; `?Sheet.key`: if that sheet was read."""
        if any(book.get(sheet) is None for sheet in self.sheets()):
            return False
        for need in self.optional:
            sheet, _, key = need.partition(".")
            found = book.get(sheet)
            if found is not None and not found.has(key):
                return False
        return all(book.sheets[sheet].has(key) for sheet, key in self.columns())

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(n[1:] for n in self.needs if n.startswith("?"))


REGISTRY: list[Rule] = []


def rule(*codes: str, needs: tuple[str, ...] = ("Orders", "Lines")) -> Callable[[RuleFn], RuleFn]:
    """Register a rule that may emit `codes`; it runs when the sheets and columns in `needs` were read."""
    for code in codes:
        if code not in CATALOGUE:
            raise KeyError(f"rule emits uncatalogued code {code!r}")

    def register(fn: RuleFn) -> RuleFn:
        add_rule(fn.__name__, codes, needs, fn)
        return fn

    return register


def add_rule(name: str, codes: tuple[str, ...], needs: tuple[str, ...], fn: RuleFn) -> Rule:
    """Register one rule (for families that make a rule per milestone or per pair)."""
    for code in codes:
        if code not in CATALOGUE:
            raise KeyError(f"rule emits uncatalogued code {code!r}")
    made = Rule(name, codes, needs, fn)
    REGISTRY.append(made)
    return made


def run_rules(book: Book, ctx: Context, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Run every applicable rule; one that fails (or emits a code it did not declare) is an internal-error."""
    found: list[Finding] = []
    failed: set[str] = set()  # families already reported: one internal-error each
    for r in REGISTRY if rules is None else rules:
        if not r.applies(book):
            continue
        try:
            emitted = list(r.fn(book, ctx))
            for f in emitted:
                if f.code not in r.codes:
                    raise AssertionError(f"rule {r.name} emitted undeclared code {f.code}")
        except Exception as exc:  # reported as an internal-error finding, its traceback in a log
            if r.family not in failed:
                failed.add(r.family)
                found.append(internal_error(book, f"{r.family} ({r.name})", exc, (r.sheets() or ("",))[0]))
            continue
        found.extend(emitted)
    return found


def log_dir() -> Path:
    """Where tracebacks of internal errors go: $SHEETSYNC_LOG_DIR, else a sheetsync temp folder."""
    folder = Path(os.environ.get("SHEETSYNC_LOG_DIR") or Path(tempfile.gettempdir()) / "sheetsync-logs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_log(path: Path, what: str, exc: BaseException) -> str:
    """Write `exc`'s traceback to a new log file (for the user to send in); its path."""
    fd, log = tempfile.mkstemp(prefix="sheetsync-internal-", suffix=".log", dir=log_dir())
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"sheetsync internal error in {what} on {path}\n\n")
        fh.write("".join(traceback.format_exception(exc)))
    return log


def internal_error(book: Book, family: str, exc: BaseException, sheet: str = "") -> Finding:
    """One `internal-error` finding for a failed part of the check; its traceback goes to a log file."""
    log = write_log(book.path, f"the {family} checks", exc)
    return finding(INTERNAL_ERROR, sheet, None, family=family, error=type(exc).__name__, log=log)
