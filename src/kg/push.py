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
- `<prefix>inferred`: dist/kg-inferred.ttl, only with `--reason`;
- `<prefix>types`: dist/kg-types.nt, the types the class hierarchy implies (`kg.exporters.types`).

N-Triples has one triple per line, subject first, so the split reads dist/kg.nt as bytes: a line's
graph follows from its subject, and each graph's body is its lines as they are (no RDF parser, no
re-serialisation). Up to `concurrency` PUTs are in flight at once over keep-alive connections.
A recorded push (`previous`) skips a graph whose bytes are those it recorded last time, as long as
the store still holds that push's token (graph `<prefix>push`, one `dcterms:identifier` triple)
and the graph with as many triples.
Graphs under the prefix that the build no longer has are deleted. The stored queries read the
default graph, so the store must answer queries over the union of its named graphs
(`oxigraph serve --union-default-graph`, Fuseki `tdb2:unionDefaultGraph true`, GraphDB and
Virtuoso do so by default).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph
from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from kg.atomic import write_file_atomically
from kg.credentials import Credentials, redact, split_url
from kg.errors import AuthError, KGError, StoreError
from kg.exporters.types import TYPES_NAME
from kg.namespaces import KGO, OA
from kg.store import first_line, published_files


def _nt(iri: str) -> bytes:
    return f"<{iri}>".encode()


_TYPE = _nt(RDF.type)
_DERIVED_FROM = _nt(PROV.wasDerivedFrom)
_SOURCE_DOCUMENT = _nt(KGO.SourceDocument)
#: links from a resource to parts that carry no provenance of their own and belong with it
_PART_LINKS = (_nt(OA.hasTarget), _nt(OA.hasSelector))
#: N-Triples UCHAR escapes (RDF 1.1 N-Triples §2.3), allowed in IRIs
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: PUTs in flight at once: the store loads one graph per core (each PUT is its own transaction)
DEFAULT_CONCURRENCY = 2


@dataclass(frozen=True)
class Upload:
    """One named graph to PUT, as N-Triples (the format every Graph Store Protocol store reads)."""

    name: str
    ntriples: bytes
    triples: int
    #: SHA-256 of the file the graph was converted from, when its N-Triples are not stable bytes
    #: (a parser names blank nodes afresh on each read)
    source_digest: str | None = None

    @functools.cached_property
    def digest(self) -> str:
        """SHA-256 of the graph's bytes (or its source's): what a later push compares to skip it."""
        return self.source_digest or hashlib.sha256(self.ntriples).hexdigest()


@dataclass(frozen=True)
class PushRecord:
    """What a push left in a store: the token it stored there and the SHA-256 of each graph it holds.

    The next push trusts the digests only while the store still holds that token (in the graph
    `<prefix>push`): a push from anywhere else, or one that stopped part-way, removes it.
    """

    token: str
    digests: Mapping[str, str]


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
    #: graphs left as they were: the same bytes as the last push recorded, and as many triples in the store
    unchanged: tuple[str, ...] = ()
    #: what to record for the next push (asked for with `previous`; None when the push kept no marker)
    record: PushRecord | None = None

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def document_key(document: str, base: str) -> str:
    """`csto-kazakhstan-2022-01-10` for `<base>id/document/csto-kazakhstan-2022-01-10`."""
    prefix = base + "id/document/"
    key = document[len(prefix) :] if document.startswith(prefix) else document.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._~/-]", "_", key) or "_"


def _term_value(term: bytes) -> str:
    """The IRI (or lexical form, or blank node id) of one N-Triples term."""
    if term.startswith(b"<") and term.endswith(b">"):
        text = term[1:-1].decode("utf-8")
        return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text) if "\\" in text else text
    triple = next(iter(pyoxigraph.parse(b"<urn:s> <urn:p> " + term + b" .", format=pyoxigraph.RdfFormat.N_TRIPLES)))
    return str(triple.object.value)


