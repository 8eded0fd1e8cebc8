"""Incoterms, transport mode, insurance and ports (RULES.md §7).

trade-freight-term is not here yet: it reads Shipping Instruction tabs, which no code
generates so far.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from sheetsync.book import Book
from sheetsync.contract.codelists import RETIRED_INCOTERMS, SEA_ONLY_INCOTERMS, TRANSPORT_MODES
from sheetsync.findings import Finding
from sheetsync.rules.engine import Context, rule
from sheetsync.rules.orderdata import INDEXED, SHIPMENTS, at_rows, child_rows, hits, live_orders, text
from sheetsync.rules.ports.match import PortComparison, compare_ports

LOADING_TERMS = frozenset({"FAS", "FOB"})  # named place = port of loading
DISCHARGE_TERMS = frozenset({"CFR", "CIF"})  # named place = port of discharge
INSURED_TERMS = frozenset({"CIF", "CIP"})
PORTS = ("Orders.port_of_loading", "Orders.port_of_discharge")
MIN_INSURANCE_PCT = 110.0


def same_ports(book: Book, a: pd.Series, b: pd.Series) -> pd.Series:
    """compare_ports on each row, called once per distinct pair; null where either is blank."""
    pairs = pd.DataFrame({"a": a, "b": b}).dropna()
    code_a, names_a = pd.factorize(pairs["a"])
    code_b, names_b = pd.factorize(pairs["b"])
    distinct, each = np.unique(code_a * len(names_b) + code_b, return_inverse=True)
    verdicts = np.array(
        [
            compare_ports(names_a[p // len(names_b)], names_b[p % len(names_b)], book.port_aliases)
            for p in distinct
        ],
        dtype=object,
    )
    return pd.Series(verdicts[each], index=pairs.index, dtype=object).reindex(a.index)


@rule("trade-incoterm-retired", needs=(*INDEXED, "Orders.incoterm"))
def retired_incoterm(book: Book, ctx: Context) -> Iterator[Finding]:
    """DDU, DAF, DES, DEQ and DAT left the Incoterms rules; name the 2020 successor."""
    orders = live_orders(book)
    hit = hits(orders, orders["incoterm"].isin(RETIRED_INCOTERMS))
    new = [RETIRED_INCOTERMS[term] for term in hit["incoterm"]]
    yield from at_rows("trade-incoterm-retired", book.sheets["Orders"], hit, "incoterm", new=new)


@rule("trade-incoterm-mode", needs=(*INDEXED, "Orders.incoterm", "Orders.transport_mode"))
def sea_term_off_sea(book: Book, ctx: Context) -> Iterator[Finding]:
    """FAS, FOB, CFR and CIF are sea and inland-waterway rules."""
    orders = live_orders(book)
    mode = orders["transport_mode"]
    off_sea = orders["incoterm"].isin(SEA_ONLY_INCOTERMS) & mode.isin(TRANSPORT_MODES) & (mode != "Sea")
    yield from at_rows("trade-incoterm-mode", book.sheets["Orders"], hits(orders, off_sea), "incoterm")


@rule("trade-incoterm-container", needs=(*INDEXED, *SHIPMENTS, "Orders.incoterm", "Shipments.container_no"))
def sea_term_in_container(book: Book, ctx: Context) -> Iterator[Finding]:
    """A sea-only term for goods whose shipments name a container: FCA/CPT/CIP fit better."""
    orders = live_orders(book)
    ships = child_rows(book, "Shipments")
    containerised = ships.loc[ships["container_no"].notna(), "key"].unique()
    sea_term = orders["incoterm"].isin(SEA_ONLY_INCOTERMS) & orders["key"].isin(containerised)
    yield from at_rows("trade-incoterm-container", book.sheets["Orders"], hits(orders, sea_term), "incoterm")


@rule("trade-incoterm-place", needs=(*INDEXED, *PORTS, "Orders.incoterm", "Orders.incoterm_place"))
def named_place_vs_port(book: Book, ctx: Context) -> Iterator[Finding]:
    """FAS/FOB name the port of loading; CFR/CIF the port of discharge."""
    orders = live_orders(book)
    term = orders["incoterm"]
    port = orders["port_of_loading"].where(term.isin(LOADING_TERMS))
    port = port.where(~term.isin(DISCHARGE_TERMS), orders["port_of_discharge"])
    verdict = same_ports(book, orders["incoterm_place"], port)
    hit = hits(orders, verdict == PortComparison.DIFFERENT)
    named = [text(p) for p in port[hit.index]]
    yield from at_rows("trade-incoterm-place", book.sheets["Orders"], hit, "incoterm_place", port=named)


@rule("trade-insurance-low", needs=(*INDEXED, "Orders.incoterm", "Orders.insurance_pct"))
def insurance_low(book: Book, ctx: Context) -> Iterator[Finding]:
    """CIF and CIP cover at least 110 % of the value (Incoterms A5, UCP 600 28(f)(ii))."""
    orders = live_orders(book)
    low = orders["incoterm"].isin(INSURED_TERMS) & (orders["insurance_pct"] < MIN_INSURANCE_PCT)
    yield from at_rows("trade-insurance-low", book.sheets["Orders"], hits(orders, low), "insurance_pct")


@rule("trade-port-same", needs=(*INDEXED, *PORTS))
def same_port(book: Book, ctx: Context) -> Iterator[Finding]:
    """Goods cannot be loaded and discharged at the same port."""
    orders = live_orders(book)
    verdict = same_ports(book, orders["port_of_loading"], orders["port_of_discharge"])
    hit = hits(orders, verdict == PortComparison.EQUAL)
    yield from at_rows("trade-port-same", book.sheets["Orders"], hit, "port_of_discharge")
