"""The linked-data server: SPARQL 1.1 Protocol endpoint, stored-query API, dereferenceable IRIs,
dumps and VoID, as one Starlette app built by `create_app(settings)`.

Every graph access runs in a killable worker process (kg.serve.workers); this module only
parses requests, negotiates formats and turns answers and errors into responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import pickle
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import anyio.to_thread
from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import Graph, URIRef
from rdflib.query import Result
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg import paths
from kg.atomic import published_dir
from kg.config import ServerLimits, Settings
from kg.errors import KGError, QueryError, StoreError
from kg.namespaces import DEFAULT_BASE, sparql_prologue
from kg.queries import (
    MAX_QUERY_DEPTH,
    RENDERERS,
    MissingParameters,
    StoredQuery,
    bind_params,
    check_nesting,
    load_queries,
)
from kg.serve.conneg import Offer, negotiate
from kg.serve.limits import ABORT_EXTENSION, client_log
from kg.serve.problems import BodyTimeout, BodyTooLarge, QueryRefused, ResourceNotFound, status_of
from kg.serve.resource import Linker
from kg.serve.workers import QueryAnswer, QueryPool, WorkerConfig
from kg.store import open_store, published_files, read_manifest


@dataclass(frozen=True)
class ServeSettings:
    """What `kg serve` serves and the limits it enforces."""

    #: build output folder with kg.ttl, ontology.ttl, kg.nt, kg.jsonld, void.ttl
    dist_dir: Path = paths.DIST_DIR
    #: base IRI of the data: a request for /id/… dereferences <base>id/…
    base: str = DEFAULT_BASE
    #: stored queries served under /queries
    queries_dir: Path = paths.QUERIES_DIR
    #: query worker processes (each holds the graph)
    workers: int = 2
    #: a query still running after this many seconds is stopped (its worker is killed) → 503
    timeout_s: float = 10.0
    #: rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned at most; more are cut, see X-SPARQL-MaxRows
    max_rows: int = 10_000
    #: "oxigraph" (native SPARQL) or "memory" (rdflib's engine)
    backend: str = "oxigraph"
    #: preferred label language of the HTML pages (?lang= overrides)
    lang: str = "en"
    #: extra files loaded next to the published ones (e.g. dist/kg-inferred.ttl)
    extra_files: tuple[Path, ...] = field(default=())
    #: answers kept in memory (LRU) and served again without a worker; the data never changes while
    #: the server runs, so a repeated request gets the same bytes. 0 turns the cache off.
    cache_entries: int = 512
    #: a kg store folder (`kg build --store DIR`) that every worker opens read-only instead of loading
    #: dist/ into memory; dist_dir then only provides the dumps and void.ttl (if it has them)
    store_dir: Path | None = None
    #: memory, body, connection, sending and nesting bounds (kg.config.ServerLimits)
    limits: ServerLimits = field(default_factory=ServerLimits)

    @classmethod
    def from_settings(cls, settings: Settings, **limits: Any) -> ServeSettings:
        """Serve the build described by kg's Settings."""
        return cls(dist_dir=settings.dist_dir, base=settings.base, **limits)


# --------------------------------------------------------------------------------------------------
# formats

_SPARQL_JSON = Offer(RENDERERS["json"].media_type, "json", ("application/json",))
_SPARQL_XML = Offer(RENDERERS["xml"].media_type, "xml", ("application/xml", "text/xml"))
_CSV = Offer("text/csv", "csv")
_TSV = Offer("text/tab-separated-values", "tsv")
_HTML = Offer("text/html", "html", ("application/xhtml+xml",))
_TURTLE = Offer("text/turtle", "ttl", ("application/x-turtle",))
_NTRIPLES = Offer("application/n-triples", "nt")
_JSONLD = Offer("application/ld+json", "jsonld")

