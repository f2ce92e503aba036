"""Upload a build to an existing SPARQL store with the SPARQL 1.1 Graph Store HTTP Protocol.

The data graph is split into one named graph per source document, so that re-pushing after an
article changes replaces exactly that article's triples (each HTTP PUT replaces one graph in one
transaction on the store):

- `<prefix>doc/<document key>`: every subject whose `prov:wasDerivedFrom` is that document, the
  document itself, and the Web Annotation targets and selectors under its evidence;
- `<prefix>doc/registry`: the registry and its entities (people, states, organisations, places,
  positions, tenures), which derive from `<base>id/document/registry`;
- `<prefix>shared`: subjects derived from several documents or from none;
- `<prefix>ontology`: dist/ontology.ttl (ontology and SKOS vocabularies);
- `<prefix>inferred`: dist/kg-inferred.ttl, only with `--reason`.

Graphs under the prefix that the build no longer has are deleted. The stored queries read the
default graph, so the store must answer queries over the union of its named graphs
(`oxigraph serve --union-default-graph`, Fuseki `tdb2:unionDefaultGraph true`, GraphDB and
Virtuoso do so by default).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from kg.errors import StoreError
from kg.namespaces import KGO, OA
from kg.store import published_files, read_rdf

#: links from a resource to parts that carry no provenance of their own and belong with it
_PART_LINKS = (OA.hasTarget, OA.hasSelector)


@dataclass(frozen=True)
class Upload:
    """One named graph to PUT."""

    name: str
    graph: Graph

    def ntriples(self) -> bytes:
        """Sorted N-Triples: deterministic, and the format every GSP store reads."""
        lines = sorted(set(self.graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()) - {""})
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


@dataclass(frozen=True)
class PushReport:
    """What a push did."""

    store: str
    #: graph name → triples uploaded
    graphs: dict[str, int]
    #: stale graphs under the prefix that were deleted
    deleted: tuple[str, ...]
    #: triples in the store's graphs under the prefix afterwards (None when not checked)
    stored_triples: int | None

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def document_key(document: Node, base: str) -> str:
    """`csto-kazakhstan-2022-01-10` for `<base>id/document/csto-kazakhstan-2022-01-10`."""
    text = str(document)
    prefix = base + "id/document/"
    key = text[len(prefix) :] if text.startswith(prefix) else text.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._~/-]", "_", key) or "_"


def _owner(graph: Graph, subject: Node, seen: frozenset[Node] = frozenset()) -> Node | None:
    """The source document a subject's triples belong to, or None (shared)."""
    if (subject, RDF.type, KGO.SourceDocument) in graph or (None, PROV.wasDerivedFrom, subject) in graph:
        return subject  # a document (or the registry) goes into its own graph
    documents = set(graph.objects(subject, PROV.wasDerivedFrom))
    if len(documents) == 1:
        return documents.pop()
    if documents:
        return None
    owners = {
        _owner(graph, parent, seen | {subject})
        for link in _PART_LINKS
        for parent in graph.subjects(link, subject)
        if parent not in seen
    }
    return owners.pop() if len(owners) == 1 else None


def split_graphs(data: Graph, ontology: Graph, prefix: str, base: str, inferred: Graph | None = None) -> list[Upload]:
    """The named graphs of a build (see the module docstring), sorted by name; no triple is lost or doubled."""
    by_name: dict[str, Graph] = {}
    for subject in sorted(set(data.subjects()), key=str):
        owner = _owner(data, subject)
        name = f"{prefix}doc/{document_key(owner, base)}" if owner is not None else f"{prefix}shared"
        target = by_name.setdefault(name, Graph())
        for p, o in data.predicate_objects(subject):
            target.add((subject, p, o))
    by_name[f"{prefix}ontology"] = ontology
    if inferred is not None:
        by_name[f"{prefix}inferred"] = inferred
    return [Upload(name, by_name[name]) for name in sorted(by_name)]


def load_uploads(dist_dir: Path, prefix: str, base: str, include_inferred: bool = False) -> list[Upload]:
    """Read dist/kg.ttl and dist/ontology.ttl (and kg-inferred.ttl) and split them into uploads."""
    files = published_files(dist_dir, include_inferred=include_inferred)
    data = read_rdf([files[0]])
    ontology = read_rdf([files[1]])
    inferred = read_rdf([files[2]]) if include_inferred else None
    return split_graphs(data, ontology, prefix, base, inferred)