class _Owners:
    """Which source document each subject belongs to (see the module docstring), from watched triples."""

    def __init__(self) -> None:
        self.documents: set[bytes] = set()
        self.derived: dict[bytes, set[bytes]] = {}
        self.parents: dict[bytes, list[bytes]] = {}  # part → resources linking to it

    def watch(self, subject: bytes, predicate: bytes, obj: bytes) -> None:
        if predicate == _DERIVED_FROM:
            self.derived.setdefault(subject, set()).add(obj)
            self.documents.add(obj)
        elif predicate == _TYPE:
            if obj == _SOURCE_DOCUMENT:
                self.documents.add(subject)
        elif predicate in _PART_LINKS:
            self.parents.setdefault(obj, []).append(subject)

    def owner(self, subject: bytes, seen: frozenset[bytes] = frozenset()) -> bytes | None:
        """The document a subject's triples belong to, or None (shared)."""
        if subject in self.documents:
            return subject  # a document (or the registry) goes into its own graph
        documents = self.derived.get(subject)
        if documents:
            return next(iter(documents)) if len(documents) == 1 else None
        owners = {
            self.owner(parent, seen | {subject}) for parent in self.parents.get(subject, ()) if parent not in seen
        }
        return owners.pop() if len(owners) == 1 else None


def split_data(ntriples: bytes, prefix: str, base: str, source: str = "N-Triples") -> list[Upload]:
    """Split the data graph's N-Triples into the per-document graphs, sorted by name; lines are kept as they are.

    N-Triples has one triple per line, subject first, so a line's graph is known from its subject
    alone: no RDF parser is needed, and each graph's body is the bytes of its lines.
    """
    by_subject: dict[bytes, list[bytes]] = {}
    owners = _Owners()
    watched = {_TYPE, _DERIVED_FROM, *_PART_LINKS}
    for number, raw in enumerate(ntriples.split(b"\n"), start=1):
        line = raw.strip()
        if not line or line.startswith(b"#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 3 or not parts[2].endswith(b"."):
            raise StoreError(
                "not an N-Triples line (subject, predicate, object, '.')",
                file=source,
                line=number,
                hint="rebuild with `kg build`",
            )
        subject, predicate, rest = parts
        lines = by_subject.get(subject)
        if lines is None:
            by_subject[subject] = [line]
        else:
            lines.append(line)
        if predicate in watched:
            owners.watch(subject, predicate, rest[:-1].rstrip())
    names: dict[bytes, str] = {}  # document term → graph name
    by_name: dict[str, list[bytes]] = {}
    for subject, lines in by_subject.items():
        owner = owners.owner(subject)
        if owner is None:
            name = f"{prefix}shared"
        else:
            name = names.get(owner) or names.setdefault(owner, f"{prefix}doc/{document_key(_term_value(owner), base)}")
        by_name.setdefault(name, []).extend(lines)
    return [_upload(name, by_name[name]) for name in sorted(by_name)]


def _upload(name: str, lines: list[bytes]) -> Upload:
    unique = list(dict.fromkeys(lines))  # a graph is a set: a repeated line is one triple
    return Upload(name, b"\n".join(unique) + b"\n" if unique else b"", len(unique))


def ntriples_of(path: Path) -> bytes:
    """An RDF file as N-Triples: an .nt file as it is, anything else converted by Oxigraph's parser."""
    if path.suffix == ".nt":
        return path.read_bytes()
    try:
        return pyoxigraph.serialize(pyoxigraph.parse(path=path), format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    except (SyntaxError, ValueError, OSError) as exc:
        raise StoreError(f"cannot read RDF: {first_line(exc)}", file=path) from None


def whole_graph(name: str, path: Path) -> Upload:
    """One file as one named graph."""
    body = ntriples_of(path)
    upload = _upload(name, [line for line in body.split(b"\n") if line.strip()])
    if path.suffix == ".nt":
        return upload
    return replace(upload, source_digest=hashlib.sha256(path.read_bytes()).hexdigest())


def load_uploads(dist_dir: Path, prefix: str, base: str, include_inferred: bool = False) -> list[Upload]:
    """The named graphs of a build in dist/ (kg.nt, or kg.ttl; ontology.ttl; kg-inferred.ttl), sorted by name."""
    files = published_files(dist_dir, include_inferred=include_inferred)
    nt = files[0].with_name("kg.nt")  # in the same build as the other files
    data = nt if nt.is_file() else files[0]
    uploads = split_data(ntriples_of(data), prefix, base, source=str(data))
    uploads.append(whole_graph(f"{prefix}ontology", files[1]))
    if include_inferred:
        uploads.append(whole_graph(f"{prefix}inferred", files[2]))
    if files[-1].name == TYPES_NAME:
        uploads.append(whole_graph(f"{prefix}types", files[-1]))
    return sorted(uploads, key=lambda u: u.name)


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


#: what httpx raises for a request that got no usable answer (refused, reset, cut short, a bad URL)
_TRANSPORT_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError)


def _describe_failure(method: str, url: str, exc: Exception) -> StoreError:
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        reason = f"cannot connect ({reason})"
    elif isinstance(exc, httpx.TimeoutException):
        reason = "timed out"
    elif isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        reason = f"the store broke off the answer ({reason})"
    return StoreError(f"{method} {url}: {reason}", hint="is the store running and the URL right?")


def _check(response: httpx.Response, method: str, what: str) -> None:
    if response.status_code in (401, 403):
        raise AuthError(
            f"the store refused the credentials (HTTP {response.status_code} {response.reason_phrase}) "
            f"for {method} {what}",
            hint="check --user and the password in $KG_PUSH_PASSWORD or the netrc file, or the bearer token, "
            "and --auth basic|digest|bearer",
        )
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
    except _TRANSPORT_ERRORS as exc:
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
        return [{str(k): str(v["value"]) for k, v in row.items()} for row in rows]
    except (ValueError, KeyError, TypeError, AttributeError):
        kind = response.headers.get("Content-Type", "no Content-Type").split(";")[0]
        raise StoreError(
            f"{endpoint} did not answer with SPARQL JSON results (HTTP {response.status_code}, {kind})",
            hint="is --endpoint the store's SPARQL query endpoint?",
        ) from None


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stored_graphs(client: httpx.Client, endpoint: str, prefix: str) -> dict[str, int]:
    """Named graphs under `prefix` in the store, with their triple counts."""
    query = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), {_sparql_string(prefix)})) }} GROUP BY ?g"
    )
    try:
        return {row["g"]: int(row["n"]) for row in _select(client, endpoint, query)}
    except (KeyError, ValueError):
        raise StoreError(f"{endpoint} answered the graph listing without graphs and counts") from None


