"""`kg serve` in-process: every route, every refusal, the limits, conneg, dumps, VoID and the pages."""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD
from rdflib.query import Result
from starlette.testclient import TestClient

from kg import paths
from kg.cli import main
from kg.namespaces import KGO, PREFIXES
from kg.queries import RENDERERS, bind_params, load_queries, run_query
from kg.serve import ServeSettings, create_app

BASE = "https://w3id.org/conflict-kg/"
SUMMIT = f"{BASE}id/event/csto-kazakhstan-2022-01-10/csto-summit"
SUMMIT_PATH = "/id/event/csto-kazakhstan-2022-01-10/csto-summit"
PUTIN = f"{BASE}id/person/vladimir-putin"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: a cross product of the whole graph with itself three times: it never finishes on its own
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MAX_ROWS = 1000
TIMEOUT_S = 2.0


@pytest.fixture(scope="module")
def client(built_dist: Path) -> Iterator[TestClient]:
    app = create_app(ServeSettings(dist_dir=built_dist, workers=2, timeout_s=TIMEOUT_S, max_rows=MAX_ROWS))
    with TestClient(app) as test_client:
        yield test_client


def sparql_json(client: TestClient, query: str) -> list[dict[str, Any]]:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return rows


# --------------------------------------------------------------------------------------------------
# SPARQL 1.1 Protocol


def test_events_by_any_class_with_the_type_closure(client: TestClient) -> None:
    """kg serve loads kg-types.nt beside the dumps: the bundled data's 27 events are kgo:Event and schema:Event
    (its 5 registry events, 13 the seed declares, the early Wikipedia revision's protest in Aktobe, the Logang
    massacre article's event, six UCDP rows' and the linked Logang massacre)."""
    for cls in ("kgo:Event", "<https://schema.org/Event>"):
        rows = sparql_json(client, f"SELECT DISTINCT ?e WHERE {{ ?e a {cls} }}")
        assert len(rows) == 27, cls


def test_get_post_form_and_post_direct_agree(client: TestClient, published_graph: Graph) -> None:
    expected = str(len(published_graph))
    answers = [
        client.get("/sparql", params={"query": COUNT_ALL}),
        client.post("/sparql", data={"query": COUNT_ALL}),
        client.post("/sparql", content=COUNT_ALL.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        assert response.json()["results"]["bindings"][0]["n"]["value"] == expected


SELECT_SUMMITS = "SELECT ?s ?label WHERE { ?s a kgo:Summit ; rdfs:label ?label } ORDER BY ?label"


@pytest.mark.parametrize(
    ("accept", "media_type", "parse_format"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
        ("text/csv", "text/csv", "csv"),
        ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
    ],
)
def test_select_formats(client: TestClient, accept: str, media_type: str, parse_format: str) -> None:
    response = client.get("/sparql", params={"query": SELECT_SUMMITS}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    result = Result.parse(io.BytesIO(response.content), format=parse_format)
    labels = {str(row[1]) for row in result}  # type: ignore[index]
    assert "CSTO video summit on the situation in Kazakhstan" in labels


def test_ask_json_and_xml(client: TestClient) -> None:
    query = f"ASK {{ <{SUMMIT}> kgo:attendee <{PUTIN}> }}"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True
    xml = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    assert Result.parse(io.BytesIO(xml.content), format="xml").askAnswer is True


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")],
)
def test_construct_formats(client: TestClient, accept: str, rdf_format: str) -> None:
    query = f"CONSTRUCT {{ <{SUMMIT}> kgo:attendee ?a }} WHERE {{ <{SUMMIT}> kgo:attendee ?a }}"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=rdf_format)
    assert len(graph) == 7 and (URIRef(SUMMIT), KGO.attendee, URIRef(PUTIN)) in graph


def test_describe_answers_turtle_by_default(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{SUMMIT}>"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert (URIRef(SUMMIT), RDF.type, KGO.Summit) in Graph().parse(data=response.text, format="turtle")


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": SELECT_SUMMITS, "format": "csv"}, headers={"Accept": "application/json"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.startswith("s,label\r\n")


def test_syntax_error_is_400_with_the_parser_message(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE {\n ?s ?p ?o"})
    assert response.status_code == 400
    assert "line 2" in response.text and "column" in response.text


def test_missing_query_is_400(client: TestClient) -> None:
    assert client.get("/sparql", headers={"Accept": "application/sparql-results+json"}).status_code == 400


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "GET", "url": "/sparql?query="},
        {"method": "GET", "url": "/sparql", "params": {"query": "  # only a comment\n"}},
        {"method": "POST", "url": "/sparql", "content": b"", "headers": {"Content-Type": "application/sparql-query"}},
        {"method": "POST", "url": "/sparql", "data": {"query": ""}},
    ],
)
def test_an_empty_query_is_400_and_says_so(client: TestClient, request_kwargs: dict[str, Any]) -> None:
    """An empty text parses as an empty SPARQL Update; it is still a missing query, not a refused update."""
    response = client.request(**request_kwargs)
    assert response.status_code == 400, response.text
    assert response.text.startswith("the query is empty") and "Update" not in response.text


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (SELECT_SUMMITS, "image/png"),
        (SELECT_SUMMITS, "text/turtle"),  # an RDF type for a SELECT
        (f"CONSTRUCT WHERE {{ <{SUMMIT}> ?p ?o }}", "text/csv"),  # a results type for a CONSTRUCT
        (f"ASK {{ <{SUMMIT}> ?p ?o }}", "text/csv;q=1, application/sparql-results+json;q=0"),  # CSV has no ASK form
    ],
)
def test_nothing_acceptable_is_406(client: TestClient, query: str, accept: str) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406, response.text
    form = query.split()[0]
    assert f"the result of {'an' if form == 'ASK' else 'a'} {form} query" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?q ?r } } }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_unsafe_queries_are_refused(client: TestClient, published_graph: Graph, query: str) -> None:
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 400, response.text
        assert "refused" in response.text and response.text.count("\n") == 1
    # and nothing changed
    assert sparql_json(client, COUNT_ALL)[0]["n"]["value"] == str(len(published_graph))


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 400),
        ({"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, 400),
        ({"data": {"query": COUNT_ALL, "default-graph-uri": "http://127.0.0.1:9/g"}}, 400),
        ({"data": {"query": COUNT_ALL, "named-graph-uri": "http://127.0.0.1:9/g"}}, 400),
        ({"content": COUNT_ALL.encode(), "headers": {"Content-Type": "text/plain"}}, 415),
    ],
)
def test_update_operations_and_dataset_parameters_are_refused(
    client: TestClient, kwargs: dict[str, Any], status: int
) -> None:
    assert client.post("/sparql", **kwargs).status_code == status


