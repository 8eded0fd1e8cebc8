"""The LOCODE place index: per-country reads, the cached all-country index, its failure modes."""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import TODAY, line, order, rows_of, write_book
from sheetsync.actions.check import check_path
from sheetsync.rules.ports import names as port_names
from sheetsync.rules.ports import places as port_places
from sheetsync.rules.ports.places import PlaceNames, all_places, country_places, index_path, shard_of

FAKE = {"mersin": ("TRMER",), "izmit": ("TRIZT", "ZARSS"), "goteborg": ("SEGOT",)}


def fake_shards() -> tuple[bytes, ...]:
    shards: list[dict[str, tuple[str, ...]]] = [{} for _ in range(port_places.SHARDS)]
    for name, codes in FAKE.items():
        shards[shard_of(name)][name] = codes
    return tuple(marshal.dumps(shard) for shard in shards)


@pytest.fixture(scope="session")
def real_places() -> PlaceNames:
    """The whole package read once, without any cache file."""
    return PlaceNames(port_places.build_shards())


@dataclass
class Cache:
    folder: Path
    builds: int = 0

    def build(self) -> tuple[bytes, ...]:
        self.builds += 1
        return fake_shards()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cache]:
    """A private cache folder; builds are counted and cheap (a three-name index)."""
    kept = Cache(tmp_path / "cache")
    monkeypatch.setenv(port_places.CACHE_ENV, str(kept.folder))
    monkeypatch.setattr(port_places, "build_shards", kept.build)
    all_places.cache_clear()
    yield kept
    all_places.cache_clear()


def test_index_is_built_once_then_read_from_the_cache_folder(cache: Cache) -> None:
    assert all_places().get("izmit") == ("TRIZT", "ZARSS")
    assert [p.name for p in cache.folder.iterdir()] == [index_path().name]
    all_places.cache_clear()
    places = all_places()
    assert (places.get("mersin"), places.get("bursa"), "goteborg" in places, "bursa" in places) == (
        ("TRMER",), (), True, False,
    )  # fmt: skip
    assert cache.builds == 1


def test_a_corrupt_index_is_rebuilt_with_a_warning(cache: Cache) -> None:
    cache.folder.mkdir()
    index_path().write_bytes(b"\x00 not marshal")
    with pytest.warns(UserWarning, match="rebuilding the port index"):
        assert all_places().get("mersin") == ("TRMER",)
    assert cache.builds == 1
    assert marshal.loads(index_path().read_bytes())[1] == fake_shards()


@pytest.mark.parametrize(
    "payload",
    [
        {"mersin": ("XXXXX",)},
        ("sheetsync-locode-places-1", (b"",) * 3),
        ("sheetsync-locode-places-1", ({"mersin": ("XXXXX",)},) * port_places.SHARDS),
        ("another-format", fake_shards()),
    ],
)
def test_an_index_of_another_format_is_rebuilt_silently(cache: Cache, payload: object) -> None:
    cache.folder.mkdir()
    index_path().write_bytes(marshal.dumps(payload))
    assert all_places().get("mersin") == ("TRMER",)
    assert cache.builds == 1


def test_older_indexes_are_dropped_when_a_new_one_is_written(cache: Cache) -> None:
    cache.folder.mkdir()
    (cache.folder / "locode-places-0123456789abcdef.marshal").write_bytes(b"old")
    (cache.folder / "notes.txt").write_text("kept")
    all_places()
    assert sorted(p.name for p in cache.folder.iterdir()) == sorted([index_path().name, "notes.txt"])


def test_an_unwritable_cache_folder_costs_a_warning_not_the_answer(cache: Cache) -> None:
    cache.folder.write_text("a file where the folder should be")
    with pytest.warns(UserWarning, match="cannot keep the port index"):
        assert all_places().get("izmit") == ("TRIZT", "ZARSS")
    all_places.cache_clear()
    with pytest.warns(UserWarning, match="cannot keep the port index"):
        all_places()
    assert cache.builds == 2


def test_a_named_country_reads_only_that_country(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_global_index() -> PlaceNames:
        raise AssertionError("the all-country index was read")

    monkeypatch.setattr(port_names, "all_places", no_global_index)
    index = port_names.PortIndex()
    assert (index.by_name("mersin", "TR"), index.by_name("mersin", "DE"), index.by_name("izmit", "TR")) == (
        "TRMER", None, "TRIZT",
    )  # fmt: skip
    assert (index.has_code("TRMER"), index.has_code("TRIZM"), index.has_code("TRZZZ")) == (True, True, False)
    assert (country_places("tr"), country_places("../TR"), country_places("QQ")) == ({}, {}, {})


@pytest.mark.parametrize("country", ["TR", "IN", "SE", "US"])
def test_a_countrys_names_are_the_whole_index_narrowed_to_it(real_places: PlaceNames, country: str) -> None:
    own = country_places(country)
    assert own
    narrowed = {name: tuple(c for c in real_places.get(name) if c.startswith(country)) for name in own}
    assert own == narrowed


def test_the_whole_index_finds_places_by_every_variant(real_places: PlaceNames) -> None:
    found = {n: real_places.get(n) for n in ("mersin", "mumbai", "bombay", "göteborg", "goteborg", "trmer")}
    assert found == {
        "mersin": ("TRMER",),
        "mumbai": ("INBOM",),
        "bombay": ("INBOM", "USZA8"),
        "göteborg": ("SEGOT",),
        "goteborg": ("SEGOT",),
        "trmer": (),
    }


def test_the_index_is_named_after_the_version_where_the_source_is_not_on_disk(
    cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_source = index_path()
    monkeypatch.setattr(port_places, "__file__", str(cache.folder / "frozen" / "port_places.pyc"))
    assert index_path() != from_source
    assert index_path() == index_path()
    assert all_places().get("mersin") == ("TRMER",)
    assert [p.name for p in cache.folder.iterdir()] == [index_path().name]


PACKAGE_PORTS = [  # (Port of Loading, Port of Discharge): none of them in the built-in table
    ("TRMER", "Mersin, Turkey"),
    ("TR IZT", "Izmit, TR"),
    ("TRZZZ", "Bombay"),  # an unknown code of a known country; a name of two places
    ("Mumbai (ex Bombay)", "Port of Atlantis"),
]


def test_a_book_of_package_ports_checks_the_same_cold_and_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders = [
        order(**{"Order No": f"PO-{n}", "Port of Loading": pol, "Port of Discharge": pod})
        for n, (pol, pod) in enumerate(PACKAGE_PORTS, start=1001)
    ]
    path = write_book(tmp_path / "book.xlsx", orders, [line(**{"Order No": o["Order No"]}) for o in orders])
    monkeypatch.setenv(port_places.CACHE_ENV, str(tmp_path / "cache"))
    found = []
    for _ in ("cold", "warm"):
        all_places.cache_clear()
        report = check_path(path, today=TODAY)
        found.append([f for f in rows_of(report.findings) if f[0].startswith("code-")])
    all_places.cache_clear()
    assert (
        found[0]
        == found[1]
        == [
            ("code-locode", "Orders", 4, "Port of Loading"),
            ("code-port-unresolved", "Orders", 4, "Port of Discharge"),
            ("code-port-unresolved", "Orders", 5, "Port of Discharge"),
        ]
    )