def push(
    uploads: Iterable[Upload],
    endpoint: str,
    store: str | None = None,
    prefix: str | None = None,
    *,
    client: httpx.Client | None = None,
    timeout_s: float = 300.0,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Callable[[str], None] | None = None,
    previous: PushRecord | None = None,
    credentials: Credentials | None = None,
) -> PushReport:
    """Store each upload as its named graph, delete stale graphs under `prefix`, and count what is stored.

    `credentials` authenticate every request of a client the push makes itself (a given `client`
    brings its own). Userinfo in `endpoint` or `store` is taken out of the URLs and, without
    `credentials`, sent as Basic authentication; no URL the push reports or raises holds it, and
    an error never quotes a secret.

    Each graph is replaced by one request (see `_send`); up to `concurrency` of them are in flight
    at once, over keep-alive connections. The first failure stops the push. With `previous` (the
    `record` of the last push to this store; an empty `PushRecord` for none) the push is recorded:
    while the store still holds that record's token, a graph whose bytes have the recorded SHA-256
    and which the store holds with as many triples is not sent again, and a push that writes
    anything stores a new token at its end (the old one is removed before its first write).
    """
    endpoint, user, password = split_url(endpoint)
    if store is not None:
        store, store_user, store_password = split_url(store)
        user, password = (user, password) if user is not None else (store_user, store_password)
    if credentials is None and user is not None:
        credentials = Credentials("basic", user, password or "")
    try:
        return _push(
            list(uploads),
            endpoint,
            store or store_url_for(endpoint),
            prefix,
            client=client,
            auth=credentials.auth() if credentials is not None else None,
            timeout_s=timeout_s,
            concurrency=concurrency,
            progress=progress,
            previous=previous,
        )
    except AuthError as exc:
        if credentials is None and client is None:
            exc = AuthError(
                exc.message.replace("refused the credentials", "asks for credentials"),
                hint="pass --user NAME (password in $KG_PUSH_PASSWORD or the netrc file) "
                "or --auth bearer (token in $KG_PUSH_TOKEN or --token-file)",
            )
        raise _redacted(exc, credentials) from None
    except KGError as exc:
        raise _redacted(exc, credentials) from None


