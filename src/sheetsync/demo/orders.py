"""One clean, realistic order: its Orders row, its Lines rows and its Shipments rows.

Rows are dicts keyed by contract header. Every value is valid and consistent: amounts are
Quantity × Unit Price, cartons and weights follow the quantity, milestones come from
`timeline`, L/C terms cover the order, shipments carry exactly the order's cartons.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from sheetsync.demo.catalogue import (
    BUYER_WEIGHTS,
    BUYERS,
    COORDINATORS,
    DISCHARGE_NAMES,
    FAMILIES_BY_ORIGIN,
    LOADING_AIRPORTS,
    LOADING_PORTS,
    ORIGIN_WEIGHTS,
    PRODUCTS,
    Buyer,
    Port,
    Product,
)
from sheetsync.demo.model import Row
from sheetsync.demo.shipping import make_shipments
from sheetsync.demo.timeline import Timeline, build_timeline

RATES = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "JPY": 150.0}  # units of each currency per US dollar
BASE_CURRENCY = "USD"


def base_rates(today: dt.date) -> list[tuple[str, float, dt.date]]:
    """The demo's Rates table: 1 unit of each currency in US dollars (6 significant digits), as of
    the first of this month."""
    as_of = today.replace(day=1)
    return [(c, float(f"{1 / per_usd:.6g}"), as_of) for c, per_usd in RATES.items() if c != BASE_CURRENCY]


COLOURS = (
    ("WHT", "white"),
    ("NVY", "navy"),
    ("GRY", "grey"),
    ("SAG", "sage"),
    ("OAT", "oatmeal"),
    ("BLK", "black"),
    ("TER", "terracotta"),
)
SEA_TERMS = (("FOB", 45), ("CIF", 14), ("CFR", 9), ("FCA", 10), ("DAP", 10), ("DDP", 6), ("EXW", 6))
AIR_TERMS = (("FCA", 60), ("CPT", 20), ("CIP", 20))
PAYMENTS = (("T/T", 58), ("L/C at sight", 22), ("L/C usance", 8), ("D/P", 6), ("Open account", 6))


@dataclass
class OrderBundle:
    """A generated order with the facts the mistake injector needs to pick safe targets."""

    order: Row
    lines: list[Row]
    shipments: list[Row]
    timeline: Timeline
    status: str
    lc: bool
    mode: str
    tags: set[str] = field(default_factory=set)
    extra_orders: list[Row] = field(default_factory=list)  # rows pasted below the order (duplicates)


def day(d: dt.date) -> dt.datetime:
    """A date as Excel stores it (midnight datetime)."""
    return dt.datetime(d.year, d.month, d.day)


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def price_in(rng: random.Random, product: Product, currency: str) -> float:
    usd = rng.uniform(*product.price)
    return float(round(usd * RATES[currency])) if currency == "JPY" else round(usd * RATES[currency], 2)


def make_lines(rng: random.Random, order_no: str, products: list[Product], currency: str) -> list[Row]:
    """Order lines: full cartons, weights and volume from the product's packing data."""
    lines: list[Row] = []
    for n, product in enumerate(products, start=1):
        code, colour = rng.choice(COLOURS)
        cartons = max(1, rng.randint(*product.qty) // product.per_carton)
        qty = cartons * product.per_carton
        price = price_in(rng, product, currency)
        net = round(qty * product.net_kg, 2)
        lines.append(
            {
                "Order No": order_no,
                "Line": n,
                "SKU": f"{product.sku}-{code}",
                "Description": f"{product.description}, {colour}",
                "HS Code": product.hs,
                "Quantity": qty,
                "Unit": product.unit,
                "Unit Price": price,
                "Cartons": cartons,
                "Net Weight kg": net,
                "Gross Weight kg": round(net + cartons * product.tare_kg, 2),
                "Volume m3": round(cartons * product.cbm, 2),
                "Shipment No": None,
            }
        )
    return lines


def choose_products(rng: random.Random, buyer: Buyer, origin: str) -> list[Product]:
    families = [f for f in buyer.families if f in FAMILIES_BY_ORIGIN[origin]] or list(
        FAMILIES_BY_ORIGIN[origin]
    )
    family = rng.choice(families)
    pool = [p for p in PRODUCTS if p.family == family]
    count = rng.choices((1, 2, 3, 4, 5, 6), (14, 20, 30, 20, 10, 6))[0]
    return [rng.choice(pool) for _ in range(count)]


def trade_terms(rng: random.Random, buyer: Buyer, origin: str, mode: str) -> tuple[str, str, Port, Port]:
    """Incoterm, its named place, port of loading and port of discharge."""
    if mode == "Air":
        pol = LOADING_AIRPORTS[origin]
        pod = Port(buyer.airport, DISCHARGE_NAMES[buyer.airport])
        term = pick(rng, AIR_TERMS)
    else:
        pol = rng.choice(LOADING_PORTS[origin])
        code = rng.choice(buyer.ports)
        pod = Port(code, DISCHARGE_NAMES[code])
        term = pick(rng, SEA_TERMS)
    place = {
        "FOB": pol.name,
        "FCA": pol.name,
        "CFR": pod.name,
        "CIF": pod.name,
        "CPT": pod.name,
        "CIP": pod.name,
        "DAP": pod.name,
        "DDP": pod.name,
        "EXW": f"{pol.name} factory",
    }[term]
    return term, place, pol, pod


def lc_terms(rng: random.Random, seq: int, total: float, currency: str, etd_plan: dt.date) -> Row:
    """L/C fields covering the order: amount ≥ total, shipment well after ETD, expiry after that."""
    step = 1000 if currency == "JPY" else 10
    amount = math.ceil(total * rng.choice((1.0, 1.0, 1.02, 1.05, 1.1)) / step) * step
    latest = etd_plan + dt.timedelta(days=rng.randint(14, 25))
    return {
        "L/C No": f"{rng.choice(('ILC', 'LC', 'DC'))}/{etd_plan:%y}/{40000 + seq * 7:06d}",
        "L/C Amount": float(amount),
        "L/C Expiry": day(latest + dt.timedelta(days=rng.randint(21, 30))),
        "Latest Shipment": day(latest),
        "Presentation Days": rng.choice((21, 21, 21, 15)),
    }


def make_order(rng: random.Random, seq: int, order_date: dt.date, today: dt.date) -> OrderBundle:
    """One clean order placed on `order_date`, judged on `today`."""
    buyer = rng.choices(BUYERS, BUYER_WEIGHTS)[0]
    origin = rng.choices(list(ORIGIN_WEIGHTS), list(ORIGIN_WEIGHTS.values()))[0]
    mode = "Air" if rng.random() < 0.08 else "Sea"
    term, place, pol, pod = trade_terms(rng, buyer, origin, mode)
    payment = pick(rng, PAYMENTS)
    lc = payment.startswith("L/C")
    deposit = 30 if payment == "T/T" else None
    transit = (
        rng.randint(2, 4) if mode == "Air" else rng.randint(*buyer.transit) - (15 if origin == "TR" else 0)
    )
    timeline, status = build_timeline(rng, order_date, today, bool(deposit), max(transit, 4), 5 if lc else 10)
    if status == "Closed" and rng.random() < 0.2:
        status = "Shipped"  # balance in, not yet closed
    elif status in ("Sampling", "In production") and rng.random() < 0.05:
        status = "Cancelled"
    order_no = buyer.po_format.format(n=1000 + seq)
    products = choose_products(rng, buyer, origin)
    lines = make_lines(rng, order_no, products, buyer.currency)
    for line in lines:
        line["Origin"] = origin
    order: Row = {
        "Order No": order_no,
        "Order Date": day(order_date),
        "Buyer": buyer.name,
        "Buyer Country": buyer.country,
        "Consignee": buyer.consignee,
        "Notify Party": buyer.notify,
        "Incoterm": term,
        "Incoterm Place": place,
        "Transport Mode": mode,
        "Port of Loading": pol.locode,
        "Port of Discharge": pod.locode,
        "Currency": buyer.currency,
        "Payment Terms": payment,
        "Deposit %": deposit,
        "Insurance %": 110 if term in ("CIF", "CIP") else None,
        "Coordinator": rng.choice(COORDINATORS[origin]),
        "Status": status,
    }
    if lc:
        total = sum(float(str(line["Quantity"])) * float(str(line["Unit Price"])) for line in lines)
        order |= lc_terms(rng, seq, total, buyer.currency, timeline.plan["ETD"])
    for m, plan in timeline.plan.items():
        order[f"{m} Plan"] = day(plan)
        order[f"{m} Actual"] = day(timeline.actual[m]) if m in timeline.actual else None
    bundle = OrderBundle(order, lines, [], timeline, status, lc, mode)
    bundle.shipments = make_shipments(rng, bundle, today)
    return bundle
