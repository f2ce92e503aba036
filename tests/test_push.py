"""`kg push` against a real Oxigraph server started by the test (loopback, temporary store)."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef

from kg import paths
from kg.cli import main
from kg.errors import StoreError
from kg.namespaces import DEFAULT_BASE, PREFIXES
from kg.push import Upload, default_prefix, load_uploads, push, split_graphs, store_url_for
from kg.queries import RENDERERS, bind_params, load_queries, run_query
from kg.store import read_rdf

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
PREFIX = default_prefix(DEFAULT_BASE)
#: sample values for required parameters of the stored queries on the seed, by parameter name
SAMPLES: dict[str, str] = json.loads((Path(__file__).resolve().parent / "cases" / "seed-query-params.json").read_text())


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`oxigraph serve --union-default-graph` on a free loopback port; yields its query endpoint."""
    assert OXIGRAPH.is_file(), f"{OXIGRAPH} not found: pip install oxigraph (the test extra)"
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(endpoint, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            assert process.poll() is None and time.monotonic() < deadline, "oxigraph serve did not start"
            time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(20)


def _count(endpoint: str, where: str = "GRAPH ?g { ?s ?p ?o }") -> int:
    response = httpx.post(
        endpoint,
        content=f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}".encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _graphs(endpoint: str) -> set[str]:
    response = httpx.post(
        endpoint,
        content=b"SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    return {row["g"]["value"] for row in response.json()["results"]["bindings"]}


def test_split_loses_and_doubles_nothing(built_dist: Path) -> None:
    data = read_rdf([built_dist / "kg.ttl"])
    ontology = read_rdf([built_dist / "ontology.ttl"])
    uploads = split_graphs(data, ontology, PREFIX, DEFAULT_BASE)
    names = [u.name for u in uploads]
    assert names == sorted(names)
    assert f"{PREFIX}doc/csto-kazakhstan-2022-01-10" in names and f"{PREFIX}doc/registry" in names
    assert f"{PREFIX}ontology" in names
    data_uploads = [u for u in uploads if u.name != f"{PREFIX}ontology"]
    assert sum(len(u.graph) for u in data_uploads) == len(data)
    union = Graph()
    for upload in data_uploads:
        union += upload.graph
    assert set(union) == set(data)
    # evidence targets and selectors (no provenance of their own) go with their article
    article = next(u.graph for u in uploads if u.name.endswith("/doc/csto-kazakhstan-2022-01-10"))
    selector = URIRef(f"{DEFAULT_BASE}id/evidence/csto-kazakhstan-2022-01-10/519-573/quote")
    assert any(article.predicate_objects(selector))
    assert Upload("x", Graph()).ntriples() == b""


def test_store_url_is_guessed_for_oxigraph_only() -> None:
    assert store_url_for("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert store_url_for("http://127.0.0.1:3030/ds/sparql") == "http://127.0.0.1:3030/ds/store"
    with pytest.raises(StoreError, match="--store"):
        store_url_for("http://127.0.0.1:7200/repositories/kg")


@pytest.mark.slow
def test_push_then_stored_queries_agree_and_repush_is_idempotent(
    oxigraph: str, built_dist: Path, published_graph: Graph, tmp_path: Path
) -> None:
    assert main(["push", "--endpoint", oxigraph, "--dist", str(built_dist)]) == 0
    expected = len(set(read_rdf([built_dist / "kg.ttl"])) | set(read_rdf([built_dist / "ontology.ttl"])))
    assert _count(oxigraph, "?s ?p ?o") == expected  # the union default graph
    first = _count(oxigraph)
    graphs = _graphs(oxigraph)
    assert {f"{PREFIX}ontology", f"{PREFIX}doc/registry", f"{PREFIX}doc/csto-kazakhstan-2022-01-10"} <= graphs

    # every stored query gives the same answer there (via `kg query --endpoint`) as on the embedded graph
    queries = load_queries(paths.QUERIES_DIR)
    compared = 0
    for name, query in queries.items():
        values = {p.name: SAMPLES[p.name] for p in query.params if p.required and p.name in SAMPLES}
        if not all(p.name in values for p in query.params if p.required):
            continue
        fmt = "json" if query.form in ("SELECT", "ASK") else "nt"
        out = tmp_path / f"{name}.{fmt}"
        argv = ["query", name, "--endpoint", oxigraph, "-f", fmt, "-o", str(out)]
        for key, value in values.items():
            argv += ["-p", f"{key}={value}"]
        assert main(argv) == 0, name
        local = run_query(published_graph, query.text, bind_params(query, values), PREFIXES)
        if fmt == "json":
            remote_rows = _rows(json.loads(out.read_text()))
            assert remote_rows == _rows(json.loads(RENDERERS["json"].render(local))), name
        else:
            assert len(Graph().parse(out, format="nt")) == len(local.graph or Graph()), name
        compared += 1
    assert compared >= len(queries) - 2

    # a re-push replaces every graph: nothing is duplicated
    assert main(["push", "--endpoint", oxigraph, "--dist", str(built_dist)]) == 0
    assert _count(oxigraph) == first and _graphs(oxigraph) == graphs


@pytest.mark.slow
def test_push_deletes_graphs_the_build_no_longer_has(oxigraph: str, built_dist: Path) -> None:
    store = store_url_for(oxigraph)
    stale = f"{PREFIX}doc/withdrawn-article"
    foreign = "https://example.org/not-ours"
    for name in (stale, foreign):
        response = httpx.put(
            store,
            params={"graph": name},
            content=b"<urn:a> <urn:b> <urn:c> .\n",
            headers={"Content-Type": "application/n-triples"},
        )
        assert response.status_code in (200, 201, 204)
    report = push(load_uploads(built_dist, PREFIX, DEFAULT_BASE), oxigraph, prefix=PREFIX)
    assert report.deleted == (stale,)
    assert stale not in _graphs(oxigraph) and foreign in _graphs(oxigraph)  # only graphs under our prefix
    assert report.stored_triples == report.triples


def test_unreachable_store_is_one_clear_error(built_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = _free_port()  # nothing listens there
    assert main(["push", "--endpoint", f"http://127.0.0.1:{port}/query", "--dist", str(built_dist)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot connect" in err[0] and err[0].startswith("kg push: error:")


@pytest.mark.slow
def test_http_error_is_one_clear_error(oxigraph: str, built_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_store = oxigraph.replace("/query", "/no-such-service")
    assert main(["push", "--endpoint", oxigraph, "--store", bad_store, "--dist", str(built_dist)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("kg push: error: PUT") and "HTTP 404" in err


def _rows(data: dict[str, object]) -> object:
    """SPARQL JSON results as a sorted list, with the datatypes Oxigraph normalises folded."""
    if "boolean" in data:
        return data["boolean"]
    integer_types = {
        f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("nonNegativeInteger", "positiveInteger", "int", "long")
    }
    rows = []
    for row in data["results"]["bindings"]:  # type: ignore[index]
        cells = []
        for key, term in sorted(row.items()):
            datatype = term.get("datatype", "")
            datatype = (
                ""
                if datatype.endswith("#string")
                else ("xsd:integer" if datatype in integer_types or datatype.endswith("#integer") else datatype)
            )
            cells.append((key, term["value"], term.get("xml:lang", ""), datatype))
        rows.append(tuple(cells))
    return sorted(rows)