def test_runaway_query_is_stopped_and_the_worker_replaced(client: TestClient, published_graph: Graph) -> None:
    server = client.app.state.server  # type: ignore[attr-defined]
    killed_before = server.pool.killed
    response = client.get("/sparql", params={"query": SLOW})
    assert response.status_code == 503
    assert "limit" in response.text
    assert server.pool.killed == killed_before + 1
    # the endpoint keeps answering (the other worker, then the replacement); comments defeat the cache
    for i in range(6):
        assert sparql_json(client, f"{COUNT_ALL} # {i}")[0]["n"]["value"] == str(len(published_graph))
    deadline = time.monotonic() + 60
    while server.pool.idle() < server.pool.size and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.pool.alive() == server.pool.size == 3 and server.pool.idle() == 3  # 2 + 1 reserved


def test_row_cap_cuts_and_says_so(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert response.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    graph_response = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"}
    )
    assert len(graph_response.text.splitlines()) == MAX_ROWS
    assert graph_response.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    small = client.get("/sparql", params={"query": SELECT_SUMMITS})
    assert "x-sparql-maxrows" not in small.headers


def test_cors_on_get_and_preflight(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT_ALL}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept",
        },
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert (
        client.get("/dumps/kg.ttl", headers={"Origin": "https://x.example"}).headers["access-control-allow-origin"]
        == "*"
    )


