"""Reference data the demo draws from: buyers, ports, products, carriers (invented names, real codes)."""

from __future__ import annotations

from dataclasses import dataclass

EXPORTER_NAME = "Sunrise Global Sourcing Ltd"
EXPORTER_ADDRESS = (
    "Unit 1203, 12/F, Harbour Centre Tower 2, 8 Hok Cheung Street, Hung Hom, Kowloon, Hong Kong"
)


@dataclass(frozen=True)
class Port:
    """A real UN/LOCODE, the name coordinators type for it, and its country."""

    locode: str
    name: str

    @property
    def country(self) -> str:
        return self.locode[:2]


@dataclass(frozen=True)
class Buyer:
    name: str
    country: str
    currency: str
    consignee: str
    notify: str | None
    ports: tuple[str, ...]  # sea ports of discharge (LOCODEs)
    airport: str  # air destination (LOCODE)
    po_format: str  # e.g. "NH-{n:05d}"; digits-only formats are SAP-style numeric POs
    transit: tuple[int, int]  # sea days from Asia
    families: tuple[str, ...]


@dataclass(frozen=True)
class Product:
    family: str
    sku: str
    description: str
    hs: str
    unit: str
    price: tuple[float, float]  # USD per unit
    per_carton: int
    net_kg: float  # per unit
    tare_kg: float  # per carton
    cbm: float  # per carton
    qty: tuple[int, int]


LOADING_PORTS: dict[str, tuple[Port, ...]] = {
    "CN": (
        Port("CNSHA", "Shanghai"),
        Port("CNNGB", "Ningbo"),
        Port("CNYTN", "Yantian"),
        Port("CNTAO", "Qingdao"),
        Port("CNXMN", "Xiamen"),
    ),
    "VN": (Port("VNSGN", "Ho Chi Minh City"), Port("VNHPH", "Haiphong")),
    "BD": (Port("BDCGP", "Chittagong"),),
    "IN": (Port("INNSA", "Nhava Sheva"), Port("INMUN", "Mundra"), Port("INMAA", "Chennai")),
    "TR": (Port("TRMER", "Mersin"), Port("TRIZM", "Izmir")),
}
ORIGIN_WEIGHTS: dict[str, int] = {"CN": 60, "VN": 12, "BD": 8, "IN": 10, "TR": 10}
LOADING_AIRPORTS: dict[str, Port] = {
    "CN": Port("CNPVG", "Shanghai Pudong"),
    "VN": Port("VNSGN", "Ho Chi Minh City"),
    "BD": Port("BDCGP", "Chittagong"),
    "IN": Port("INBOM", "Mumbai"),
    "TR": Port("TRIST", "Istanbul"),
}
DISCHARGE_NAMES: dict[str, str] = {
    "NLRTM": "Rotterdam",
    "BEANR": "Antwerp",
    "DEHAM": "Hamburg",
    "DEBRV": "Bremerhaven",
    "GBFXT": "Felixstowe",
    "GBSOU": "Southampton",
    "FRLEH": "Le Havre",
    "ESVLC": "Valencia",
    "ITGOA": "Genoa",
    "SEGOT": "Gothenburg",
    "PLGDN": "Gdansk",
    "USLAX": "Los Angeles",
    "USLGB": "Long Beach",
    "USNYC": "New York",
    "USSAV": "Savannah",
    "USHOU": "Houston",
    "USSEA": "Seattle",
    "JPTYO": "Tokyo",
    "JPYOK": "Yokohama",
    "DEFRA": "Frankfurt",
    "GBLHR": "London Heathrow",
    "USJFK": "New York JFK",
    "JPNRT": "Tokyo Narita",
}

