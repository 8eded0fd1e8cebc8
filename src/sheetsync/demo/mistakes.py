"""The mistakes real teams make, put into a few orders on purpose, each with the finding it must give.

Each mistake picks its order among those where it causes exactly the findings it lists and
no knock-on (e.g. a wrong amount goes on a T/T order, so no L/C total moves; a short
package count goes on a shipped order with one shipment). An order takes one mistake at most.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable

from sheetsync.demo.model import Pending, Row
from sheetsync.demo.orders import OrderBundle, day
from sheetsync.rules.codes import container_check_digit

Mistake = Callable[[random.Random, OrderBundle, dt.date], list[Pending]]
Eligible = Callable[[OrderBundle, dt.date], bool]

LIVE = ("Open", "Sampling", "In production", "Ready", "Shipped", "Closed")
UNSHIPPED = ("Open", "Sampling", "In production", "Ready")


def _date(row: Row, header: str) -> dt.date:
    value = row[header]
    assert isinstance(value, dt.datetime), header
    return value.date()


def wrong_amount(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """An old unit price left in a hard-typed Amount."""
    line = b.lines[0]
    step = 5.0 if b.order["Currency"] == "JPY" else 0.05
    line["Amount"] = round(float(str(line["Quantity"])) * (float(str(line["Unit Price"])) + step), 2)
    return [Pending("calc-line-amount", "Lines", line, "Amount")]


def gross_below_net(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """Net and gross typed into each other's column."""
    line = b.lines[-1]
    line["Net Weight kg"], line["Gross Weight kg"] = line["Gross Weight kg"], line["Net Weight kg"]
    return [Pending("calc-gross-lt-net", "Lines", line, "Gross Weight kg")]


def retired_term(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    b.order["Incoterm"] = "DDU"
    return [Pending("trade-incoterm-retired", "Orders", b.order, "Incoterm")]


def fob_by_air(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """FOB out of habit on an air shipment, named at the airport of loading."""
    b.order["Incoterm"] = "FOB"
    b.order["Incoterm Place"] = b.order["Port of Loading"]
    return [Pending("trade-incoterm-mode", "Orders", b.order, "Incoterm")]


def insured_at_100(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    b.order["Insurance %"] = 100
    return [Pending("trade-insurance-low", "Orders", b.order, "Insurance %")]


def bad_container(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """One digit of the serial mistyped, so the check digit no longer fits."""
    shipment = b.shipments[0]
    first, *rest = str(shipment["Container No"]).split(";")
    for shift in range(1, 10):
        serial = f"{first[:9]}{(int(first[9]) + shift) % 10}"
        if container_check_digit(serial) != int(first[10]):
            shipment["Container No"] = ";".join([serial + first[10], *rest])
            return [Pending("code-container", "Shipments", shipment, "Container No")]
    raise AssertionError(f"no mistyped serial found for {first}")


def uk_country(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    b.order["Buyer Country"] = "UK"
    return [Pending("code-country", "Orders", b.order, "Buyer Country")]


def unknown_currency(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """`UKP`, a pre-ISO abbreviation for sterling that still turns up."""
    b.order["Currency"] = "UKP"
    return [Pending("code-currency", "Orders", b.order, "Currency")]


def lc_too_small(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """The order grew after the credit was opened."""
    total = sum(float(str(line["Quantity"])) * float(str(line["Unit Price"])) for line in b.lines)
    step = 1000 if b.order["Currency"] == "JPY" else 10
    b.order["L/C Amount"] = float(math.floor(total * 0.9 / step) * step)
    return [Pending("lc-amount-exceeded", "Orders", b.order, "L/C Amount")]


def shipped_after_lsd(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """The vessel left three days after the credit's latest shipment date."""
    atd = _date(b.shipments[0], "ATD")
    b.order["Latest Shipment"] = day(atd - dt.timedelta(days=3))
    return [Pending("lc-shipment-late", "Shipments", b.shipments[0], "ATD")]


def etd_after_lsd(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """The planned sailing is after the latest shipment date: pull it in or amend the credit."""
    b.order["Latest Shipment"] = day(b.timeline.plan["ETD"] - dt.timedelta(days=5))
    return [Pending("lc-shipment-at-risk", "Orders", b.order, "ETD Plan")]


def overdue(milestone: str) -> Mistake:
    def forget(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
        """Done but never recorded: the plan has passed with no actual."""
        b.order[f"{milestone} Actual"] = None
        return [Pending("milestone-overdue", "Orders", b.order, f"{milestone} Plan")]

    return forget


def started_before_sample(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """Production started before the buyer approved the sample."""
    start = b.timeline.actual["Production Start"]
    b.order["Sample Approved Actual"] = day(start + dt.timedelta(days=4))
    return [Pending("milestone-out-of-sequence", "Orders", b.order, "Production Start Actual")]


def short_packages(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    """One carton short on the shipment row (miscounted at loading)."""
    shipment = b.shipments[0]
    shipment["Packages"] = int(str(shipment["Packages"])) - 1
    return [Pending("ship-packages", "Orders", b.order, None)]


def text_in_number(rng: random.Random, b: OrderBundle, today: dt.date) -> list[Pending]:
    line = b.lines[0]
    line["Volume m3"] = f"{line['Volume m3']} cbm"
    return [Pending("schema-type", "Lines", line, "Volume m3")]