def test_html_results_escape_everything(client: TestClient) -> None:
    query = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    response = client.post("/sparql", data={"query": query, "format": "html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_browser_accept_gets_an_html_table(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.post("/sparql", data={"query": SELECT_SUMMITS}, headers={"Accept": browser})
    assert response.headers["content-type"].startswith("text/html")
    assert f'href="{SUMMIT_PATH}"' in response.text
    assert client.get("/sparql", headers={"Accept": browser}).status_code == 200  # no query: the form


# --------------------------------------------------------------------------------------------------
# stored queries

#: sample values for required parameters (by name); queries needing others are run with defaults only
#: sample values for required parameters of the stored queries on the seed, by parameter name
SAMPLES: dict[str, str] = json.loads((Path(__file__).resolve().parent / "cases" / "seed-query-params.json").read_text())
QUERIES = load_queries(paths.QUERIES_DIR)


def _runnable() -> list[tuple[str, dict[str, str]]]:
    out = []
    for name, query in QUERIES.items():
        values = {p.name: SAMPLES[p.name] for p in query.params if p.required and p.name in SAMPLES}
        if all(p.name in values for p in query.params if p.required):
            out.append((name, values))
    return out


def _normal(term: dict[str, str]) -> tuple[str, str, str]:
    """A SPARQL JSON term with the datatype Oxigraph normalises on load folded (xsd:string ≡ plain,
    xsd:nonNegativeInteger stored as xsd:integer)."""
    datatype = term.get("datatype", "")
    if datatype == str(XSD.string):
        datatype = ""
    if datatype in (str(XSD.nonNegativeInteger), str(XSD.positiveInteger), str(XSD.int), str(XSD.long)):
        datatype = str(XSD.integer)
    return (term["value"], term.get("xml:lang", ""), datatype)


def _rows(bindings: list[dict[str, dict[str, str]]]) -> list[tuple[tuple[str, tuple[str, str, str]], ...]]:
    return sorted(tuple(sorted((k, _normal(v)) for k, v in row.items())) for row in bindings)


def test_every_bundled_query_is_exercised() -> None:
    assert QUERIES, "no stored queries found"
    assert len(_runnable()) >= len(QUERIES) - 2, "give SAMPLES values for the new required parameters"


@pytest.mark.parametrize(("name", "values"), _runnable(), ids=[n for n, _ in _runnable()])
def test_stored_query_over_http_equals_kg_query(
    client: TestClient, published_graph: Graph, name: str, values: dict[str, str]
) -> None:
    query = QUERIES[name]
    local = run_query(published_graph, query.text, bind_params(query, values), PREFIXES)
    if query.form in ("SELECT", "ASK"):
        response = client.get(f"/queries/{name}", params=values, headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.text
        expected = json.loads(RENDERERS["json"].render(local))
        if query.form == "ASK":
            assert response.json()["boolean"] == expected["boolean"]
        else:
            assert _rows(response.json()["results"]["bindings"]) == _rows(expected["results"]["bindings"])
    else:
        response = client.get(f"/queries/{name}", params=values, headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, response.text
        assert len(Graph().parse(data=response.text, format="nt")) == len(local.graph or Graph())


def test_queries_list_json_and_html(client: TestClient) -> None:
    response = client.get("/queries", headers={"Accept": "application/json"})
    records = {r["name"]: r for r in response.json()["queries"]}
    assert set(records) == set(QUERIES)
    participants = records["meeting-participants"]
    assert participants["url"] == "/queries/meeting-participants" and participants["form"] == "SELECT"
    assert {p["name"] for p in participants["params"]} >= {"meeting"}
    page = client.get("/queries", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "meeting-participants" in page.text


def test_stored_query_parameters_and_formats(client: TestClient) -> None:
    url = "/queries/meeting-participants"
    rows = client.get(url, params={"meeting": SUMMIT}, headers={"Accept": "application/sparql-results+json"}).json()[
        "results"
    ]["bindings"]
    assert PUTIN in {r["participant"]["value"] for r in rows}
    as_csv = client.get(url, params={"meeting": SUMMIT, "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv") and "Vladimir Putin" in as_csv.text
    as_tsv = client.get(url, params={"meeting": SUMMIT}, headers={"Accept": "text/tab-separated-values"})
    assert f"<{PUTIN}>" in as_tsv.text
    html = client.get(url, params={"meeting": SUMMIT, "format": "html"})
    assert "Vladimir Putin" in html.text and html.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/queries/meeting-participants", {"meeting": "not an iri"}, 400),
        ("/queries/meeting-participants", {"nosuchparam": "x"}, 400),
        ("/queries/no-such-query", {}, 404),
        ("/queries/meeting-participants", {"format": "png"}, 400),
    ],
)
def test_stored_query_errors(client: TestClient, path: str, params: dict[str, str], status: int) -> None:
    assert client.get(path, params=params).status_code == status


def test_curie_parameters_bind_as_in_kg_query(
    client: TestClient, built_dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`?place=kg:place/almaty` means what `kg query -p place=kg:place/almaty` means: the same five reports
    (the seed's three, the early and the current Wikipedia revision's one each)."""
    response = client.get("/queries/events-in-place", params={"place": "kg:place/almaty", "format": "csv"})
    assert response.status_code == 200, response.text
    argv = ["query", "events-in-place", "-p", "place=kg:place/almaty", "-f", "csv", "--dist", str(built_dist)]
    assert main(argv) == 0
    cli = capsys.readouterr().out
    assert response.text == cli and len(cli.splitlines()) == 1 + 5
    assert f"{BASE}id/report/csto-kazakhstan-2022-01-10/fighting-in-almaty" in cli
    # an <IRI> as `--format table` writes it, and a kg: CURIE in a query of another kind
    full = client.get("/queries/events-in-place", params={"place": f"<{BASE}id/place/almaty>", "format": "csv"})
    assert full.text == cli
    summit = "kg:event/csto-kazakhstan-2022-01-10/csto-summit"
    rows = client.get("/queries/meeting-participants", params={"meeting": summit})
    assert PUTIN in {r["participant"]["value"] for r in rows.json()["results"]["bindings"]}


def test_missing_parameter_hint_is_in_url_terms(client: TestClient) -> None:
    response = client.get("/queries/timeline", params={"from": "2022-01-01"})
    assert response.status_code == 400
    assert response.text == "query 'timeline' needs parameter 'to' (xsd:date) — add ?to=VALUE to the URL\n"
    both = client.get("/queries/timeline", params={"format": "json"})
    assert both.status_code == 400 and "add ?from=VALUE&to=VALUE to the URL" in both.text
    assert "--param" not in both.text
    bad = client.get("/queries/timeline", params={"from": "2022-13-01", "to": "2022-01-10"})
    assert bad.status_code == 400 and bad.text.startswith("from: '2022-13-01' is not a valid xsd:date")


# --------------------------------------------------------------------------------------------------
# linked data


def test_resource_iri_redirects_303_to_its_document(client: TestClient) -> None:
    response = client.get(SUMMIT_PATH, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/doc" + SUMMIT_PATH
    assert "Accept" in response.headers["vary"]


def test_vocabulary_iris_dereference_too(client: TestClient) -> None:
    response = client.get("/vocab/event-type/summit", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/doc/vocab/event-type/summit"


def test_dataset_iris_redirect_303_to_the_void_description(client: TestClient, built_dist: Path) -> None:
    void = Graph().parse(built_dist / "void.ttl", format="turtle")
    dataset = URIRef(f"{BASE}id/dataset/kg")
    partition = min(void.objects(dataset, VOID.classPartition))  # whatever key the build minted
    assert isinstance(partition, URIRef) and str(partition).startswith(f"{BASE}id/dataset/kg/class/")
    for iri in (dataset, partition):
        path = "/" + str(iri).removeprefix(BASE)
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/.well-known/void" and "Accept" in response.headers["vary"]
        described = Graph().parse(data=client.get(path, headers={"Accept": "text/turtle"}).text, format="turtle")
        assert (iri, None, None) in described  # the redirect lands on a description of that IRI
    data = client.get(SUMMIT_PATH, follow_redirects=False)  # data IRIs still go to their own document
    assert data.status_code == 303 and data.headers["location"] == "/doc" + SUMMIT_PATH


@pytest.mark.parametrize(
    "path",
    [
        "/id/event/no-such-event",
        "/doc/id/event/no-such-event",
        "/id/person/vladimir-putin/extra",
        "/id/dataset/nope",
    ],
)
def test_unknown_resources_are_404(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert "Accept" in response.headers["vary"]  # like the 303 an existing IRI gets


@pytest.mark.parametrize(
    ("accept", "media_type", "rdf_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_document_rdf_by_accept(client: TestClient, accept: str, media_type: str, rdf_format: str) -> None:
    response = client.get(SUMMIT_PATH, headers={"Accept": accept})  # follows the 303
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["vary"].startswith("Accept")
    graph = Graph().parse(data=response.text, format=rdf_format)
    summit = URIRef(SUMMIT)
    assert (summit, KGO.attendee, URIRef(PUTIN)) in graph  # outgoing
    assert any(graph.subjects(KGO.inEvent, summit))  # incoming
    assert (URIRef(PUTIN), RDFS.label, Literal("Vladimir Putin", lang="en")) in graph  # labels of neighbours


def test_document_by_extension_and_406(client: TestClient) -> None:
    response = client.get(f"/doc{SUMMIT_PATH}.nt")
    assert response.headers["content-type"].startswith("application/n-triples")
    assert client.get(f"/doc{SUMMIT_PATH}", headers={"Accept": "image/png"}).status_code == 406


def test_html_page_of_the_summit(client: TestClient) -> None:
    response = client.get(SUMMIT_PATH, headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    text = response.text
    assert "CSTO video summit on the situation in Kazakhstan" in text
    for person in ("Vladimir Putin", "Alexander Lukashenko", "Nikol Pashinyan", "Emomali Rahmon"):
        assert person in text
    assert 'href="/id/person/vladimir-putin"' in text  # links to our own resources stay local
    assert "Presiden Federasi Rusia Vladimir Putin" in text  # the evidence quote of Putin's attendance
    assert "Kerusuhan Kazakhstan, Tokayev Paparkan Situasi pada Pertemuan CSTO" in text  # its article
    assert response.headers["content-location"] == f"/doc{SUMMIT_PATH}.html"


def test_pages_escape_data_and_link_no_script(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    evil = URIRef(f"{BASE}id/person/evil")
    data = Graph()
    data.add((evil, RDF.type, KGO.Person))
    data.add((evil, RDFS.label, Literal('<img src=x onerror="alert(1)">', lang="en")))
    data.add((evil, KGO.description, Literal("</td><script>alert(2)</script>")))
    links = {
        "javascript:alert(3)": False,
        "data:text/html,x": False,
        "vbscript:x": False,
        "https://example.org/a": True,
    }
    for iri in links:
        data.add((evil, RDFS.seeAlso, URIRef(iri)))
    data.serialize(dist / "kg.ttl", format="turtle")
    Graph().serialize(dist / "ontology.ttl", format="turtle")
    with TestClient(create_app(ServeSettings(dist_dir=dist, workers=1, queries_dir=tmp_path / "none"))) as c:
        page = c.get("/id/person/evil", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "<img" not in page.text and "<script>alert" not in page.text
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page.text
        for iri, linked in links.items():  # only http(s) and mailto IRIs become links
            assert (f'href="{iri}"' in page.text) is linked
        assert c.get("/queries", headers={"Accept": "application/json"}).json() == {"queries": []}


# --------------------------------------------------------------------------------------------------
# dumps and VoID


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("kg.ttl", "text/turtle"),
        ("kg.nt", "application/n-triples"),
        ("kg.jsonld", "application/ld+json"),
        ("kg-types.nt", "application/n-triples"),
    ],
)
def test_dumps_with_strong_etag_and_304(client: TestClient, built_dist: Path, name: str, media_type: str) -> None:
    body = (built_dist / name).read_bytes()
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200 and response.content == body
    assert response.headers["content-type"].startswith(media_type)
    etag = response.headers["etag"]
    assert etag == f'"{hashlib.sha256(body).hexdigest()}"'  # strong: no W/
    assert client.get(f"/dumps/{name}", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/dumps/{name}", headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(f"/dumps/{name}", headers={"If-None-Match": '"other"'}).status_code == 200
    head = client.head(f"/dumps/{name}")
    assert head.status_code == 200 and head.headers["etag"] == etag and not head.content


def test_unknown_dump_is_404(client: TestClient) -> None:
    assert client.get("/dumps/secrets.txt").status_code == 404


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [(None, "turtle"), ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")],
)
def test_void_description(client: TestClient, accept: str | None, rdf_format: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/.well-known/void", headers=headers)
    assert response.status_code == 200 and "Accept" in response.headers["vary"]
    graph = Graph().parse(data=response.text, format=rdf_format)
    dataset = URIRef(f"{BASE}id/dataset/kg")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, VOID.sparqlEndpoint, URIRef(f"{BASE}sparql")) in graph
    assert client.get("/.well-known/void", headers={"Accept": "text/csv"}).status_code == 406


# --------------------------------------------------------------------------------------------------
# pages


def test_index_and_query_page(client: TestClient) -> None:
    index = client.get("/")
    assert index.status_code == 200 and 'href="/query"' in index.text and SUMMIT_PATH in index.text
    page = client.get("/query")
    assert '<form id="query-form" method="post" action="/sparql">' in page.text
    for name in QUERIES:
        assert f"/query?name={name}" in page.text
    prefilled = client.get("/query", params={"name": "meeting-participants"})
    assert "kgo:inCapacityOf" in prefilled.text


def test_stored_query_form_shows_a_missing_parameter(client: TestClient) -> None:
    response = client.get("/queries/meeting-participants", params={"meeting": "not an iri", "format": "html"})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert 'id="error"' in response.text and 'name="meeting"' in response.text
