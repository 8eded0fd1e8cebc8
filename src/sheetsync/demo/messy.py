"""Valid messiness, as hand-kept books have it: none of it may give an error or a warning.

Text dates (`2026-03-04`, `4 Mar 2026`), numbers typed as text with unambiguous thousands
separators (`48,600.00`), trailing spaces, lower-case codes, `PCS` for pieces, numeric Order
Nos, a port written as a name, `N/A` for a sample a repeat order does not need. Only orders
without an injected mistake are touched, so the manifest stays exact.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from sheetsync.demo.orders import OrderBundle

Messiness = Callable[[OrderBundle], None]

TITLE_ROWS = ("Sunrise Global Sourcing Ltd — export order tracker", "Kept by the coordinators; do not sort")
RENAMED = {"Lines": {"Order No": "PO No", "Cartons": "Ctns"}}
PCS_BUYERS = ("Lakeshore Outfitters LLC", "Brightwater Retail Ltd")


def _iso_text(value: object) -> object:
    return value.date().isoformat() if isinstance(value, dt.datetime) else value


def _long_text(value: object) -> object:
    return f"{value.day} {value:%b %Y}" if isinstance(value, dt.datetime) else value


def iso_order_date(b: OrderBundle) -> None:
    b.order["Order Date"] = _iso_text(b.order["Order Date"])


def long_order_date(b: OrderBundle) -> None:
    b.order["Order Date"] = _long_text(b.order["Order Date"])


def text_actual(b: OrderBundle) -> None:
    b.order["Production Start Actual"] = _long_text(b.order.get("Production Start Actual"))


def text_amounts(b: OrderBundle) -> None:
    """L/C amount and line weights typed with thousands separators and two decimals."""
    if isinstance(b.order.get("L/C Amount"), float):
        b.order["L/C Amount"] = f"{b.order['L/C Amount']:,.2f}"
    for line in b.lines:
        line["Gross Weight kg"] = f"{line['Gross Weight kg']:,.2f}"


def trailing_spaces(b: OrderBundle) -> None:
    b.order["Buyer"] = f"{b.order['Buyer']}  "
    for line in b.lines:
        line["SKU"] = f"{line['SKU']} "


def lower_codes(b: OrderBundle) -> None:
    for header in ("Incoterm", "Currency", "Buyer Country"):
        b.order[header] = str(b.order[header]).lower()
    for line in b.lines:
        line["Origin"] = str(line["Origin"]).lower()


def port_as_name(b: OrderBundle) -> None:
    """`Ningbo, China` rather than CNNGB: the same port (RULES.md §9)."""
    names = {"CNNGB": "Ningbo, China", "CNSHA": "Shanghai, China", "NLRTM": "Rotterdam", "DEHAM": "Hamburg"}
    for header in ("Port of Loading", "Port of Discharge"):
        code = str(b.order[header])
        b.order[header] = names.get(code, code)


def sample_not_needed(b: OrderBundle) -> None:
    """A repeat order: no sample to approve."""
    if "Sample Approved" in b.timeline.actual and b.status != "Closed":
        b.order["Sample Approved Plan"] = "N/A"
        b.order["Sample Approved Actual"] = "N/A"


# (messiness, share of orders, which orders)
PLAN: tuple[tuple[Messiness, float, Callable[[OrderBundle], bool]], ...] = (
    (iso_order_date, 0.04, lambda b: True),
    (long_order_date, 0.03, lambda b: True),
    (text_actual, 0.03, lambda b: isinstance(b.order.get("Production Start Actual"), dt.datetime)),
    (text_amounts, 0.05, lambda b: True),
    (trailing_spaces, 0.04, lambda b: True),
    (lower_codes, 0.04, lambda b: True),
    (port_as_name, 0.03, lambda b: b.mode == "Sea"),
    (sample_not_needed, 0.01, lambda b: b.status in ("In production", "Ready", "Shipped")),
)


def mess_up(rng: random.Random, bundles: list[OrderBundle]) -> None:
    """Apply each kind of valid messiness to a few orders that carry no mistake."""
    for messiness, share, applies in PLAN:
        candidates = [b for b in bundles if "mistake" not in b.tags and applies(b)]
        for b in rng.sample(candidates, min(len(candidates), max(1, round(share * len(bundles))))):
            messiness(b)
    for b in bundles:
        if b.order["Buyer"] in PCS_BUYERS:
            for line in b.lines:
                line["Unit"] = "PCS" if line["Unit"] == "H87" else line["Unit"]
        for line in b.lines:
            if str(line["Order No"]).isdigit():
                line["Order No"] = int(str(line["Order No"]))