def _redacted(exc: KGError, credentials: Credentials | None) -> KGError:
    """The same error without userinfo, `Authorization` values or the secret in its text."""
    return type(exc)(
        redact(exc.message, credentials),
        file=exc.file,
        line=exc.line,
        field=exc.field,
        hint=redact(exc.hint, credentials) if exc.hint else None,
    )


def _push(
    uploads: list[Upload],
    endpoint: str,
    store: str,
    prefix: str | None,
    *,
    client: httpx.Client | None,
    auth: httpx.Auth | None,
    timeout_s: float,
    concurrency: int,
    progress: Callable[[str], None] | None,
    previous: PushRecord | None,
) -> PushReport:
    own_client = client is None
    http = client or httpx.Client(
        auth=auth,
        timeout=timeout_s,
        limits=httpx.Limits(max_connections=max(1, concurrency), max_keepalive_connections=max(1, concurrency)),
    )
    try:
        listing = stored_graphs(http, endpoint, prefix) if prefix else {}
        marker = marker_graph(prefix) if prefix else None
        before = {name: n for name, n in listing.items() if name != marker}
        token = _stored_token(http, endpoint, marker) if marker in listing else None
        trusted = previous if previous is not None and previous.token and previous.token == token else None
        unchanged = _unchanged(uploads, trusted.digests if trusted else {}, before)
        changed = [upload for upload in uploads if upload.name not in unchanged]
        stale = tuple(sorted(set(before) - {upload.name for upload in uploads}))
        if marker in listing and (changed or stale):
            # from here until the new token is stored, no record may trust the store (a push that
            # stops part-way leaves a mix of old and new graphs)
            _request(http, "DELETE", store, f"{store}?graph={marker}", params={"graph": marker})
            token = None
        sent: dict[str, int] = {}
        # only a graph under the prefix that the listing lacks is known to be absent
        absent = (lambda name: name.startswith(prefix) and name not in before) if prefix else (lambda name: False)
        for upload in _send_all(http, store, changed, absent, concurrency):
            sent[upload.name] = upload.triples
            if progress:
                progress(f"{upload.name}: {upload.triples} triples")
        if progress and unchanged:
            progress(f"{len(unchanged)} graphs unchanged since the last push, not sent")
        for name in stale:
            _request(http, "DELETE", store, f"{store}?graph={name}", params={"graph": name})
            if progress:
                progress(f"{name}: deleted (no longer in the build)")
        if marker is not None and previous is not None and token is None:
            token = uuid.uuid4().hex
            _send(http, store, _marker_upload(marker, token), new=False)
        after = stored_graphs(http, endpoint, prefix) if prefix else None
        stored = sum(n for name, n in after.items() if name != marker) if after is not None else None
    finally:
        if own_client:
            http.close()
    recorded = previous is not None and token is not None
    return PushReport(
        store=store,
        graphs=sent,
        deleted=stale,
        stored_triples=stored,
        unchanged=tuple(sorted(unchanged)),
        record=PushRecord(token or "", {u.name: u.digest for u in uploads}) if recorded else None,
    )