HOME = ("home", "kitchen")
BUYERS: tuple[Buyer, ...] = (
    Buyer(
        "Nordic Home AB",
        "SE",
        "EUR",
        "Nordic Home AB",
        "Scan Logistics AB",
        ("SEGOT",),
        "DEFRA",
        "NH-{n:05d}",
        (32, 38),
        (*HOME, "furniture"),
    ),
    Buyer(
        "Hansa Wohnen GmbH",
        "DE",
        "EUR",
        "Hansa Wohnen GmbH Logistikzentrum Nord",
        None,
        ("DEHAM", "DEBRV"),
        "DEFRA",
        "45{n:08d}",
        (30, 36),
        (*HOME, "furniture"),
    ),
    Buyer(
        "Maison Lumière SAS",
        "FR",
        "EUR",
        "Maison Lumière SAS",
        "Transports Delmas SA",
        ("FRLEH",),
        "DEFRA",
        "ML{n:06d}",
        (30, 35),
        (*HOME, "apparel"),
    ),
    Buyer(
        "Brightwater Retail Ltd",
        "GB",
        "GBP",
        "Brightwater Retail Ltd",
        "Harbour Freight UK Ltd",
        ("GBFXT", "GBSOU"),
        "GBLHR",
        "BW/{n:05d}",
        (30, 36),
        ("apparel", "home"),
    ),
    Buyer(
        "Casa Verde Distribuzione S.r.l.",
        "IT",
        "EUR",
        "Casa Verde Distribuzione S.r.l.",
        None,
        ("ITGOA",),
        "DEFRA",
        "CV-{n:04d}",
        (26, 32),
        ("kitchen", "home"),
    ),
    Buyer(
        "Textiles del Mar S.L.",
        "ES",
        "EUR",
        "Textiles del Mar S.L.",
        None,
        ("ESVLC",),
        "DEFRA",
        "TDM{n:05d}",
        (26, 32),
        ("home", "fabric"),
    ),
    Buyer(
        "Van Dijk Wonen B.V.",
        "NL",
        "EUR",
        "Van Dijk Wonen B.V.",
        "Rhenus Logistics B.V.",
        ("NLRTM",),
        "DEFRA",
        "VDW-{n:05d}",
        (30, 35),
        (*HOME, "furniture"),
    ),
    Buyer(
        "Polska Dom Sp. z o.o.",
        "PL",
        "EUR",
        "Polska Dom Sp. z o.o.",
        None,
        ("PLGDN",),
        "DEFRA",
        "PD/{n:05d}",
        (34, 40),
        ("home", "furniture"),
    ),
    Buyer(
        "Harbor & Pine Home Inc.",
        "US",
        "USD",
        "Harbor & Pine Home Inc. c/o West Coast DC",
        "Pacific Customs Brokers Inc.",
        ("USLAX", "USLGB", "USSEA"),
        "USJFK",
        "HP{n:06d}",
        (15, 20),
        (*HOME, "furniture"),
    ),
    Buyer(
        "Lakeshore Outfitters LLC",
        "US",
        "USD",
        "Lakeshore Outfitters LLC",
        None,
        ("USNYC", "USSAV", "USHOU"),
        "USJFK",
        "LO-{n:05d}",
        (32, 38),
        ("apparel",),
    ),
    Buyer(
        "Kobayashi Lifestyle K.K.",
        "JP",
        "JPY",
        "Kobayashi Lifestyle K.K.",
        "Nippon Express Co., Ltd",
        ("JPTYO", "JPYOK"),
        "JPNRT",
        "KL{n:06d}",
        (5, 12),
        ("kitchen", "home"),
    ),
)
BUYER_WEIGHTS = (12, 12, 9, 11, 8, 7, 9, 5, 12, 9, 6)

FAMILIES_BY_ORIGIN: dict[str, tuple[str, ...]] = {
    "CN": ("home", "kitchen", "furniture", "apparel", "fabric"),
    "VN": ("furniture", "apparel"),
    "BD": ("apparel",),
    "IN": ("home", "fabric"),
    "TR": ("home", "apparel"),
}

