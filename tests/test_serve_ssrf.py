"""No query kg runs reaches another host: a loopback listener counts the connections every trick makes.

Each query names the listener's URL in SERVICE or FROM, hidden in the ways a second parser with other
escaping rules misses (rdflib expands `\\u` escapes over the whole text, Oxigraph only in strings and
IRIs). They go to a real `kg serve` over a socket (on dist/ and on a kg store) and to `kg query --sparql`
on every local engine; each must be refused with one line, and the listener must see no connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg import queries
from kg.cli import main
from kg.namespaces import PREFIXES
from kg.serve import ServeSettings, create_app
from servers import serve_in_thread

#: rdflib reads "\u0022" as a quote, so what stands between these two sits inside one string for it
OPEN, CLOSE = 'BIND("\\u0022" AS ?a)', 'BIND("\\u0022" AS ?c)'
#: `{url}` is the listener; every query would make Oxigraph or rdflib connect to it if it ran
VARIANTS: dict[str, str] = {
    "escaped quotes": f"SELECT ?x WHERE {{ {OPEN} SERVICE <{{url}}> {{ ?x ?p ?o }} {CLOSE} }}",  # the issue's query
    "plain": "SELECT ?x WHERE { SERVICE <{url}> { ?x ?p ?o } }",
    "lower case": "select ?x where { service <{url}> { ?x ?p ?o } }",
    "silent": "SELECT ?x WHERE { ?x ?p ?o OPTIONAL { SERVICE SILENT <{url}> { ?x ?q ?r } } }",
    "variable": "SELECT ?x WHERE { VALUES ?svc { <{url}> } SERVICE ?svc { ?x ?p ?o } }",
    "escaped variable": f"SELECT ?x WHERE {{ {OPEN} VALUES ?svc {{ <{{url}}> }} SERVICE ?svc {{ ?x ?p ?o }} {CLOSE} }}",
    "escaped keyword": "SELECT ?x WHERE { \\u0053ERVICE <{url}> { ?x ?p ?o } }",
    "comment before": "SELECT ?x WHERE { # SERVICE in a comment\n SERVICE <{url}> { ?x ?p ?o } }",
    "comment ended by CR": "SELECT ?x WHERE { ?x ?p ?o # a comment\rSERVICE <{url}> { ?x ?q ?r } }",
    "sub-query": f"SELECT ?x WHERE {{ {OPEN} {{ SELECT ?x WHERE {{ SERVICE <{{url}}> {{ ?x ?p ?o }} }} }} {CLOSE} }}",
    "filter exists": f"SELECT ?x {{ ?x ?p ?o {OPEN} FILTER EXISTS {{ SERVICE <{{url}}> {{ ?x ?p ?o }} }} {CLOSE} }}",
    "ask": f"ASK {{ {OPEN} SERVICE <{{url}}> {{ ?x ?p ?o }} {CLOSE} }}",
    "construct": f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {OPEN} SERVICE <{{url}}> {{ ?x ?p ?o }} {CLOSE} }}",
    "glued to a number": "SELECT ?x WHERE { ?x ?p 1SERVICE <{url}> { ?x ?q ?r } }",
    "from": "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
    "from named": "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "from, no space": 'SELECT ?s ("\\u0022" AS ?a) FROM<{url}> WHERE { ?s ?p ?o }',
}


class Listener:
    """A loopback TCP server that counts connections and answers each like a SPARQL endpoint would."""

    RESULTS = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"urn:leaked"}}]}}'

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn, contextlib.suppress(OSError):
                conn.settimeout(2)
                conn.recv(65536)
                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    f"Content-Length: {len(self.RESULTS)}\r\nConnection: close\r\n\r\n"
                )
                conn.sendall(head.encode() + self.RESULTS)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    try:
        yield server
    finally:
        server.close()


def test_the_listener_counts_what_oxigraph_sends(listener: Listener) -> None:
    """The counter works: Oxigraph itself, asked directly, does connect (so zero below means refused)."""
    import pyoxigraph

    before = listener.connections
    rows = list(pyoxigraph.Store().query(VARIANTS["plain"].replace("{url}", listener.url)))  # type: ignore[arg-type]
    assert listener.connections == before + 1
    assert [str(row["x"]) for row in rows] == ["<urn:leaked>"]


@pytest.fixture(scope="module", params=["dist", "store"])
def server_url(request: pytest.FixtureRequest, seed_store: tuple[Path, Path]) -> Iterator[str]:
    """`kg serve` over a socket on 127.0.0.1: on the files of dist/, and on a kg store."""
    dist, store = seed_store
    store_dir = store if request.param == "store" else None
    settings = ServeSettings(dist_dir=dist, workers=1, timeout_s=10, cache_entries=0, store_dir=store_dir)
    with serve_in_thread(create_app(settings), "/queries") as url:
        yield url


def _one_line_refusal(text: str) -> None:
    assert text.count("\n") == 1 and text.endswith("\n"), text
    assert "refused" in text or "syntax error" in text, text


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_endpoint_never_connects(server_url: str, listener: Listener, variant: str) -> None:
    query = VARIANTS[variant].replace("{url}", listener.url)
    before = listener.connections
    answers = [
        httpx.get(f"{server_url}/sparql", params={"query": query}, timeout=30),
        httpx.post(f"{server_url}/sparql", data={"query": query}, timeout=30),
        httpx.post(
            f"{server_url}/sparql",
            content=query.encode(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=30,
        ),
    ]
    assert listener.connections == before, f"{variant}: the server connected to the listener"
    for response in answers:
        assert response.status_code == 400, response.text
        _one_line_refusal(response.text)


def test_the_issues_query_is_refused_as_service(server_url: str, listener: Listener) -> None:
    query = VARIANTS["escaped quotes"].replace("{url}", listener.url)
    response = httpx.get(f"{server_url}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 400
    assert response.text.startswith("SERVICE is refused")


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("engine", ["memory", "oxigraph", "store"])
def test_kg_query_never_connects(
    seed_store: tuple[Path, Path],
    listener: Listener,
    capsys: pytest.CaptureFixture[str],
    variant: str,
    engine: str,
) -> None:
    dist, store = seed_store
    query = VARIANTS[variant].replace("{url}", listener.url)
    where = ["--store", str(store)] if engine == "store" else ["--dist", str(dist), "--backend", engine]
    before = listener.connections
    code = main(["query", "--sparql", query, *where, "--format", "json" if "CONSTRUCT" not in query else "ttl"])
    assert listener.connections == before, f"{variant} on {engine}: kg query connected to the listener"
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("kg query: error: ")
    _one_line_refusal(err)


@pytest.mark.parametrize(
    "query",
    [
        # rdflib cannot parse these, Oxigraph can: only Oxigraph's own parser sees the keyword
        "SELECT ?x WHERE { ?x ?p ?o # comment\rSERVICE <http://127.0.0.1:9/> { ?x ?q ?r } }",
        "SELECT ?x WHERE { ?x ?p 1SERVICE <http://127.0.0.1:9/> { ?x ?q ?r } }",
        'SELECT ?x WHERE { ?x ?p "a"sErViCe<http://127.0.0.1:9/>{ ?x ?q ?r } }',
        "PREFIX : <http://example.org/> SELECT * WHERE { ?s ?p ?o SERVICE:g { ?s ?q ?r } }",
    ],
)
def test_oxigraphs_parser_finds_service(query: str) -> None:
    assert queries.remote_access_in_text(query, PREFIXES) == "SERVICE"


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX : <http://example.org/> SELECT * FROM:g WHERE { ?s ?p ?o }",
        "PREFIX : <http://example.org/> SELECT * FROM NAMED:g WHERE { ?s ?p ?o }",
        "SELECT * from<http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
    ],
)
def test_oxigraphs_parser_finds_from(query: str) -> None:
    assert queries.remote_access_in_text(query, PREFIXES) == "FROM"


@pytest.mark.parametrize(
    "query",
    [
        # the words in strings, IRIs, comments, variables and prefixed names are not clauses
        'SELECT ?from ?service WHERE { ?from kgo:service "from service \\from" . ?service <http://x/from> ?o } # FROM',
        "SELECT ?from (COUNT(*) AS ?n) WHERE { ?from ?p ?o } GROUP BY ?from",
        "PREFIX from: <http://x/> PREFIX service: <http://y/> SELECT * WHERE { from:a service:b ?o }",
        "SELECT * WHERE { ?s ?p <http://x/%0from> }",
        'SELECT * WHERE { ?s ?p "Service"@en }',
        "SELECT ?x WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?x ?p ?o } }",  # Oxigraph: a syntax error
    ],
)
def test_the_words_elsewhere_are_no_clause(query: str) -> None:
    assert queries.remote_access_in_text(query, {**PREFIXES, "service": "http://y/"}) is None


def test_prefix_names_are_probed_like_the_text() -> None:
    assert (
        queries.remote_access_in_text(
            "SELECT * WHERE { ?s service:p from:o }", {"service": "http://a/", "from": "http://b/"}
        )
        is None
    )
