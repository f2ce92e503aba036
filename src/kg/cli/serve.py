"""`kg serve`: the SPARQL endpoint, stored-query API, linked-data pages and dumps over HTTP."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import paths
from kg.cli.options import settings_from
from kg.config import ServerLimits
from kg.redistribution import RESTRICTED_FLAG, RESTRICTED_HELP, check_redistribution

#: `kg serve` flag → (ServerLimits field, type, help); the defaults are ServerLimits'
LIMIT_FLAGS: dict[str, tuple[str, type, str]] = {
    "--memory": ("memory_mb", int, "MB of resident memory for the whole server, workers included"),
    "--worker-memory": ("worker_memory_mb", int, "MB a worker may use while answering (503 beyond); 0: from --memory"),
    "--max-body": ("max_body_bytes", int, "bytes of a request body (413 beyond)"),
    "--max-header": ("max_header_bytes", int, "bytes of a request line and headers (400 beyond)"),
    "--request-timeout": ("request_timeout_s", float, "seconds to send request headers (then closed) and body (408)"),
    "--idle-timeout": ("idle_timeout_s", float, "seconds an idle keep-alive connection stays open"),
    "--max-connections": ("max_connections", int, "connections at once (more are closed or answered 503)"),
    "--send-timeout": ("send_timeout_s", float, "seconds to send an answer, and without progress on a dump"),
    "--max-answer": ("max_answer_bytes", int, "bytes of one answer (503 beyond)"),
    "--max-sending": ("max_sending_bytes", int, "bytes of answers being sent at once (503 beyond)"),
    "--cache-bytes": ("cache_bytes", int, "bytes of answers the answer cache keeps"),
    "--reserved-workers": ("reserved_workers", int, "extra workers only for clients with nothing running"),
    "--max-query-depth": ("max_query_depth", int, "nesting of a query text: brackets plus runs of ! - + ^"),
}  # fmt: skip


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="serve dist/ over HTTP: /sparql, /queries, /id/… (303 → /doc/…), /dumps, /.well-known/void",
        description="Serve the published build read-only: a SPARQL 1.1 Protocol endpoint (SERVICE, FROM and "
        "updates refused; time limit and row cap enforced), the stored queries as an API, a page and an RDF "
        "document for every IRI under <base>id/, the dumps and the VoID description.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--dist", type=Path, help="folder of the published build (default: dist/)")
    p.add_argument(
        "--base",
        help="base IRI of the data; /id/… serves <base>id/… (default: $KG_BASE_IRI or https://w3id.org/conflict-kg/)",
    )
    p.add_argument(
        "--queries", type=Path, default=None, help="folder of stored queries (default: the bundled queries/)"
    )
    p.add_argument("--reason", action="store_true", help="also load dist/kg-inferred.ttl (written by `kg reason`)")
    p.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="query a kg store made by `kg build --store DIR`, opened read-only by every worker, instead of "
        "loading dist/ into each (dumps and VoID then come from --dist, by default the store's build folder)",
    )
    p.add_argument(RESTRICTED_FLAG, action="store_true", help=RESTRICTED_HELP)
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default: 2)")
    p.add_argument(
        "--timeout", type=float, default=10.0, help="seconds a query may run before it is stopped (default: 10)"
    )
    p.add_argument(
        "--backend",
        choices=("oxigraph", "memory"),
        default="oxigraph",
        help="query engine: oxigraph (fast; stores integer subtypes such as xsd:nonNegativeInteger as xsd:integer) "
        "or memory (rdflib, exact datatypes, ~50× slower) (default: oxigraph)",
    )
    p.add_argument(
        "--cache", type=int, default=512, metavar="N", help="answers kept in memory and reused (default: 512; 0: off)"
    )
    p.add_argument(
        "--max-rows", type=int, default=10_000, help="rows or triples a query returns at most (default: 10000)"
    )
    defaults = ServerLimits()
    for flag, (name, kind, text) in LIMIT_FLAGS.items():
        p.add_argument(flag, type=kind, default=getattr(defaults, name), help=f"{text} (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    from kg.errors import KGError
    from kg.serve import ServeSettings, create_app
    from kg.serve.limits import serve_forever
    from kg.store import store_dist_dir

    if args.workers < 1 or args.timeout <= 0 or args.max_rows < 1 or args.cache < 0:
        raise KGError("--workers and --max-rows must be at least 1 and --timeout positive")
    values = {name: getattr(args, flag[2:].replace("-", "_")) for flag, (name, _, _) in LIMIT_FLAGS.items()}
    negative = [flag for flag, (name, _, _) in LIMIT_FLAGS.items() if values[name] < 0]
    zero = [
        f
        for f, (n, _, _) in LIMIT_FLAGS.items()
        if values[n] == 0 and n not in ("worker_memory_mb", "reserved_workers")
    ]
    if negative or zero:
        raise KGError(f"{', '.join(negative + zero)} must be positive", hint="see `kg serve --help`")
    limits = ServerLimits(**values)
    if args.store is not None and args.dist is None:
        args.dist = store_dist_dir(args.store)
    settings = settings_from(args)
    check_redistribution(settings.dist_dir, args.include_restricted, "serve")
    extra = (settings.dist_dir / "kg-inferred.ttl",) if args.reason else ()
    app = create_app(
        ServeSettings.from_settings(
            settings,
            queries_dir=args.queries or paths.QUERIES_DIR,
            workers=args.workers,
            timeout_s=args.timeout,
            max_rows=args.max_rows,
            backend=args.backend,
            cache_entries=args.cache,
            extra_files=extra,
            store_dir=args.store,
            limits=limits,
        )
    )
    print(
        f"kg serve: http://{args.host}:{args.port}/ (data {args.store or settings.dist_dir}, base {settings.base})",
        file=sys.stderr,
    )
    serve_forever(app, limits, args.host, args.port, workers=args.workers)
    return 0
