"""Shipments of a demo order: carriers, vessels, B/L and AWB numbers, ISO 6346 containers.

Only orders whose booking is confirmed ship. About one in eight shipped sea orders with
several lines goes in two shipments, a few days apart; the lines say which shipment carries them.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import TYPE_CHECKING

from sheetsync.demo.catalogue import AIR_CARRIERS, SEA_CARRIERS
from sheetsync.rules.codes import container_check_digit

if TYPE_CHECKING:
    from sheetsync.demo.model import Row
    from sheetsync.demo.orders import OrderBundle


def container_no(rng: random.Random, owner: str) -> str:
    """A valid container number for an owner prefix such as `MSCU`."""
    serial = f"{owner}{rng.randint(0, 999_999):06d}"
    return f"{serial}{container_check_digit(serial)}"


def awb_no(rng: random.Random, airline: str) -> str:
    """An air waybill number: airline prefix, 7-digit serial, check digit = serial mod 7."""
    serial = rng.randint(1_000_000, 9_999_999)
    return f"{airline}-{serial}{serial % 7}"


def _day(d: dt.date | None) -> dt.datetime | None:
    return None if d is None else dt.datetime(d.year, d.month, d.day)


def _split(rng: random.Random, bundle: OrderBundle, today: dt.date) -> int:
    """Days between two part shipments, or 0 when the order ships in one."""
    tl = bundle.timeline
    if bundle.mode != "Sea" or bundle.status not in ("Shipped", "Closed") or len(bundle.lines) < 2:
        return 0
    if rng.random() >= 0.12:
        return 0
    gap = rng.randint(3, 7)
    second = tl.actual["ETD"] + dt.timedelta(days=gap)
    latest = bundle.order.get("Latest Shipment")
    if second > today or (isinstance(latest, dt.datetime) and second > latest.date()):
        return 0
    if "ETA" in tl.actual and tl.actual["ETA"] - dt.timedelta(days=gap) < tl.actual["ETD"]:
        return 0
    return gap


def _carrier(rng: random.Random, mode: str) -> tuple[str, str, str, str]:
    """Carrier, vessel or flight, container owner prefix (sea), B/L or AWB number."""
    if mode == "Air":
        name, flight, airline = rng.choice(AIR_CARRIERS)
        return name, f"{flight} {rng.randint(100, 999)}", "", awb_no(rng, airline)
    name, vessels, owners, bl = rng.choice(SEA_CARRIERS)
    vessel = f"{rng.choice(vessels)} {rng.randint(100, 999)}{rng.choice('WE')}"
    return name, vessel, rng.choice(owners), f"{bl}{rng.randint(100_000_000, 999_999_999)}"


def make_shipments(rng: random.Random, bundle: OrderBundle, today: dt.date) -> list[Row]:
    """The order's shipment rows (none before booking), linking each line to its shipment."""
    tl = bundle.timeline
    if bundle.status not in ("Ready", "Shipped", "Closed") or "Booking Confirmed" not in tl.actual:
        return []
    gap = _split(rng, bundle, today)
    cut = rng.randint(1, len(bundle.lines) - 1) if gap else len(bundle.lines)
    parts = [bundle.lines[:cut], bundle.lines[cut:]] if gap else [bundle.lines]
    shipments: list[Row] = []
    for k, lines in enumerate(parts):
        offset = dt.timedelta(days=gap * k)
        later = dt.timedelta(days=gap * (k - len(parts) + 1))  # the last part arrives on ETA Actual
        shipment_no = f"{bundle.order['Order No']}-{k + 1}"
        carrier, vessel, owner, document = _carrier(rng, bundle.mode)
        volume = round(sum(float(str(line["Volume m3"])) for line in lines), 2)
        containers = [container_no(rng, owner) for _ in range(math.ceil(volume / 58))] if owner else []
        atd = tl.actual.get("ETD")
        ata = tl.actual.get("ETA")
        shipments.append(
            {
                "Shipment No": shipment_no,
                "Order No": bundle.order["Order No"],
                "Carrier": carrier,
                "Vessel / Flight": vessel,
                "B/L or AWB No": document if atd else None,
                "Container No": ";".join(containers) or None,
                "Packages": sum(int(str(line["Cartons"])) for line in lines),
                "Gross Weight kg": round(sum(float(str(line["Gross Weight kg"])) for line in lines), 2),
                "Volume m3": volume,
                "ETD": _day(tl.plan["ETD"] + offset),
                "ATD": _day(atd + offset if atd else None),
                "ETA": _day(tl.plan["ETA"] + offset),
                "ATA": _day(ata + later if ata else None),
                "Consignee": None,
                "Port of Discharge": None,
            }
        )
        for line in lines:
            line["Shipment No"] = shipment_no
    return shipments