#: query form → what it can be answered in, in the server's order of preference (SPARQL 1.1 Protocol §2.1)
FORM_OFFERS: dict[str, tuple[Offer, ...]] = {
    "SELECT": (_SPARQL_JSON, _SPARQL_XML, _CSV, _TSV, _HTML),
    "ASK": (_SPARQL_JSON, _SPARQL_XML, _HTML),
    "CONSTRUCT": (_TURTLE, _NTRIPLES, _JSONLD),
    "DESCRIBE": (_TURTLE, _NTRIPLES, _JSONLD),
}
#: representations of a resource document and of the VoID description
DOC_OFFERS: tuple[Offer, ...] = (_TURTLE, _HTML, _NTRIPLES, _JSONLD)
RDF_OFFERS: tuple[Offer, ...] = (_TURTLE, _NTRIPLES, _JSONLD)
#: `?format=` / file extension → format key
FORMAT_NAMES: dict[str, str] = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv", "html": "html",
    "ttl": "ttl", "turtle": "ttl", "nt": "nt", "ntriples": "nt", "jsonld": "jsonld", "json-ld": "jsonld",
}  # fmt: skip
#: dumps served under /dumps/
DUMPS: dict[str, str] = {
    "kg.ttl": "text/turtle; charset=utf-8",
    "kg.nt": "application/n-triples",
    "kg.jsonld": "application/ld+json",
    "kg-types.nt": "application/n-triples",  # the type closure, loaded beside the data (kg.exporters.types)
}


def form_choices(accept: str | None, format_name: str | None) -> dict[str, str | None]:
    """For each query form, the format key to answer in (None = nothing acceptable)."""
    if format_name:
        try:
            key = FORMAT_NAMES[format_name.lower()]
        except KeyError:
            raise QueryError(
                f"unknown format {format_name!r}", hint=f"use one of {', '.join(sorted(FORMAT_NAMES))}"
            ) from None
        return {form: key if any(o.key == key for o in offers) else None for form, offers in FORM_OFFERS.items()}
    choices: dict[str, str | None] = {}
    for form, offers in FORM_OFFERS.items():
        offer = negotiate(accept, offers)
        choices[form] = offer.key if offer else None
    return choices


# --------------------------------------------------------------------------------------------------
# the app


@dataclass
class _Dump:
    path: Path
    media_type: str
    etag: str


