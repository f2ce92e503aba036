"""`kg serve --store DIR`: the workers open a `kg build --store` folder read-only instead of loading dist/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

from kg import paths
from kg.cli import main
from kg.serve import ServeSettings, create_app
from kg.store import STORE_MANIFEST, store_dist_dir

SUMMIT_DOC = "/doc/id/event/csto-kazakhstan-2022-01-10/csto-summit"
#: sample values for required parameters of the stored queries on the seed, by parameter name
SAMPLES: dict[str, str] = json.loads((Path(__file__).resolve().parent / "cases" / "seed-query-params.json").read_text())


@pytest.fixture(scope="module")
def clients(seed_store: tuple[Path, Path]) -> Iterator[tuple[TestClient, TestClient]]:
    """(server on dist/, server on the store); caches off so that every answer comes from a worker."""
    dist, store = seed_store
    from_dist = create_app(ServeSettings(dist_dir=dist, workers=1, cache_entries=0))
    from_store = create_app(ServeSettings(dist_dir=dist, store_dir=store, workers=2, cache_entries=0))
    with TestClient(from_dist) as a, TestClient(from_store) as b:
        yield a, b


def test_the_store_is_opened_by_every_worker(clients: tuple[TestClient, TestClient]) -> None:
    _, from_store = clients
    pool = from_store.app.state.server.pool  # type: ignore[attr-defined]
    assert pool.alive() == pool.size == 3 and pool.config.store is not None and pool.config.files == ()
    # two workers answer at the same time from the same folder
    for i in range(4):
        response = from_store.get("/sparql", params={"query": f"ASK {{ ?s ?p ?o }} # {i}"})
        assert response.status_code == 200 and response.json()["boolean"] is True


def test_stored_queries_agree_with_the_dist_server(clients: tuple[TestClient, TestClient]) -> None:
    from_dist, from_store = clients
    listing = from_dist.get("/queries", headers={"Accept": "application/json"}).json()["queries"]
    compared = 0
    for query in listing:
        params = {p["name"]: SAMPLES[p["name"]] for p in query["params"] if p["name"] in SAMPLES}
        if not all(p["name"] in params for p in query["params"] if p["required"]):
            continue
        fmt = "json" if query["form"] in ("SELECT", "ASK") else "nt"
        a = from_dist.get(query["url"], params={**params, "format": fmt})
        b = from_store.get(query["url"], params={**params, "format": fmt})
        assert a.status_code == b.status_code == 200, (query["name"], a.text, b.text)
        if fmt == "json":
            assert _rows(a.json()) == _rows(b.json()), query["name"]
        else:
            assert isomorphic(Graph().parse(data=a.text, format="nt"), Graph().parse(data=b.text, format="nt"))
        compared += 1
    assert compared >= len(listing) - 2 and compared > 0


@pytest.mark.parametrize("suffix", ["", ".ttl"])
def test_doc_pages_agree_with_the_dist_server(clients: tuple[TestClient, TestClient], suffix: str) -> None:
    from_dist, from_store = clients
    headers = {"Accept": "text/html"}
    a, b = from_dist.get(SUMMIT_DOC + suffix, headers=headers), from_store.get(SUMMIT_DOC + suffix, headers=headers)
    assert a.status_code == b.status_code == 200
    if suffix == ".ttl":
        assert isomorphic(Graph().parse(data=a.text, format="turtle"), Graph().parse(data=b.text, format="turtle"))
    else:
        assert "CSTO video summit" in b.text and a.text == b.text
    assert from_store.get("/id/event/csto-kazakhstan-2022-01-10/no-such-event").status_code == 404


def test_dumps_and_void_come_from_the_stores_build(
    seed_store: tuple[Path, Path], clients: tuple[TestClient, TestClient]
) -> None:
    dist, store = seed_store
    assert store_dist_dir(store) == dist.resolve()
    _, from_store = clients
    assert from_store.get("/dumps/kg.nt").content == (dist / "kg.nt").read_bytes()
    assert from_store.get("/.well-known/void").status_code == 200


@pytest.mark.parametrize("case", ["empty", "missing", "dist", "no-database"])
def test_a_folder_that_is_not_a_kg_store_is_one_clear_error(
    case: str, seed_store: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist, _ = seed_store
    folder = {"empty": tmp_path, "missing": tmp_path / "nowhere", "dist": dist, "no-database": tmp_path}[case]
    if case == "no-database":
        (tmp_path / STORE_MANIFEST).write_text(json.dumps({"format": 1, "files": {}}))
    argv = ["serve", "--store", str(folder), "--dist", str(dist), "--port", "9", "--queries", str(paths.QUERIES_DIR)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kg serve: error:") and str(folder) in err[0], err
    assert "kg build --store" in err[0]


@pytest.mark.parametrize(
    ("extra", "expected"), [(["--backend", "memory"], "oxigraph backend"), (["--reason"], "kg-inferred.ttl")]
)
def test_what_a_store_cannot_serve_is_refused(
    extra: list[str], expected: str, seed_store: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, store = seed_store
    assert main(["serve", "--store", str(store), "--port", "9", *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0], err


def _rows(data: dict[str, object]) -> object:
    """SPARQL JSON results as a sorted list of rows (both servers use Oxigraph, so terms compare as they are)."""
    if "boolean" in data:
        return data["boolean"]
    bindings = data["results"]["bindings"]  # type: ignore[index]
    return sorted(tuple(sorted((k, tuple(sorted(v.items()))) for k, v in row.items())) for row in bindings)
