"""`kg push` against a real Oxigraph server started by the test (loopback, temporary store)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.term import Node

from kg import paths
from kg.cli import main
from kg.credentials import Credentials, split_url
from kg.errors import StoreError
from kg.namespaces import DEFAULT_BASE, KGO, OA, PREFIXES
from kg.push import (
    PushRecord,
    Upload,
    default_prefix,
    document_key,
    load_uploads,
    marker_graph,
    push,
    record_file,
    split_data,
    store_url_for,
    write_record,
)
from kg.queries import RENDERERS, bind_params, load_queries, run_query
from kg.store import read_rdf
from servers import free_port, oxigraph_server

PREFIX = default_prefix(DEFAULT_BASE)
#: sample values for required parameters of the stored queries on the seed, by parameter name
SAMPLES: dict[str, str] = json.loads((Path(__file__).resolve().parent / "cases" / "seed-query-params.json").read_text())


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`oxigraph serve --union-default-graph` on a free loopback port; yields its query endpoint."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), union_default_graph=True) as base:
        yield base + "/query"


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
    uploads = load_uploads(built_dist, PREFIX, DEFAULT_BASE)
    names = [u.name for u in uploads]
    assert names == sorted(names)
    assert f"{PREFIX}doc/csto-kazakhstan-2022-01-10" in names and f"{PREFIX}doc/registry" in names
    assert f"{PREFIX}ontology" in names
    graphs = {u.name: _parse(u) for u in uploads}
    assert all(len(graphs[u.name]) == u.triples for u in uploads)
    assert isomorphic(graphs.pop(f"{PREFIX}ontology"), ontology)
    assert isomorphic(graphs.pop(f"{PREFIX}types"), read_rdf([built_dist / "kg-types.nt"]))  # the type closure
    assert sum(len(g) for g in graphs.values()) == len(data)
    union = Graph()
    for graph in graphs.values():
        union += graph
    assert set(union) == set(data)
    # evidence targets and selectors (no provenance of their own) go with their article
    article = graphs[f"{PREFIX}doc/csto-kazakhstan-2022-01-10"]
    selector = URIRef(f"{DEFAULT_BASE}id/evidence/csto-kazakhstan-2022-01-10/519-573/quote")
    assert any(article.predicate_objects(selector))
    assert split_data(b"", PREFIX, DEFAULT_BASE) == []


def test_split_equals_the_rdflib_reference_on_the_seed(built_dist: Path, tmp_path: Path) -> None:
    """The byte splitter gives the graphs the former rdflib implementation gave, from kg.nt or (without it) kg.ttl."""
    expected = reference_split(read_rdf([built_dist / "kg.ttl"]), PREFIX, DEFAULT_BASE)
    expected[f"{PREFIX}ontology"] = set(read_rdf([built_dist / "ontology.ttl"]))
    expected[f"{PREFIX}types"] = set(read_rdf([built_dist / "kg-types.nt"]))
    without_nt = tmp_path / "dist"
    without_nt.mkdir()
    for name in ("kg.ttl", "ontology.ttl", "kg-types.nt"):
        (without_nt / name).write_bytes((built_dist / name).read_bytes())
    for dist in (built_dist, without_nt):
        got = {u.name: _parse(u) for u in load_uploads(dist, PREFIX, DEFAULT_BASE)}
        assert sorted(got) == sorted(expected)
        for name, triples in expected.items():
            assert isomorphic(got[name], _graph(triples)), name


_DOC = "https://w3id.org/conflict-kg/id/document/"
_RES = "https://w3id.org/conflict-kg/id/"
_LINKS = (PROV.wasDerivedFrom, OA.hasTarget, OA.hasSelector, RDF.type, RDFS.label)


@st.composite
def _small_graphs(draw: st.DrawFn) -> Graph:
    """Small graphs of documents, resources derived from 0-2 of them, and parts linked from resources or parts."""
    docs = [URIRef(f"{_DOC}d{i}") for i in range(draw(st.integers(1, 3)))] + [URIRef(f"{_DOC}registry")]
    nodes = [URIRef(f"{_RES}x/{i}") for i in range(draw(st.integers(1, 8)))]
    graph = Graph()
    for doc in docs[:-1]:
        if draw(st.booleans()):
            graph.add((doc, RDF.type, KGO.SourceDocument))
    for _ in range(draw(st.integers(0, 20))):
        subject = draw(st.sampled_from(nodes + docs))
        link = draw(st.sampled_from(_LINKS))
        obj: Node = {
            PROV.wasDerivedFrom: draw(st.sampled_from(docs)),
            OA.hasTarget: draw(st.sampled_from(nodes)),
            OA.hasSelector: draw(st.sampled_from(nodes)),
            RDF.type: KGO.Event,
            RDFS.label: Literal(draw(st.text(max_size=3)), lang="en"),
        }[link]
        graph.add((subject, link, obj))
    return graph


@settings(max_examples=150, deadline=None)
@given(_small_graphs())
def test_split_equals_the_rdflib_reference_on_any_graph(graph: Graph) -> None:
    """Documents, several sources (→ shared), parts reached through other parts and cycles of parts."""
    body = graph.serialize(format="nt", encoding="utf-8")
    got = {u.name: set(_parse(u)) for u in split_data(body, PREFIX, DEFAULT_BASE)}
    assert got == reference_split(graph, PREFIX, DEFAULT_BASE)
    assert all(u.triples == len(got[u.name]) for u in split_data(body, PREFIX, DEFAULT_BASE))


def test_a_broken_line_names_the_file_and_line() -> None:
    with pytest.raises(StoreError, match="not an N-Triples line") as info:
        split_data(b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b>\n", PREFIX, DEFAULT_BASE, source="kg.nt")
    assert info.value.file == "kg.nt" and info.value.line == 2


def test_store_url_is_guessed_for_oxigraph_only() -> None:
    assert store_url_for("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert store_url_for("http://127.0.0.1:3030/ds/sparql") == "http://127.0.0.1:3030/ds/store"
    with pytest.raises(StoreError, match="--store"):
        store_url_for("http://127.0.0.1:7200/repositories/kg")


@pytest.fixture()
def own_dist(built_dist: Path, tmp_path: Path) -> Path:
    """A copy of the build: `kg push` records what it pushed in dist/.kg-cache/push/."""
    copy = tmp_path / "dist"
    shutil.copytree(built_dist, copy)
    return copy


@pytest.mark.slow
def test_push_then_stored_queries_agree_and_repush_is_idempotent(
    oxigraph: str, own_dist: Path, published_graph: Graph, tmp_path: Path
) -> None:
    built_dist = own_dist
    assert main(["push", "--endpoint", oxigraph, "--dist", str(built_dist)]) == 0
    published = ("kg.ttl", "ontology.ttl", "kg-types.nt")
    expected = len(set().union(*(set(read_rdf([built_dist / name])) for name in published)))
    # the union default graph: the build, and the one triple of the push's token (graph <prefix>push)
    assert _count(oxigraph, "?s ?p ?o") == expected + 1
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

    # a forced re-push replaces every graph: nothing is duplicated
    assert main(["push", "--endpoint", oxigraph, "--dist", str(built_dist), "--force"]) == 0
    assert _count(oxigraph) == first and _graphs(oxigraph) == graphs


def test_repush_sends_only_the_graphs_that_changed(
    oxigraph: str, own_dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def pushed(*extra: str, dist: Path = own_dist) -> list[str]:
        capsys.readouterr()
        assert main(["push", "--endpoint", oxigraph, "--dist", str(dist), *extra]) == 0
        return [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]

    everything = pushed("--force")
    assert len(everything) >= 3 and pushed() == []  # nothing changed: nothing is sent
    assert sorted(pushed("--force")) == sorted(everything)  # --force sends all the same
    seed = f"{PREFIX}doc/csto-kazakhstan-2022-01-10"
    before = _count(oxigraph, f"GRAPH <{seed}> {{ ?s ?p ?o }}")
    # the article's graph changes (one more label): that graph alone goes out, and the store has it
    nt = own_dist / "kg.nt"
    event = f"{DEFAULT_BASE}id/document/csto-kazakhstan-2022-01-10"  # in its own graph, whoever reports its events
    nt.write_bytes(nt.read_bytes() + f'<{event}> <{RDFS.label}> "KTT CSTO (ubah)"@id .\n'.encode())
    assert pushed() == [seed]
    assert _count(oxigraph, f"GRAPH <{seed}> {{ ?s ?p ?o }}") == before + 1
    # a graph changed in the store behind kg's back (another triple count) is sent again
    httpx.put(
        store_url_for(oxigraph),
        params={"graph": f"{PREFIX}ontology"},
        content=b"<urn:a> <urn:b> <urn:c> .\n",
        headers={"Content-Type": "application/n-triples"},
    ).raise_for_status()
    assert pushed() == [f"{PREFIX}ontology"]
    # another dist/ pushes an edit with the same triple count: this dist/'s record no longer holds
    other = tmp_path / "other"
    shutil.copytree(own_dist, other)
    (other / "kg.nt").write_bytes((other / "kg.nt").read_bytes().replace(b'"KTT CSTO (ubah)"', b'"KTT CSTO (lain)"'))
    assert pushed(dist=other) == [seed]
    assert sorted(pushed()) == sorted(everything)
    # an unreadable record is no record: every graph is sent
    for record in (own_dist / ".kg-cache" / "push").iterdir():
        record.write_text("{not json", encoding="utf-8")
    assert sorted(pushed()) == sorted(everything)
    # a store that cannot be reached changes nothing: the record still holds afterwards
    dead = f"http://127.0.0.1:{free_port()}/query"
    assert main(["push", "--endpoint", dead, "--store", store_url_for(oxigraph), "--dist", str(own_dist)]) == 2
    assert pushed() == []
    # a push that fails part-way (the store refuses one graph) leaves the store untrusted: the next sends all
    good = nt.read_bytes()
    nt.write_bytes(good + f'<{event}> <{RDFS.label}> "bad tag"@-x- .\n'.encode())
    assert main(["push", "--endpoint", oxigraph, "--dist", str(own_dist), "--jobs", "1"]) == 2
    nt.write_bytes(good)
    assert sorted(pushed()) == sorted(everything)


def test_a_push_is_recorded_only_when_asked(built_dist: Path) -> None:
    uploads = load_uploads(built_dist, PREFIX, DEFAULT_BASE)
    fake = StrictStore()
    with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
        plain = push(uploads, "http://store.test/query", prefix=PREFIX, client=client)
        assert plain.record is None and marker_graph(PREFIX) not in fake.graphs
        recorded = push(uploads, "http://store.test/query", prefix=PREFIX, client=client, previous=PushRecord("", {}))
        assert recorded.record is not None and marker_graph(PREFIX) in fake.graphs
        again = push(uploads, "http://store.test/query", prefix=PREFIX, client=client, previous=recorded.record)
    assert sorted(recorded.record.digests) == sorted(u.name for u in uploads)
    assert recorded.record.digests[uploads[0].name] == hashlib.sha256(uploads[0].ntriples).hexdigest()
    assert again.graphs == {} and sorted(again.unchanged) == sorted(recorded.record.digests)
    assert again.deleted == () and again.record == recorded.record  # nothing written: the token stays
    assert again.stored_triples == sum(u.triples for u in uploads)  # the marker is not counted


@pytest.mark.slow
def test_pushed_graphs_equal_the_reference_split(oxigraph: str, built_dist: Path) -> None:
    report = push(load_uploads(built_dist, PREFIX, DEFAULT_BASE), oxigraph, prefix=PREFIX, concurrency=3)
    expected = reference_split(read_rdf([built_dist / "kg.ttl"]), PREFIX, DEFAULT_BASE)
    expected[f"{PREFIX}ontology"] = set(read_rdf([built_dist / "ontology.ttl"]))
    expected[f"{PREFIX}types"] = set(read_rdf([built_dist / "kg-types.nt"]))
    assert sorted(report.graphs) == sorted(expected)
    for name, triples in expected.items():
        response = httpx.get(
            store_url_for(oxigraph), params={"graph": name}, headers={"Accept": "application/n-triples"}
        )
        assert response.status_code == 200, name
        assert isomorphic(Graph().parse(data=response.text, format="nt"), _as_oxigraph_stores(triples)), name
        assert report.graphs[name] == len(triples)


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


class StrictStore:
    """A Graph Store that answers POST to a graph it does not hold with 404 (GSP §5.5 allows it), in-process."""

    def __init__(self, fail: str | None = None) -> None:
        self.graphs: dict[str, bytes] = {}
        self.calls: list[tuple[str, str]] = []
        self.fail = fail

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/query":
            if b"?t WHERE" in request.content:  # the push token in the marker graph: its one literal
                marker = self.graphs.get(marker_graph(PREFIX), b"")
                tokens = [{"t": {"type": "literal", "value": marker.split(b'"')[1].decode()}}] if marker else []
                return httpx.Response(200, json={"head": {"vars": ["t"]}, "results": {"bindings": tokens}})
            rows = [
                {"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": str(body.count(b"\n"))}}
                for g, body in self.graphs.items()
            ]
            return httpx.Response(200, json={"head": {"vars": ["g", "n"]}, "results": {"bindings": rows}})
        name = request.url.params["graph"]
        self.calls.append((request.method, name))
        if name == self.fail:
            return httpx.Response(500, text="disk full")
        if request.method == "DELETE":
            self.graphs.pop(name, None)
            return httpx.Response(204)
        if request.method == "POST" and name not in self.graphs:
            return httpx.Response(404, text=f"no graph {name}")
        existed = name in self.graphs
        self.graphs[name] = request.content
        return httpx.Response(204 if existed else 201)


def test_a_store_that_refuses_post_to_a_new_graph_gets_put(built_dist: Path) -> None:
    fake = StrictStore()
    uploads = load_uploads(built_dist, PREFIX, DEFAULT_BASE)
    with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
        report = push(uploads, "http://store.test/query", prefix=PREFIX, client=client)
        assert sorted(fake.calls) == sorted([("POST", u.name) for u in uploads] + [("PUT", u.name) for u in uploads])
        assert fake.graphs == {u.name: u.ntriples for u in uploads} and report.stored_triples == report.triples
        fake.calls.clear()
        push(uploads, "http://store.test/query", prefix=PREFIX, client=client, concurrency=1)
        assert fake.calls == [("PUT", u.name) for u in uploads]  # graphs it holds are replaced by PUT only


def test_a_failed_upload_stops_the_push_with_one_line(built_dist: Path) -> None:
    uploads = load_uploads(built_dist, PREFIX, DEFAULT_BASE)
    fake = StrictStore(fail=uploads[1].name)
    with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client, pytest.raises(StoreError) as info:
        push(uploads, "http://store.test/query", prefix=PREFIX, client=client, concurrency=2)
    assert "HTTP 500" in str(info.value) and "disk full" in str(info.value) and "\n" not in str(info.value)


def test_unreachable_store_is_one_clear_error(built_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()  # nothing listens there
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


def _parse(upload: Upload) -> Graph:
    return Graph().parse(data=upload.ntriples, format="nt")


def _graph(triples: set[tuple[Node, Node, Node]]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def _as_oxigraph_stores(triples: set[tuple[Node, Node, Node]]) -> Graph:
    """The triples as Oxigraph gives them back: it keeps typed literals by value (`"48.0"^^xsd:decimal` → `"48"`)."""
    store = pyoxigraph.Store()
    store.load(_graph(triples).serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return Graph().parse(
        data=store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()), format="nt"
    )


# --------------------------------------------------------------------------------------------------
# the former rdflib implementation of the split, kept here as the reference the byte splitter must match

_PART_LINKS = (OA.hasTarget, OA.hasSelector)


def _reference_owner(graph: Graph, subject: Node, seen: frozenset[Node] = frozenset()) -> Node | None:
    if (subject, RDF.type, KGO.SourceDocument) in graph or (None, PROV.wasDerivedFrom, subject) in graph:
        return subject
    documents = set(graph.objects(subject, PROV.wasDerivedFrom))
    if len(documents) == 1:
        return documents.pop()
    if documents:
        return None
    owners = {
        _reference_owner(graph, parent, seen | {subject})
        for link in _PART_LINKS
        for parent in graph.subjects(link, subject)
        if parent not in seen
    }
    return owners.pop() if len(owners) == 1 else None


def reference_split(data: Graph, prefix: str, base: str) -> dict[str, set[tuple[Node, Node, Node]]]:
    """Graph name → triples, as kg.push split a build before it read N-Triples bytes."""
    by_name: dict[str, set[tuple[Node, Node, Node]]] = {}
    for subject in set(data.subjects()):
        owner = _reference_owner(data, subject)
        name = f"{prefix}doc/{document_key(str(owner), base)}" if owner is not None else f"{prefix}shared"
        by_name.setdefault(name, set()).update((subject, p, o) for p, o in data.predicate_objects(subject))
    return by_name


# --------------------------------------------------------------------------------------------------
# credentials (issue 19 item 8) and unexpected answers (item 7), against a store on a real loopback socket

USER, PASSWORD, TOKEN = "alice", "s3cret-Pa55-zq", "tok-9f3a61c2e8-kg"
REALM = "kg-test"


def _digest_ok(header: str, method: str, password: str) -> bool:
    """Check an RFC 7616 Digest answer (MD5, qop=auth) as a server does."""
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header.removeprefix("Digest ")))
    if fields.get("username") != USER or fields.get("realm") != REALM:
        return False

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1, ha2 = md5(f"{USER}:{REALM}:{password}"), md5(f"{method}:{fields.get('uri', '')}")
    expected = md5(f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:{fields.get('qop')}:{ha2}")
    return fields.get("response") == expected


class AuthStore(StrictStore):
    """A Graph Store that asks for Basic, Digest or bearer authentication (or none), or answers oddly on `mode`."""

    def __init__(self, scheme: str | None, mode: str = "") -> None:
        super().__init__()
        self.scheme, self.mode = scheme, mode
        self.refused = 0

    def allowed(self, request: httpx.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if self.scheme == "basic":
            return header == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.scheme == "digest":
            return header.startswith("Digest ") and _digest_ok(header, request.method, PASSWORD)
        if self.scheme == "bearer":
            return header == f"Bearer {TOKEN}"
        return True

    def answer(self, request: httpx.Request) -> httpx.Response | None:
        """The response to a request (None: close the connection without one)."""
        if not self.allowed(request):
            self.refused += 1
            challenge = {
                "basic": f'Basic realm="{REALM}"',
                "digest": f'Digest realm="{REALM}", nonce="{uuid.uuid4().hex}", qop="auth", algorithm=MD5',
                "bearer": f'Bearer realm="{REALM}"',
            }[str(self.scheme)]
            # the page quotes what it was sent, as some stores' error pages do: kg must not repeat it
            echo = f"Authorization: {request.headers.get('Authorization', '')} {request.url}"
            return httpx.Response(401, headers={"WWW-Authenticate": challenge}, text=echo)
        if self.mode == "reset":
            return None
        if self.mode == "html":
            return httpx.Response(200, headers={"Content-Type": "text/html"}, text="<html><body>login</body></html>")
        if self.mode == "500":  # a debugging page that quotes the request, credentials included
            return httpx.Response(
                500, text=f"Internal Server Error; Authorization: {request.headers.get('Authorization')}"
            )
        if self.mode == "bad-bindings" and request.url.path == "/query":
            return httpx.Response(200, json={"results": {"bindings": [1, 2]}})
        if self.mode == "bad-count" and request.url.path == "/query":
            rows = [{"g": {"type": "uri", "value": PREFIX + "x"}, "n": {"type": "literal", "value": "many"}}]
            return httpx.Response(200, json={"results": {"bindings": rows}})
        return self.handle(request)


@contextlib.contextmanager
def auth_store(scheme: str | None, mode: str = "") -> Iterator[tuple[AuthStore, str]]:
    """An `AuthStore` served over HTTP/1.1 on a free loopback port; yields it and its query endpoint."""
    store = AuthStore(scheme, mode)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            request = httpx.Request(
                self.command, f"http://{self.headers['Host']}{self.path}", headers=dict(self.headers), content=body
            )
            response = store.answer(request)
            if response is None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            payload = response.read()
            self.send_response(response.status_code)
            for key, value in response.headers.items():
                if key.lower() not in ("content-length", "transfer-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield store, f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.shutdown()
        server.server_close()


def _no_secret_anywhere(out: str, err: str, dist: Path, *secrets: str) -> None:
    """No secret (as it is, URL-quoted or in a Basic header) in stdout, stderr or any byte under dist/."""
    forms = {s.encode() for s in secrets}
    forms |= {base64.b64encode(f"{USER}:{s}".encode()) for s in secrets}
    for form in forms:
        assert form.decode() not in out and form.decode() not in err, form
        for file in dist.rglob("*"):
            if file.is_file():
                assert form not in file.read_bytes(), (form, file)


def _push_cli(endpoint: str, dist: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["push", "--endpoint", endpoint, "--dist", str(dist), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_credentials_in_the_url_are_never_printed_or_stored(own_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """They still authenticate (Basic), with a warning; the record is the one a push without them uses."""
    with auth_store("basic") as (store, endpoint):
        url = endpoint.replace("http://", f"http://{USER}:{PASSWORD}@")
        code, out, err = _push_cli(url, own_dist, capsys)
        assert code == 0 and store.graphs, err
        assert "shell history" in err
        _no_secret_anywhere(out, err, own_dist, PASSWORD)
        records = list((own_dist / ".kg-cache" / "push").iterdir())
        assert len(records) == 1 and json.loads(records[0].read_text())["store"] == endpoint.replace("query", "store")
        # the same store with the password from the environment: the same record, nothing to send
        code, out, err = _push_cli(endpoint, own_dist, capsys, "--user", USER)
        assert code == 2 and "no password" in err  # without $KG_PUSH_PASSWORD: one line, exit 2
        os.environ["KG_PUSH_PASSWORD"] = PASSWORD
        try:
            code, out, err = _push_cli(endpoint, own_dist, capsys, "--user", USER)
        finally:
            del os.environ["KG_PUSH_PASSWORD"]
        assert code == 0 and out == "" and "unchanged" in err, err
        assert list((own_dist / ".kg-cache" / "push").iterdir()) == records
        # credentials in --store alone serve both URLs
        with_store = url.replace("/query", "/store")
        code, out, err = _push_cli(endpoint, own_dist, capsys, "--store", with_store, "--force")
        assert code == 0 and "shell history" in err and len(out.splitlines()) >= 3, err
        _no_secret_anywhere(out, err, own_dist, PASSWORD)
        assert list((own_dist / ".kg-cache" / "push").iterdir()) == records


@pytest.mark.parametrize("scheme", ["basic", "digest", "bearer"])
def test_a_store_asking_for_credentials_gets_them_and_wrong_ones_are_one_line(
    scheme: str, own_dist: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    options = ["--auth", scheme] + ([] if scheme == "bearer" else ["--user", USER])
    variable, secret = ("KG_PUSH_TOKEN", TOKEN) if scheme == "bearer" else ("KG_PUSH_PASSWORD", PASSWORD)
    wrong = secret[::-1]
    with auth_store(scheme) as (store, endpoint):
        # no credentials: the store asks for them
        code, out, err = _push_cli(endpoint, own_dist, capsys)
        assert code == 2 and err.count("\n") == 1 and "asks for credentials (HTTP 401" in err, err
        # wrong ones: refused, in one line, quoting neither them nor what the store echoed
        monkeypatch.setenv(variable, wrong)
        code, out, err = _push_cli(endpoint, own_dist, capsys, *options)
        assert code == 2 and err.count("\n") == 1, err
        assert err.startswith("kg push: error: the store refused the credentials (HTTP 401"), err
        assert not store.graphs
        # the right ones: every graph is stored
        monkeypatch.setenv(variable, secret)
        code, out, err = _push_cli(endpoint, own_dist, capsys, *options)
        assert code == 0, err
        expected = {u.name for u in load_uploads(own_dist, PREFIX, DEFAULT_BASE)}
        assert expected <= set(store.graphs) and set(out.split()) >= expected
        _no_secret_anywhere(out, err, own_dist, secret, wrong)
        assert "Authorization" not in err


def test_password_from_a_private_netrc_and_token_from_a_private_file(
    own_dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc_file, token_file = tmp_path / "netrc", tmp_path / "token"
    monkeypatch.setenv("NETRC", str(netrc_file))
    monkeypatch.delenv("KG_PUSH_PASSWORD", raising=False)
    with auth_store("digest") as (store, endpoint):
        netrc_file.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
        netrc_file.chmod(0o644)  # readable by others: refused, as ftp(1) refuses it
        code, out, err = _push_cli(endpoint, own_dist, capsys, "--user", USER, "--auth", "digest")
        assert code == 2 and err.count("\n") == 1 and "chmod 600" in err and not store.graphs, err
        netrc_file.chmod(0o600)
        for options in (["--user", USER], ["--netrc"]):
            code, out, err = _push_cli(endpoint, own_dist, capsys, *options, "--auth", "digest", "--force")
            assert code == 0 and store.graphs, err
            _no_secret_anywhere(out, err, own_dist, PASSWORD)
    with auth_store("bearer") as (store, endpoint):
        token_file.write_text(TOKEN + "\n")
        token_file.chmod(0o640)
        code, out, err = _push_cli(endpoint, own_dist, capsys, "--token-file", str(token_file))
        assert code == 2 and err.count("\n") == 1 and "chmod 600" in err, err
        token_file.chmod(0o600)
        code, out, err = _push_cli(endpoint, own_dist, capsys, "--token-file", str(token_file), "--force")
        assert code == 0 and store.graphs, err
        _no_secret_anywhere(out, err, own_dist, TOKEN)


@pytest.mark.parametrize("mode", ["html", "500", "reset", "bad-bindings", "bad-count"])
def test_a_store_answering_unexpectedly_is_one_line_and_exit_2(
    mode: str, own_dist: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_PUSH_PASSWORD", PASSWORD)
    with auth_store("basic", mode) as (_, endpoint):
        code, out, err = _push_cli(endpoint, own_dist, capsys, "--user", USER)
    assert code == 2 and err.count("\n") == 1 and err.startswith("kg push: error:"), err
    _no_secret_anywhere(out, err, own_dist, PASSWORD)


def test_an_invalid_port_is_one_line(built_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _push_cli("http://127.0.0.1:99999/query", built_dist, capsys)
    assert code == 2 and err.count("\n") == 1 and err.startswith("kg push: error:"), err


def test_a_closed_stdout_ends_the_push_quietly(own_dist: Path) -> None:
    """`kg push … | head -0`: the push is done and recorded; no traceback, no internal error."""
    with auth_store(None) as (store, endpoint):
        reader, writer = os.pipe()
        os.close(reader)  # the reader is gone before kg writes its list of graphs
        try:
            result = subprocess.run(
                [sys.executable, "-m", "kg", "push", "--endpoint", endpoint, "--dist", str(own_dist)],
                stdout=writer,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                timeout=300,
            )
        finally:
            os.close(writer)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert store.graphs and list((own_dist / ".kg-cache" / "push").iterdir())


def test_redact_hides_userinfo_headers_and_the_secret() -> None:
    credentials = Credentials("basic", USER, "p@ss word/1")
    text = (
        "GET http://alice:p%40ss%20word%2F1@h/x failed; Authorization: Basic "
        + base64.b64encode(b"alice:p@ss word/1").decode()
        + " sent p@ss word/1"
    )
    redacted = credentials.redact(text)
    assert "p@ss" not in redacted and "p%40ss" not in redacted and "YWxp" not in redacted
    assert "http://h/x" in redacted and "alice" not in redacted.split("sent")[0].split("://")[1]
    assert "secret=<hidden>" in repr(credentials) and "p@ss" not in repr(credentials)
    assert split_url("http://a:b%40c@h:1/q?x=1") == ("http://h:1/q?x=1", "a", "b@c")
    assert split_url("http://h/q") == ("http://h/q", None, None)


def test_the_library_takes_credentials_out_of_urls_and_records(built_dist: Path, tmp_path: Path) -> None:
    """`push` and `record_file` called directly (not through the CLI) neither report nor key by a secret."""
    assert record_file(tmp_path, f"http://{USER}:{PASSWORD}@h/store", PREFIX) == record_file(
        tmp_path, f"http://{USER}:other@h/store", PREFIX
    )
    with auth_store("basic") as (store, endpoint):
        url = endpoint.replace("http://", f"http://{USER}:{PASSWORD}@")
        report = push(load_uploads(built_dist, PREFIX, DEFAULT_BASE), url, prefix=PREFIX, previous=PushRecord("", {}))
        assert report.store == endpoint.replace("/query", "/store") and store.graphs
        file = record_file(tmp_path, report.store, PREFIX)
        write_record(file, report, PREFIX)
        assert PASSWORD.encode() not in file.read_bytes()
        with pytest.raises(StoreError) as info:
            push([], url.replace(PASSWORD, "wrong"), prefix=PREFIX)
    assert "refused the credentials" in str(info.value) and "wrong" not in str(info.value)