class Server:
    """State shared by the views: settings, worker pool, stored queries, dumps, templates."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        if settings.store_dir is not None:
            _check_store(settings)
            files: list[Path] = []
        else:
            files = [*published_files(settings.dist_dir), *settings.extra_files]
        limits = settings.limits
        if limits.max_query_depth > MAX_QUERY_DEPTH:
            raise KGError(f"--max-query-depth is at most {MAX_QUERY_DEPTH}: rdflib's parser recurses past that")
        self.pool = QueryPool(
            WorkerConfig(
                tuple(files),
                settings.base,
                settings.backend,
                settings.max_rows,
                settings.store_dir,
                max_answer_bytes=limits.max_answer_bytes,
            ),
            size=settings.workers,
            timeout_s=settings.timeout_s,
            reserved=limits.reserved_workers,
            memory_cap_mb=limits.worker_cap_mb(settings.workers),
        )
        self.queries: dict[str, StoredQuery] = (
            load_queries(settings.queries_dir) if settings.queries_dir.is_dir() else {}
        )
        build = published_dir(settings.dist_dir)  # the build it started with, files and VoID alike
        self.dumps = {
            name: _Dump(build / name, media, _etag(build / name))
            for name, media in DUMPS.items()
            if (build / name).is_file()
        }
        description = _read_void(build / "void.ttl")
        self.void = _void_documents(description)
        #: IRIs void.ttl describes (the dataset, its partitions, its build …): /id/… 303s to /.well-known/void
        self.void_subjects = _void_subjects(description)
        self.linker = Linker(settings.base)
        #: LRU of worker answers and their sizes (only touched on the event loop thread)
        self.cache: OrderedDict[bytes, tuple[Any, int]] = OrderedDict()
        #: bytes of the answers in the cache (as the workers sent them)
        self.cache_bytes = 0
        #: bytes of answers being sent (see _SendingLimits)
        self.sending_bytes = 0
        self.templates = Environment(
            loader=PackageLoader("kg.serve", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.stylesheet: str = self.templates.loader.get_source(self.templates, "style.css")[0]  # type: ignore[union-attr]

    async def run(self, job: str, *args: Any, client: object = None) -> Any:
        """Run a worker job for `client`; successful answers are cached by their pickled arguments.

        The cache keeps at most cache_entries answers and limits.cache_bytes bytes of them.
        """
        run = functools.partial(self.pool.run_sized, job, *args, client=client)
        if self.settings.cache_entries <= 0:
            return (await anyio.to_thread.run_sync(run))[0]
        key = pickle.dumps((job, args), protocol=pickle.HIGHEST_PROTOCOL)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key][0]
        answer, size = await anyio.to_thread.run_sync(run)
        if key not in self.cache and size <= self.settings.limits.cache_bytes:
            self.cache[key] = (answer, size)
            self.cache_bytes += size
            while len(self.cache) > self.settings.cache_entries or self.cache_bytes > self.settings.limits.cache_bytes:
                self.cache_bytes -= self.cache.popitem(last=False)[1][1]
        return answer

    def html(
        self, template: str, status: int = 200, headers: Mapping[str, str] | None = None, **context: Any
    ) -> HTMLResponse:
        body = self.templates.get_template(template).render(settings=self.settings, **context)
        return HTMLResponse(body, status_code=status, headers=dict(headers or {}))


def _check_store(settings: ServeSettings) -> None:
    """Refuse early (in the server, before any worker starts) what a store cannot serve."""
    assert settings.store_dir is not None
    if settings.backend != "oxigraph":
        raise KGError(f"a kg store is served by the oxigraph backend, not {settings.backend!r}", hint="drop --backend")
    open_store(settings.store_dir, read_only=True)  # a folder that is not a readable store fails here, not in a worker
    held = {Path(name).name for name in read_manifest(settings.store_dir).get("files", {})}
    missing = sorted({f.name for f in settings.extra_files} - held)
    if missing:
        raise StoreError(
            f"the store does not hold {', '.join(missing)}",
            file=settings.store_dir,
            hint="build it with `kg build --reason --store DIR`",
        )


def _etag(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f'"{digest.hexdigest()}"'


def _read_void(path: Path) -> Graph | None:
    """void.ttl parsed, or None if the build has none."""
    return Graph().parse(path, format="turtle") if path.is_file() else None


def _void_documents(graph: Graph | None) -> dict[str, bytes]:
    """void.ttl in each RDF format, written by the same renderers as query results."""
    if graph is None:
        return {}
    description = Result("CONSTRUCT")
    description.graph = graph
    return {offer.key: RENDERERS[offer.key].render(description) for offer in RDF_OFFERS}


def _void_subjects(graph: Graph | None) -> frozenset[str]:
    """The IRIs void.ttl says something about."""
    if graph is None:
        return frozenset()
    return frozenset(str(s) for s in graph.subjects(unique=True) if isinstance(s, URIRef))


def _server(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


def _client(request: Request) -> str | None:
    """Who asks, for the fair share of workers: the peer's address (behind a proxy, the proxy's)."""
    return request.client.host if request.client else None


def _error(exc: KGError, headers: Mapping[str, str] | None = None) -> Response:
    return PlainTextResponse(str(exc) + "\n", status_code=status_of(exc), headers=dict(headers or {}))


def _answer_response(
    server: Server, answer: QueryAnswer, title: str, query_text: str, extra: Mapping[str, Any] | None = None
) -> Response:
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["X-SPARQL-MaxRows"] = str(server.settings.max_rows)
    if answer.key == "html":
        assert answer.table is not None
        head, rows = answer.table
        return server.html(
            "results.html",
            headers=headers,
            title=title,
            head=head,
            rows=rows,
            answer=answer,
            query_text=query_text,
            **(extra or {}),
        )
    return Response(answer.body, media_type=answer.media_type, headers=headers)


# --------------------------------------------------------------------------------------------------
# views: SPARQL endpoint


async def _read_body(request: Request, limits: ServerLimits) -> bytes:
    """The request body, read in chunks: refused (413) as soon as it passes the limit, 408 if it is too slow."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise BodyTooLarge(
            f"the request body has {int(declared):,} bytes; the server reads at most {limits.max_body_bytes:,}"
        )
    chunks: list[bytes] = []
    size = 0
    with anyio.move_on_after(limits.request_timeout_s) as timer:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_body_bytes:
                raise BodyTooLarge(
                    f"the request body is larger than the server's limit of {limits.max_body_bytes:,} bytes"
                )
            chunks.append(chunk)
    if timer.cancelled_caught:
        raise BodyTimeout(f"the request body did not arrive within {limits.request_timeout_s:g} s")
    return b"".join(chunks)


