"""Network exports read straight from Oxigraph: `kg export --store DIR`, and the same bytes from every kind of graph."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Dataset, Graph

from kg.cli import main
from kg.errors import ExportError
from kg.exporters.gephi import EXPORT_FORMATS, render_export
from kg.exporters.network import (
    LANGUAGES,
    PROJECTIONS,
    GraphData,
    Network,
    OxigraphTerms,
    RdflibTerms,
    build_network,
    intersect_intervals,
    term_source,
)
from kg.store import open_graph, open_store, published_files, store_graph
from servers import outputs_under_hash_seeds

#: the formats whose bytes are compared (png is a picture of the same network)
FORMATS = tuple(name for name in EXPORT_FORMATS if name != "png")


@pytest.fixture(scope="module")
def graphs(seed_store: tuple[Path, Path]) -> dict[str, GraphData]:
    """The same build as each kind of graph the exports accept."""
    dist, store = seed_store
    return {
        "memory": open_graph(published_files(dist)),
        "oxrdflib-memory": open_graph(published_files(dist), backend="oxigraph"),  # a blank-node-named graph
        "oxrdflib-store": store_graph(store),  # the store's default graph, through oxrdflib
        "pyoxigraph": open_store(store, read_only=True),  # what `kg export --store` reads
    }


def test_each_graph_is_read_by_the_fast_reader(graphs: dict[str, GraphData]) -> None:
    readers = {name: type(term_source(data)) for name, data in graphs.items()}
    assert readers == {
        "memory": RdflibTerms,
        "oxrdflib-memory": OxigraphTerms,
        "oxrdflib-store": OxigraphTerms,
        "pyoxigraph": OxigraphTerms,
    }


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("projection", sorted(PROJECTIONS))
def test_every_kind_of_graph_gives_the_same_bytes(graphs: dict[str, GraphData], projection: str, lang: str) -> None:
    networks: dict[str, Network] = {name: build_network(data, projection, lang) for name, data in graphs.items()}
    reference = networks.pop("memory")
    assert reference.nodes and reference.edges
    for name, net in networks.items():
        assert net == reference, name
    for fmt in FORMATS:
        for static in (False, True):
            expected = render_export(graphs["memory"], fmt, projection, lang, static)
            for name in networks:
                assert render_export(graphs[name], fmt, projection, lang, static) == expected, (name, fmt, static)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("gexf", []),
        ("graphml", ["--projection", "events"]),
        ("csv", ["--projection", "actors", "--static"]),
        ("gexf", ["--projection", "actors", "--lang", "id", "--static"]),
    ],
)
def test_cli_export_from_the_store_is_byte_identical_to_export_from_dist(
    seed_store: tuple[Path, Path], tmp_path: Path, fmt: str, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    dist, store = seed_store
    (tmp_path / "dist").mkdir()  # -o names a file whose folder exists: kg creates only dist/ itself
    (tmp_path / "store").mkdir()
    from_dist = ["export", fmt, *options, "--dist", str(dist), "-o", str(tmp_path / "dist" / f"out.{fmt}")]
    from_store = ["export", fmt, *options, "--store", str(store), "-o", str(tmp_path / "store" / f"out.{fmt}")]
    assert main(from_dist) == 0
    dist_files = capsys.readouterr().out.split()
    assert main(from_store) == 0
    store_files = capsys.readouterr().out.split()
    assert len(dist_files) == len(EXPORT_FORMATS[fmt].endings)
    for a, b in zip(dist_files, store_files, strict=True):
        assert Path(a).parent.name == "dist" and Path(b).parent.name == "store"
        assert Path(a).read_bytes() == Path(b).read_bytes()


def test_cli_store_does_not_need_the_build_folder(
    seed_store: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, store = seed_store
    empty = tmp_path / "no-build"
    empty.mkdir()
    assert main(["export", "gexf", "--store", str(store), "--dist", str(empty)]) == 0
    assert capsys.readouterr().out.split() == [str(empty / "kg-full.gexf")]
    assert sorted(p.name for p in empty.iterdir()) == ["kg-full.gexf"]


def _garbage_db(folder: Path) -> None:
    (folder / "oxigraph").mkdir(parents=True)
    (folder / "oxigraph" / "junk").write_text("not a database\n")
    (folder / "kg-store.json").write_text('{"format": 1, "files": {}, "chunks": {}}\n')


def _manifest_only(folder: Path) -> None:
    folder.mkdir()
    (folder / "kg-store.json").write_text('{"format": 1, "files": {}, "chunks": {}}\n')


@pytest.mark.parametrize(
    "make",
    [lambda folder: None, lambda folder: folder.mkdir(), _manifest_only, _garbage_db],
    ids=["missing", "empty", "manifest-only", "not-a-database"],
)
def test_cli_refuses_a_folder_that_is_not_a_kg_store(
    tmp_path: Path, make: Callable[[Path], object], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "store"
    make(folder)
    assert main(["export", "gexf", "--store", str(folder), "-o", str(tmp_path / "x.gexf")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(folder) in err and "kg store" in err and "kg build" in err
    assert not (tmp_path / "x.gexf").exists()


_DIGEST_SCRIPT = """
import hashlib, sys
from pathlib import Path
from kg.exporters.gephi import render_export
from kg.store import open_store
store = open_store(Path(sys.argv[1]), read_only=True)
for projection in ("full", "actors", "events"):
    for payload in render_export(store, "gexf", projection):
        print(projection, hashlib.sha256(payload).hexdigest())