# family|SKU|description|HS|unit|USD price range|per carton|net kg/unit|tare kg/carton|m3/carton|quantity
_PRODUCTS = """
home|DC-200|Cotton percale duvet cover 200x200 cm|6302.31|H87|8.4-13.9|20|0.95|1.2|0.06|600-3000
home|BT-714|Cotton terry bath towel 70x140 cm, 500 gsm|6302.60|H87|3.1-5.2|40|0.5|1.0|0.07|1000-6000
home|TC-142|Linen tablecloth 140x240 cm|6302.51|H87|9.5-16.0|30|0.6|1.0|0.05|300-1500
home|CC-045|Cotton cushion cover 45x45 cm|6304.92|H87|1.9-3.6|100|0.12|1.1|0.06|1200-8000
home|FT-130|Polyester fleece throw 130x170 cm|6301.40|H87|3.8-6.5|24|0.55|0.9|0.08|600-4000
home|KT-003|Cotton kitchen towel, set of 3|6302.91|SET|2.2-3.9|60|0.18|1.0|0.05|1000-5000
kitchen|SP-018|Stainless steel saucepan 18 cm with lid|7323.93|H87|6.2-9.8|12|1.1|1.5|0.05|600-3600
kitchen|CS-024|Stainless steel cutlery set, 24 pcs|8215.20|SET|7.5-12.4|10|1.6|1.2|0.03|500-3000
kitchen|DP-027|Porcelain dinner plate 27 cm|6911.10|H87|1.4-2.6|36|0.65|1.8|0.05|2400-12000
kitchen|GJ-100|Glass storage jar 1 L with bamboo lid|7013.49|H87|1.1-2.2|24|0.55|1.6|0.06|2400-9600
kitchen|CI-026|Enamelled cast iron casserole 26 cm|7323.92|H87|18.0-27.5|2|5.3|0.8|0.04|200-1200
furniture|OC-210|Solid oak dining chair, upholstered seat|9401.61|H87|38.0-62.0|2|6.8|2.0|0.21|100-800
furniture|BT-045|Wooden bedside table, 2 drawers|9403.60|H87|29.0-46.0|1|11.5|1.5|0.12|100-600
furniture|BS-180|Bamboo bookshelf, 5 tiers|9403.82|H87|22.0-35.0|1|9.4|1.4|0.09|120-700
apparel|TS-100|Men's cotton crew-neck T-shirt, 180 gsm|6109.10|H87|2.1-3.8|72|0.2|1.2|0.07|2400-15000
apparel|KC-220|Women's cotton knitted cardigan|6110.20|H87|7.8-12.5|36|0.38|1.1|0.09|600-4800
apparel|DJ-501|Men's cotton denim jeans, 5 pockets|6203.42|H87|6.9-10.8|30|0.62|1.2|0.08|1200-7200
apparel|SK-300|Cotton crew socks, 3-pair pack|6115.95|PR|0.9-1.6|240|0.05|1.0|0.06|4800-24000
apparel|TS-DZ|Children's cotton T-shirt, 6 sizes|6109.10|DZN|18.0-27.0|10|1.5|1.0|0.07|200-1500
fabric|CV-280|Cotton canvas fabric 280 gsm, dyed, 150 cm wide|5209.31|MTR|1.9-3.1|100|0.42|0.6|0.12|3000-20000
fabric|PY-150|Polyester filament yarn 150D, dyed|5402.47|KGM|2.4-3.6|25|1.0|0.8|0.05|2000-12000
"""


def _span(text: str) -> tuple[float, float]:
    low, high = text.split("-")
    return float(low), float(high)


def _products(table: str) -> tuple[Product, ...]:
    out = []
    for line in table.strip().splitlines():
        family, sku, text, hs, unit, price, per, net, tare, cbm, qty = (c.strip() for c in line.split("|"))
        low, high = _span(qty)
        out.append(Product(family, sku, text, hs, unit, _span(price), int(per), float(net), float(tare),
                           float(cbm), (int(low), int(high))))  # fmt: skip
    return tuple(out)


PRODUCTS = _products(_PRODUCTS)

SEA_CARRIERS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    # carrier, vessel names, container owner prefixes, B/L prefix
    ("Maersk", ("MAERSK EDMONTON", "MAERSK KENSINGTON", "MARCHEN MAERSK"), ("MAEU", "MRKU", "MSKU"), "MAEU"),
    ("MSC", ("MSC GULSUN", "MSC ANNA", "MSC AMBRA"), ("MSCU", "MEDU", "TGHU"), "MEDU"),
    ("CMA CGM", ("CMA CGM JACQUES SAADE", "CMA CGM ANTOINE"), ("CMAU", "TCNU"), "CMDU"),
    ("COSCO Shipping", ("COSCO SHIPPING UNIVERSE", "COSCO PRIDE"), ("CSNU", "CBHU", "CSQU"), "COSU"),
    ("Hapag-Lloyd", ("BERLIN EXPRESS", "HAMBURG EXPRESS"), ("HLXU", "HLBU"), "HLCU"),
    ("ONE", ("ONE APUS", "ONE HARMONY"), ("ONEU", "NYKU"), "ONEY"),
    ("Evergreen", ("EVER GIVEN", "EVER ACE"), ("EGHU", "EISU"), "EGLV"),
)
AIR_CARRIERS: tuple[tuple[str, str, str], ...] = (
    # carrier, flight prefix, AWB airline prefix
    ("Cathay Cargo", "CX", "160"),
    ("Lufthansa Cargo", "LH", "020"),
    ("Turkish Cargo", "TK", "235"),
    ("Emirates SkyCargo", "EK", "176"),
)
COORDINATORS: dict[str, tuple[str, ...]] = {
    "CN": ("Lin Wei", "Chen Jing", "Zhao Min"),
    "VN": ("Nguyen Thi Mai",),
    "BD": ("Rahman Karim",),
    "IN": ("Priya Nair",),
    "TR": ("Aylin Demir",),
}
