"""Port normalisation and party names (RULES.md §10), through their public functions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetsync.rules.parties import normalise_party, same_party
from sheetsync.rules.ports.match import (
    PortComparison,
    PortStatus,
    compare_ports,
    port_key,
    port_status,
    resolve_port,
    split_port,
)

SHANGHAI_SPELLINGS = [
    "Shanghai, China",
    "SHANGHAI PORT",
    "CN SHA",
    "CNSHA",
    "cnsha",
    "Port of Shanghai",
    "Shanghai (CN)",
    "  shanghai\u00a0",
    "ＳＨＡＮＧＨＡＩ",  # full width
]


@pytest.mark.parametrize("text", SHANGHAI_SPELLINGS)
def test_every_spelling_of_shanghai_is_cnsha(text: str) -> None:
    assert resolve_port(text) == "CNSHA"


@pytest.mark.parametrize(
    ("text", "locode"),
    [
        ("Port Klang", "MYPKG"),
        ("Port Klang, Malaysia", "MYPKG"),
        ("DUBAI", "AEJEA"),  # the built-in table: Dubai's container port is Jebel Ali
        ("TOKYO", "JPTYO"),
        ("Göteborg", "SEGOT"),
        ("Gothenburg", "SEGOT"),
        ("Gdańsk", "PLGDN"),
        ("Felixstowe, UK", "GBFXT"),
        ("Hamburg, Germany", "DEHAM"),
        ("Ho Chi Minh City, Vietnam", "VNSGN"),
        ("Saigon", "VNSGN"),
        ("Hong Kong", "HKHKG"),
        ("Singapore", "SGSIN"),
        ("Incheon", "KRINC"),  # only in the locode package
        ("Madras", "INMAA"),  # `Chennai (ex Madras)`
        ("Port Said West", "EGPSW"),
        ("DE HAM", "DEHAM"),
        ("USOAK", "USOAK"),  # a LOCODE outside the built-in table
    ],
)
def test_names_aliases_and_codes_resolve(text: str, locode: str) -> None:
    assert resolve_port(text) == locode


@pytest.mark.parametrize("text", ["Atlantis", "Victoria", "CNXXX", "XXABC", "", "  ", None])
def test_unknown_or_ambiguous_texts_do_not_resolve(text: str | None) -> None:
    assert resolve_port(text) is None


def test_country_narrows_an_ambiguous_name() -> None:
    assert resolve_port("Victoria") is None
    assert resolve_port("Victoria", country="SC") == "SCVIC"
    assert resolve_port("Victoria", country="CA") == "CAVIC"
    assert resolve_port("Victoria, Seychelles") == "SCVIC"


def test_leading_port_is_kept_when_it_is_part_of_the_name() -> None:
    assert split_port("Port Klang").name == "port klang"
    assert split_port("Port of Port Klang").name == "port klang"
    assert split_port("Qingdao Seaport, CN").name == "qingdao"
    assert split_port("Qingdao Seaport, CN").country == "CN"


def test_the_workbook_alias_table_comes_first() -> None:
    aliases = {"Atlantis Pier": "cn sha", "Shanghai": "CNSGH"}
    assert resolve_port("ATLANTIS PIER", aliases) == "CNSHA"
    assert resolve_port("Shanghai, China", aliases) == "CNSGH"
    assert resolve_port("Shanghai, China") == "CNSHA"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("CNSHA", PortStatus.RESOLVED),
        ("DUBAI", PortStatus.RESOLVED),
        ("CNXXX", PortStatus.UNKNOWN_LOCODE),
        ("CN XXX", PortStatus.UNKNOWN_LOCODE),
        ("XXABC", PortStatus.UNRESOLVED),  # XX is no country: a name
        ("LAGOS", PortStatus.UNRESOLVED),  # a place name in several countries, never a bad code
        ("Atlantis", PortStatus.UNRESOLVED),
    ],
)
def test_port_status(text: str, status: PortStatus) -> None:
    assert port_status(text) is status


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Shanghai, China", "CNSHA", PortComparison.EQUAL),
        ("SHANGHAI PORT", "CN SHA", PortComparison.EQUAL),
        ("Shanghai", "Ningbo", PortComparison.DIFFERENT),
        ("Atlantis", "ATLANTIS PORT", PortComparison.EQUAL),
        ("Atlantis", "Lemuria", PortComparison.DIFFERENT),
        ("Atlantis", "CNSHA", PortComparison.UNRESOLVED),
        ("CNSHA", "Atlantis", PortComparison.UNRESOLVED),
    ],
)
def test_compare_ports(a: str, b: str, expected: PortComparison) -> None:
    assert compare_ports(a, b) is expected


def test_compare_ports_uses_the_workbook_aliases() -> None:
    assert compare_ports("Atlantis", "CNSHA", {"Atlantis": "CNSHA"}) is PortComparison.EQUAL


DECORATIONS = st.sampled_from(["", " ", ",", ".", " port", " (CN)", ", China", "\u00a0"])
PLACES = st.sampled_from(["Shanghai", "Port Klang", "CNSHA", "cn sha", "Rotterdam", "Atlantis", "TOKYO"])


@given(PLACES, DECORATIONS, st.booleans())
def test_normalisation_is_idempotent(place: str, decoration: str, upper: bool) -> None:
    text = (place + decoration).upper() if upper else place + decoration
    assert port_key(port_key(text)) == port_key(text)
    assert resolve_port(port_key(text)) == resolve_port(text)


@given(st.sampled_from(["Shanghai", "Shanghai Port", "Port of Shanghai", "CNSHA", "CN SHA"]), DECORATIONS)
def test_decorated_shanghai_still_resolves(place: str, decoration: str) -> None:
    assert resolve_port(place + decoration) == "CNSHA"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ningbo Int'l Trading Co., Ltd.", "NINGBO INTERNATIONAL TRADING COMPANY LIMITED"),
        ("Ｎｉｎｇｂｏ  Intl. Trading Co.,Ltd", "ningbo international trading co ltd"),
        ("Nordic Home AB ", "nordic home ab"),
        ("A&B Corp.", "A and B Corporation"),
    ],
)
def test_same_party_despite_abbreviations_and_formatting(a: str, b: str) -> None:
    assert same_party(a, b)


def test_different_parties_differ() -> None:
    assert not same_party("Nordic Home AB", "Nordic House AB")
    assert not same_party("Nordic Home AB", None)
    assert normalise_party("Scan Logistics Co., Ltd.") == "scan logistics company limited"