"""


@pytest.mark.slow
def test_store_bytes_do_not_depend_on_the_hash_seed(
    seed_store: tuple[Path, Path], graphs: dict[str, GraphData]
) -> None:
    _, store = seed_store
    digests = outputs_under_hash_seeds(_DIGEST_SCRIPT, str(store))
    expected = "".join(
        f"{projection} {hashlib.sha256(render_export(graphs['memory'], 'gexf', projection)[0]).hexdigest()}\n"
        for projection in ("full", "actors", "events")
    )
    assert digests == [expected, expected]


def test_store_and_backend_are_exclusive(seed_store: tuple[Path, Path]) -> None:
    _, store = seed_store
    with pytest.raises(SystemExit) as exit_:
        main(["export", "gexf", "--store", str(store), "--backend", "oxigraph"])
    assert exit_.value.code == 2


def test_anything_else_than_a_graph_or_store_is_refused() -> None:
    with pytest.raises(ExportError) as err:
        build_network({"not": "a graph"}, "full")  # type: ignore[arg-type]
    assert "dict" in str(err.value) and "pyoxigraph Store" in str(err.value)
    assert isinstance(term_source(Graph()), RdflibTerms)
    assert isinstance(term_source(Dataset(store="Oxigraph")), RdflibTerms)  # a union of graphs: through rdflib


_day = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 2, 15))  # few days: ends often meet
_intervals = st.lists(st.tuples(_day, st.integers(min_value=0, max_value=4)), max_size=20).map(
    lambda pairs: [(start, start + dt.timedelta(days=length)) for start, length in pairs]
)


def _days(intervals: list[tuple[dt.date, dt.date]] | tuple[tuple[dt.date, dt.date], ...]) -> set[dt.date]:
    return {a + dt.timedelta(days=i) for a, b in intervals for i in range((b - a).days + 1)}


@given(_intervals, _intervals)
def test_intersection_of_a_few_spells_with_many_keeps_the_common_days(
    few: list[tuple[dt.date, dt.date]], many: list[tuple[dt.date, dt.date]]
) -> None:
    """The sweep only looks at the part of the longer set the shorter one spans; nothing is lost."""
    for first, second in ((few[:3], many), (many, few[:3]), (few, many)):
        both = intersect_intervals(first, second)
        assert _days(both) == _days(first) & _days(second)
        assert list(both) == sorted(both)