def store_url_for(endpoint: str) -> str:
    """The Graph Store URL next to a query endpoint: `…/query` or `…/sparql` → `…/store` (Oxigraph's layout)."""
    parts = urlsplit(endpoint)
    head, _, last = parts.path.rstrip("/").rpartition("/")
    if last not in ("query", "sparql"):
        raise StoreError(
            f"cannot guess the Graph Store URL of {endpoint}",
            hint="pass --store (Fuseki: http://HOST:3030/DATASET/data; "
            "GraphDB: …/repositories/REPO/rdf-graphs/service)",
        )
    return urlunsplit((parts.scheme, parts.netloc, f"{head}/store", "", ""))


def _describe_failure(method: str, url: str, exc: httpx.HTTPError) -> StoreError:
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        reason = f"cannot connect ({reason})"
    elif isinstance(exc, httpx.TimeoutException):
        reason = "timed out"
    return StoreError(f"{method} {url}: {reason}", hint="is the store running and the URL right?")


def _check(response: httpx.Response, method: str, what: str) -> None:
    if response.status_code >= 400:
        detail = " ".join(response.text.split())[:200]
        raise StoreError(
            f"{method} {what} failed: HTTP {response.status_code} {response.reason_phrase}"
            + (f": {detail}" if detail else ""),
            hint="check that the store accepts Graph Store Protocol writes "
            "(Oxigraph: `oxigraph serve`, not serve-read-only)",
        )


def _request(client: httpx.Client, method: str, url: str, what: str, **kwargs: object) -> httpx.Response:
    try:
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        raise _describe_failure(method, what, exc) from None
    _check(response, method, what)
    return response


def _select(client: httpx.Client, endpoint: str, query: str) -> list[dict[str, str]]:
    response = _request(
        client,
        "POST",
        endpoint,
        endpoint,
        content=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    try:
        rows = response.json()["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        raise StoreError(f"{endpoint} did not answer with SPARQL JSON results") from None
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stored_graphs(client: httpx.Client, endpoint: str, prefix: str) -> dict[str, int]:
    """Named graphs under `prefix` in the store, with their triple counts."""
    query = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), {_sparql_string(prefix)})) }} GROUP BY ?g"
    )
    return {row["g"]: int(row["n"]) for row in _select(client, endpoint, query)}


def push(
    uploads: Iterable[Upload],
    endpoint: str,
    store: str | None = None,
    prefix: str | None = None,
    *,
    client: httpx.Client | None = None,
    timeout_s: float = 300.0,
    progress: Callable[[str], None] | None = None,
) -> PushReport:
    """PUT each upload as its named graph, delete stale graphs under `prefix`, and count what is stored."""
    store = store or store_url_for(endpoint)
    uploads = list(uploads)
    own_client = client is None
    http = client or httpx.Client(timeout=timeout_s)
    try:
        before = stored_graphs(http, endpoint, prefix) if prefix else {}
        sent: dict[str, int] = {}
        for upload in uploads:
            body = upload.ntriples()
            _request(
                http,
                "PUT",
                store,
                f"{store}?graph={upload.name}",
                params={"graph": upload.name},
                content=body,
                headers={"Content-Type": "application/n-triples"},
            )
            sent[upload.name] = len(upload.graph)
            if progress:
                progress(f"{upload.name}: {len(upload.graph)} triples")
        stale = tuple(sorted(set(before) - set(sent)))
        for name in stale:
            _request(http, "DELETE", store, f"{store}?graph={name}", params={"graph": name})
            if progress:
                progress(f"{name}: deleted (no longer in the build)")
        stored = sum(stored_graphs(http, endpoint, prefix).values()) if prefix else None
    finally:
        if own_client:
            http.close()
    return PushReport(store=store, graphs=sent, deleted=stale, stored_triples=stored)


def default_prefix(base: str) -> str:
    """`<base>graph/`: graph names live next to the data's `<base>id/`."""
    return f"{base}graph/"


def as_iri(text: str) -> URIRef:
    """A graph-name prefix as an IRI; it must be absolute."""
    if "://" not in text and not text.startswith("urn:"):
        raise StoreError(
            f"graph prefix {text!r} is not an absolute IRI", hint="pass e.g. --graph https://example.org/kg/graph/"
        )
    return URIRef(text)
