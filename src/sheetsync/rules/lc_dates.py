"""Letter-of-credit dates (RULES.md §6): shipment, presentation, expiry.

Ship date: each shipment's ATD (the B/L on-board date); an order none of whose shipments
has departed falls back to its ETD Actual. The presentation Deadline counts from the
earliest ship date, because the order has a single Docs Sent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from sheetsync.book import Book
from sheetsync.findings import Finding
from sheetsync.rules.engine import Context, rule
from sheetsync.rules.lc import LC, trusted
from sheetsync.rules.orderdata import at_rows, by_key, child_rows, day, hits, lc_orders, lookup

DEFAULT_PRESENTATION_DAYS = 21  # UCP 600 art. 14(c)
DEPARTED = ("?Shipments.order_no", "?Shipments.atd")  # what departed() reads, when there are shipments


def departed(book: Book, orders: pd.DataFrame) -> pd.DataFrame:
    """Shipments rows of `orders` with an ATD."""
    shipments = book.get("Shipments")
    if shipments is None or not (shipments.has("order_no") and shipments.has("atd")):
        return pd.DataFrame({"key": pd.Series(dtype=object), "atd": pd.Series(dtype="datetime64[ns]")})
    ships = child_rows(book, "Shipments")
    return ships.loc[ships["key"].isin(orders["key"]) & ships["atd"].notna()]


def first_ship_date(book: Book, orders: pd.DataFrame) -> pd.Series:
    """Per Orders row: the earliest ATD of its shipments, else its ETD Actual."""
    atd = departed(book, orders).groupby("key")["atd"].min()
    dates: pd.Series = by_key(orders["key"], atd).fillna(orders["etd_actual"])
    normalised: pd.Series = dates.dt.normalize()
    return normalised


def today_of(ctx: Context) -> pd.Timestamp:
    return pd.Timestamp(ctx.today)


@rule(
    "lc-shipment-late",
    "lc-shipment-at-risk",
    needs=(*LC, *DEPARTED, "Orders.latest_shipment", "Orders.etd_actual", "Orders.etd_plan"),
)
def shipment_dates(book: Book, ctx: Context) -> Iterator[Finding]:
    """Ship by Latest Shipment (art. 29(c) does not extend it); plan ETD before it."""
    orders = lc_orders(book)
    latest = orders["latest_shipment"].dt.normalize()
    ships = departed(book, orders)
    if len(ships):
        latest_of_ship = lookup(orders, ships["key"], "latest_shipment").dt.normalize()
        late = ships["atd"].dt.normalize() > latest_of_ship
        yield from at_rows("lc-shipment-late", book.sheets["Shipments"], hits(ships, late), "atd")
    by_order = ~orders["key"].isin(ships["key"])
    etd_actual = orders["etd_actual"].dt.normalize()
    unshipped = by_order & etd_actual.isna()
    checks = (
        ("lc-shipment-late", "etd_actual", by_order & (etd_actual > latest)),
        ("lc-shipment-late", "latest_shipment", unshipped & (today_of(ctx) > latest)),
        ("lc-shipment-at-risk", "etd_plan", unshipped & (orders["etd_plan"].dt.normalize() > latest)),
    )
    for code, key, mask in checks:
        hit = hits(orders, mask)
        ls = [day(v) for v in latest[hit.index]]
        yield from at_rows(code, book.sheets["Orders"], hit, key, ls=ls)


def deadline(orders: pd.DataFrame, ship_date: pd.Series) -> pd.Series:
    """The earlier of ship date + Presentation Days and L/C Expiry."""
    days = orders["presentation_days"].fillna(DEFAULT_PRESENTATION_DAYS)
    by_days = ship_date + pd.to_timedelta(days, unit="D")
    expiry = orders["lc_expiry"].dt.normalize()
    return by_days.where(expiry.isna() | (by_days <= expiry), expiry)


@rule(
    "lc-presentation-late",
    "lc-presentation-at-risk",
    needs=(
        *LC,
        *DEPARTED,
        *(
            f"Orders.{k}"
            for k in (
                "presentation_days",
                "lc_expiry",
                "etd_plan",
                "etd_actual",
                "docs_sent_plan",
                "docs_sent_actual",
            )
        ),
    ),
)
def presentation(book: Book, ctx: Context) -> Iterator[Finding]:
    """Present documents by the Deadline (art. 14(c)); warn when the plan or the date is near."""
    orders = trusted(book, lc_orders(book), "presentation_days")
    shipped = first_ship_date(book, orders)
    due = deadline(orders, shipped)
    planned_due = deadline(orders, shipped.fillna(orders["etd_plan"].dt.normalize()))
    sent = orders["docs_sent_actual"].dt.normalize()
    unsent = shipped.notna() & sent.isna()
    today = today_of(ctx)
    soon = today + pd.Timedelta(days=book.settings.due_soon_days)
    checks = (
        ("lc-presentation-late", "docs_sent_actual", sent > due, due),
        ("lc-presentation-late", "docs_sent_actual", unsent & (today > due), due),
        ("lc-presentation-at-risk", "docs_sent_plan",
         sent.isna() & (orders["docs_sent_plan"].dt.normalize() > planned_due), planned_due),
        ("lc-presentation-at-risk", "docs_sent_actual", unsent & (today <= due) & (due <= soon), due),
    )  # fmt: skip
    for code, key, mask, when in checks:
        hit = hits(orders, mask)
        due_by = [day(v) for v in when[hit.index]]
        yield from at_rows(code, book.sheets["Orders"], hit, key, deadline=due_by)


@rule("lc-expired", needs=(*LC, *DEPARTED, "Orders.lc_expiry", "Orders.etd_actual"))
def expired(book: Book, ctx: Context) -> Iterator[Finding]:
    """An unshipped order whose credit has expired needs an extension."""
    orders = lc_orders(book)
    unshipped = first_ship_date(book, orders).isna()
    late = unshipped & (today_of(ctx) > orders["lc_expiry"].dt.normalize())
    yield from at_rows("lc-expired", book.sheets["Orders"], hits(orders, late), "lc_expiry")


@rule("lc-dates-inconsistent", needs=(*LC, "Orders.latest_shipment", "Orders.lc_expiry", "Orders.order_date"))
def dates_inconsistent(book: Book, ctx: Context) -> Iterator[Finding]:
    """Latest Shipment after expiry, or a credit that expired before the order was placed."""
    orders = lc_orders(book)
    expiry = orders["lc_expiry"].dt.normalize()
    checks = (
        ("latest_shipment", orders["latest_shipment"].dt.normalize() > expiry),
        ("lc_expiry", expiry < orders["order_date"].dt.normalize()),
    )
    for key, mask in checks:
        yield from at_rows("lc-dates-inconsistent", book.sheets["Orders"], hits(orders, mask), key)