async def _sparql_request(request: Request) -> tuple[str | None, Mapping[str, str]]:
    """The query text of a SPARQL Protocol request and its other parameters; refuses updates."""
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in params:
            raise QueryError(f"parameter {key!r} given more than once")
        params[key] = value
    text = params.get("query")
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request, _server(request).settings.limits)
        if content_type == "application/x-www-form-urlencoded":
            for key, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
                if key in params:
                    raise QueryError(f"parameter {key!r} given more than once")
                params[key] = value
            text = params.get("query")
        elif content_type == "application/sparql-query":
            if "query" in params:
                raise QueryError("a query in both the body and the URL")
            text = body.decode("utf-8", errors="replace")
        elif content_type == "application/sparql-update":
            raise QueryRefused("SPARQL Update is refused: this endpoint is read-only")
        else:
            raise _UnsupportedMedia(content_type)
    if "update" in params:
        raise QueryRefused("SPARQL Update is refused: this endpoint is read-only")
    if any(k in params for k in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")):
        raise QueryRefused("default-graph-uri / named-graph-uri are refused: the endpoint serves one default graph")
    return text, params


class _UnsupportedMedia(KGError):
    """A POST body type the SPARQL Protocol does not define."""

    def __init__(self, content_type: str) -> None:
        super().__init__(
            f"unsupported Content-Type {content_type or '(none)'!r}",
            hint="POST application/x-www-form-urlencoded (query=…) or application/sparql-query",
        )


async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation: GET ?query=, POST form, POST application/sparql-query."""
    server = _server(request)
    try:
        text, params = await _sparql_request(request)
        if text is None:
            if negotiate(request.headers.get("accept"), (_SPARQL_JSON, _HTML)) == _HTML:
                return await query_page(request)
            raise QueryError("missing query", hint="send ?query=SELECT … (SPARQL 1.1 Protocol)")
        check_nesting(text, server.settings.limits.max_query_depth)
        choices = form_choices(request.headers.get("accept"), params.get("format"))
        answer: QueryAnswer = await server.run("query", text, {}, choices, client=_client(request))
    except _UnsupportedMedia as exc:
        return PlainTextResponse(str(exc) + "\n", status_code=415)
    except KGError as exc:
        return _error(exc)
    return _answer_response(server, answer, "Query results", text)


async def query_page(request: Request) -> Response:
    """A form that posts a query to /sparql, with the stored queries to start from."""
    server = _server(request)
    name = request.query_params.get("name")
    stored = server.queries.get(name) if name else None
    text = stored.text if stored else DEFAULT_QUERY
    return server.html(
        "query.html",
        title="SPARQL query",
        query_text=text,
        queries=list(server.queries.values()),
        prologue=sparql_prologue(server.settings.base),
    )


DEFAULT_QUERY = """# kg's prefixes (kgo:, rdfs:, schema: …) are predeclared here
SELECT ?event ?label ?date WHERE {
  ?event kgo:startDate ?date ; rdfs:label ?label .
  FILTER(lang(?label) = "en")
}
ORDER BY ?date ?label
LIMIT 100
"""


# --------------------------------------------------------------------------------------------------
# views: stored queries


def _query_record(query: StoredQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "form": query.form,
        "params": [asdict(p) | {"enum": list(p.enum)} for p in query.params],
        "url": f"/queries/{query.name}",
        "sparql": query.text,
    }


async def list_queries(request: Request) -> Response:
    """The stored queries, as JSON or an HTML list."""
    server = _server(request)
    offer = negotiate(request.headers.get("accept"), (Offer("application/json", "json"), _HTML))
    if offer is None:
        return PlainTextResponse("406 Not Acceptable: application/json or text/html\n", status_code=406)
    if offer.key == "html":
        return server.html(
            "queries.html", title="Stored queries", queries=list(server.queries.values()), headers={"Vary": "Accept"}
        )
    records = [_query_record(q) for q in server.queries.values()]
    return JSONResponse({"queries": records}, headers={"Vary": "Accept"})


async def run_stored(request: Request) -> Response:
    """Run one stored query: `?param=value` binds its parameters, Accept (or ?format=) picks the format."""
    server = _server(request)
    name = request.path_params["name"]
    try:
        query = server.queries.get(name)
        if query is None:
            raise ResourceNotFound(
                f"unknown query {name!r}", hint=f"known queries: {', '.join(server.queries) or '(none)'}"
            )
        values: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in values:
                raise QueryError(f"parameter {key!r} given more than once")
            values[key] = value
        format_name = values.pop("format", None)
        choices = form_choices(request.headers.get("accept"), format_name)
        try:
            bindings = _bind(query, values, server.settings.base)
        except QueryError as exc:
            if choices.get(query.form) != "html":
                raise
            # a person at the form: show it again with the message
            return server.html(
                "results.html", status=400, title=query.summary, stored=query, values=values, error=str(exc),
                head=(), rows=(), answer=None, query_text=query.text,
            )  # fmt: skip
        answer: QueryAnswer = await server.run("query", query.text, bindings, choices, client=_client(request))
    except KGError as exc:
        return _error(exc)
    return _answer_response(server, answer, query.summary, query.text, {"stored": query, "values": values})


def _bind(query: StoredQuery, values: Mapping[str, str], base: str) -> dict[str, Any]:
    """The URL's values bound exactly as `kg query --param` binds them (`kg:` CURIEs for `base`).

    An empty value (a blank form field) counts as not given.
    """
    try:
        return bind_params(query, {k: v for k, v in values.items() if v != ""}, base=base)
    except MissingParameters as exc:
        wanted = "&".join(f"{p.name}=VALUE" for p in exc.params)
        raise exc.hinted(f"add ?{wanted} to the URL") from None


# --------------------------------------------------------------------------------------------------
# views: linked data


def _iri_for(server: Server, prefix: str, path: str) -> str:
    return f"{server.settings.base}{prefix}{path}"


async def resource(request: Request) -> Response:
    """A resource IRI: 303 See Other to its document, or 404 (Cool URIs for the Semantic Web §4.3).

    The IRIs of the VoID description (the dataset, its partitions …) go to /.well-known/void (VoID §7).
    """
    server = _server(request)
    prefix = request.url.path.split("/")[1] + "/"
    path = request.path_params["path"]
    if _iri_for(server, prefix, path) in server.void_subjects:
        return RedirectResponse("/.well-known/void", status_code=303, headers={"Vary": "Accept"})
    try:
        found = await server.run("exists", _iri_for(server, prefix, path), client=_client(request))
    except KGError as exc:
        return _error(exc, {"Vary": "Accept"})
    if not found:
        # every answer for a URL that is negotiated carries the same Vary (RFC 9110 §12.5.5), errors too
        return PlainTextResponse(
            f"no resource <{_iri_for(server, prefix, path)}> in this dataset\n",
            status_code=404,
            headers={"Vary": "Accept"},
        )
    return RedirectResponse(f"/doc/{prefix}{path}", status_code=303, headers={"Vary": "Accept"})


_DOC_EXTENSIONS = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".html": "html"}


async def document(request: Request) -> Response:
    """The document about a resource: Turtle, N-Triples, JSON-LD or HTML by Accept (or by extension)."""
    server = _server(request)
    path: str = request.path_params["path"]
    key: str | None = None
    for extension, ext_key in _DOC_EXTENSIONS.items():
        if path.endswith(extension):
            path, key = path[: -len(extension)], ext_key
            break
    if not path.startswith(tuple(server.linker.prefixes)):
        return PlainTextResponse("not found\n", status_code=404, headers={"Vary": "Accept"})
    iri = server.settings.base + path
    headers = {"Vary": "Accept"}
    if key is None:
        offer = negotiate(request.headers.get("accept"), DOC_OFFERS)
        if offer is None:
            return PlainTextResponse(
                "406 Not Acceptable: this document is available as text/turtle, application/n-triples, "
                "application/ld+json and text/html\n",
                status_code=406,
                headers=headers,
            )
        key = offer.key
        headers["Content-Location"] = f"/doc/{path}.{key}"  # format keys double as extensions
    try:
        if key == "html":
            lang = request.query_params.get("lang", server.settings.lang)
            page = await server.run("page", iri, lang, client=_client(request))
            return server.html("resource.html", headers=headers, title=page.label, page=page, doc_path=f"/doc/{path}")
        body: bytes = await server.run("describe", iri, key, client=_client(request))
    except KGError as exc:
        return _error(exc, {"Vary": "Accept"})
    return Response(body, media_type=RENDERERS[key].media_type, headers=headers)


def _not_modified(request: Request, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2)."""
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


async def dump(request: Request) -> Response:
    """A dump of the whole data graph, with a strong ETag (SHA-256 of its bytes)."""
    server = _server(request)
    item = server.dumps.get(request.path_params["name"])
    if item is None:
        return PlainTextResponse(f"no such dump; available: {', '.join(server.dumps)}\n", status_code=404)
    headers = {"ETag": item.etag, "Cache-Control": "public, max-age=3600"}
    if _not_modified(request, item.etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(item.path, media_type=item.media_type, headers=headers, filename=None)


async def void(request: Request) -> Response:
    """The VoID/DCAT description of the dataset (VoID §7.2: /.well-known/void)."""
    server = _server(request)
    if not server.void:
        return PlainTextResponse("no void.ttl in the build\n", status_code=404)
    offer = negotiate(request.headers.get("accept"), RDF_OFFERS)
    if offer is None:
        return PlainTextResponse(
            "406 Not Acceptable: text/turtle, application/n-triples or application/ld+json\n",
            status_code=406,
            headers={"Vary": "Accept"},
        )
    return Response(server.void[offer.key], media_type=RENDERERS[offer.key].media_type, headers={"Vary": "Accept"})


async def index(request: Request) -> Response:
    """A landing page linking everything the server offers."""
    server = _server(request)
    example = f"{server.settings.base}id/event/csto-kazakhstan-2022-01-10/csto-summit"
    return server.html(
        "index.html",
        title="kg — conflict events from news reports",
        dumps=sorted(server.dumps),
        queries=list(server.queries.values()),
        example=server.linker.local_path(example),
    )


#: headers on every response. The pages run no script and load only their own stylesheet; forms post
#: to this server; no other site may frame them (clickjacking); no body is sniffed as another type.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """ASGI middleware that adds `headers` (default SECURITY_HEADERS) to every HTTP response the app sends."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS if headers is None else headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: bytes per write of a response body: the transport's buffer stays near this size, whatever the answer's
SEND_CHUNK = 64 << 10


class _SendingLimits:
    """ASGI middleware bounding what the server sends: bytes of answers in flight, and time to send one.

    Bodies go out in SEND_CHUNK pieces, so a slow client holds a transport buffer of about one piece, not
    a copy of the answer. An answer that would take the bytes being sent past limits.max_sending_bytes is
    answered 503; one not sent within limits.send_timeout_s cuts the client off (uvicorn's protocol from
    kg.serve.limits provides the cut). Dumps are files read piece by piece: their time is not bounded,
    only the time without progress (kg.serve.limits).
    """

    def __init__(self, app: ASGIApp, server: Server) -> None:
        self.app = app
        self.server = server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limits = self.server.settings.limits
        abort = scope.get("extensions", {}).get(ABORT_EXTENSION)
        streamed = scope["path"].startswith("/dumps/")
        held = 0
        refused = False
        timer: Any = None

        async def limited_send(message: Message) -> None:
            nonlocal held, refused, timer
            if refused:
                return
            if message["type"] == "http.response.start":
                size = int(MutableHeaders(scope=message).get("content-length") or 0)
                if not streamed and size > SEND_CHUNK:
                    if self.server.sending_bytes + size > limits.max_sending_bytes:
                        refused = True
                        client_log(f"{_peer(scope)}: answer of {size:,} bytes refused: too many bytes being sent")
                        busy = PlainTextResponse(
                            "the server is busy sending other answers; try again later\n", status_code=503
                        )
                        await busy(scope, receive, send)
                        return
                    held = size
                    self.server.sending_bytes += size
                if abort is not None and not streamed:
                    timer = asyncio.get_running_loop().call_later(
                        limits.send_timeout_s, _cut, abort, limits.send_timeout_s
                    )
                await send(message)
                return
            if message["type"] == "http.response.body":
                body: bytes = message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > SEND_CHUNK:
                    view = memoryview(body)
                    for at in range(0, len(view), SEND_CHUNK):
                        last = at + SEND_CHUNK >= len(view)
                        piece = bytes(view[at : at + SEND_CHUNK])
                        await send({"type": "http.response.body", "body": piece, "more_body": more or not last})
                else:
                    await send(message)
                if not more:
                    _release()
                return
            await send(message)

        def _release() -> None:
            nonlocal held, timer
            if timer is not None:
                timer.cancel()
                timer = None
            self.server.sending_bytes -= held
            held = 0

        try:
            await self.app(scope, receive, limited_send)
        finally:
            _release()


def _cut(abort: Any, seconds: float) -> None:
    abort(f"the answer was not sent within {seconds:g} s")


def _peer(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "a client"


async def stylesheet(request: Request) -> Response:
    """The pages' stylesheet (a file, not inline, so the Content-Security-Policy needs no 'unsafe-inline')."""
    server = _server(request)
    return Response(
        server.stylesheet, media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"}
    )


def create_app(settings: ServeSettings | Settings | None = None) -> Starlette:
    """The ASGI app. Its lifespan starts (and stops) the query workers; files are checked now."""
    if settings is None:
        settings = ServeSettings()
    elif isinstance(settings, Settings):
        settings = ServeSettings.from_settings(settings)
    server = Server(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(server.pool.start)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(server.pool.close)

    routes = [
        Route("/", index),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/query", query_page),
        Route("/queries", list_queries),
        Route("/queries/{name}", run_stored),
        Route("/id/{path:path}", resource),
        Route("/vocab/{path:path}", resource),
        Route("/doc/{path:path}", document),
        Route("/dumps/{name}", dump),
        Route("/.well-known/void", void),
        Route("/style.css", stylesheet),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(_SendingLimits, server=server),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["ETag", "X-SPARQL-MaxRows", "Content-Location"],
            max_age=3600,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.server = server
    return app