def marker_graph(prefix: str) -> str:
    """The graph that holds the token of the last completed recorded push (one triple)."""
    return f"{prefix}push"


def _marker_upload(marker: str, token: str) -> Upload:
    return _upload(marker, [f'<{marker}> <{DCTERMS.identifier}> "{token}" .'.encode()])  # a hex token


def _stored_token(http: httpx.Client, endpoint: str, marker: str) -> str | None:
    query = f"SELECT ?t WHERE {{ GRAPH <{marker}> {{ <{marker}> <{DCTERMS.identifier}> ?t }} }}"
    tokens = {row["t"] for row in _select(http, endpoint, query) if "t" in row}
    return tokens.pop() if len(tokens) == 1 else None


def _unchanged(uploads: Sequence[Upload], previous: Mapping[str, str], stored: Mapping[str, int]) -> set[str]:
    """Graphs whose bytes are those of the last push and which the store holds with as many triples."""
    return {
        u.name
        for u in uploads
        if u.name in previous and stored.get(u.name) == u.triples and previous[u.name] == u.digest
    }


def _send(http: httpx.Client, store: str, upload: Upload, new: bool) -> Upload:
    """Replace one graph with the upload's triples, in one request.

    PUT replaces (Graph Store Protocol §5.3: `DROP SILENT GRAPH` + `INSERT DATA`). A graph the
    store did not have when the push began is POSTed instead (§5.5: `INSERT DATA` into an empty
    graph, the same result), which spares Oxigraph a separate graph-creation transaction per
    graph; a store that answers such a POST with 404 gets the PUT.
    """
    kwargs: dict[str, object] = {
        "params": {"graph": upload.name},
        "content": upload.ntriples,
        "headers": {"Content-Type": "application/n-triples"},
    }
    what = f"{store}?graph={upload.name}"
    if new:
        try:
            response = http.request("POST", store, **kwargs)  # type: ignore[arg-type]
        except _TRANSPORT_ERRORS as exc:
            raise _describe_failure("POST", what, exc) from None
        if response.status_code != 404:
            _check(response, "POST", what)
            return upload
    _request(http, "PUT", store, what, **kwargs)
    return upload


def _send_all(
    http: httpx.Client, store: str, uploads: Sequence[Upload], new: Callable[[str], bool], concurrency: int
) -> Iterator[Upload]:
    """Send every upload, `concurrency` at a time; yields them in their order as they are stored."""
    if concurrency <= 1:
        yield from (_send(http, store, upload, new(upload.name)) for upload in uploads)
        return
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="kg-push") as pool:
        futures: list[Future[Upload]] = [
            pool.submit(_send, http, store, upload, new(upload.name)) for upload in uploads
        ]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def record_file(records_dir: Path, store: str, prefix: str) -> Path:
    """Where the record of the last push of a build to one store (and graph prefix) is kept.

    The key is the store's URL without credentials: the same store reached with other credentials
    has the same record.
    """
    key = hashlib.sha256(f"{split_url(store)[0]}\n{prefix}".encode()).hexdigest()[:16]
    return records_dir / f"{key}.json"


def read_record(file: Path) -> PushRecord:
    """The record of the last push, or an empty one if there is none (or it is unreadable)."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        token, graphs = str(data["token"]), data["graphs"]
    except (OSError, ValueError, KeyError, TypeError):
        return PushRecord("", {})  # a cache: without it every graph is sent, which is always right
    return PushRecord(token, {str(k): str(v) for k, v in graphs.items()} if isinstance(graphs, dict) else {})


def write_record(file: Path, report: PushReport, prefix: str) -> None:
    """Record what the store now holds from this build, for the next push to compare."""
    if report.record is None:
        return
    body = {
        "store": report.store,
        "prefix": prefix,
        "token": report.record.token,
        "graphs": dict(sorted(report.record.digests.items())),
    }
    write_file_atomically(file, (json.dumps(body, indent=1) + "\n").encode())


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
