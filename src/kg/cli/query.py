"""`kg query`: run a stored or ad-hoc SPARQL query on the published build, a kg store or a remote endpoint."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import paths
from kg.atomic import write_output
from kg.config import Settings
from kg.errors import QueryError

if TYPE_CHECKING:
    from kg import queries
    from kg.query_records import StoredQuery

#: the names of kg.queries.RENDERERS and kg.store.BACKENDS, here so that `kg query --help` need not import
#: rdflib (tests/test_latency_cli.py checks they agree)
FORMATS = ("csv", "json", "jsonld", "nt", "table", "tsv", "ttl", "xml")
BACKENDS = ("memory", "oxigraph")
#: formats whose solutions (SELECT, ASK) show values without their datatypes: Oxigraph's engine answers them
#: byte for byte as rdflib's does (tests/test_queries.py checks it on every stored query); the other formats and
#: graph results keep rdflib's exact datatypes (Oxigraph stores an xsd:nonNegativeInteger as xsd:integer)
OXIGRAPH_FORMATS = ("table", "csv")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "query",
        help="run a stored SPARQL query (see --list) or an ad-hoc one on dist/ or a SPARQL endpoint",
        description="Run a stored query from queries/ by NAME, or an ad-hoc query with --file/--sparql. "
        "Parameters are bound as typed RDF terms, never pasted into the query text. Exit 0 ok, 2 error.",
    )
    p.add_argument("name", nargs="?", help="stored query name (file stem in queries/)")
    p.add_argument("--list", action="store_true", help="list the stored queries with their parameters")
    p.add_argument("--readme", action="store_true", help="print the markdown table of stored queries for the README")
    p.add_argument(
        "-p", "--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter value (repeatable)"
    )
    p.add_argument("-f", "--format", default="table", choices=FORMATS, help="output format (default: table)")
    p.add_argument("--file", type=Path, help="run the query in this .rq file")
    p.add_argument("--sparql", metavar="QUERY", help="run this query text (kg prefixes are pre-declared)")
    p.add_argument("--endpoint", metavar="URL", help="run on this SPARQL 1.1 endpoint instead of the local build")
    p.add_argument("--dist", type=Path, help="folder of the published build (default: dist/)")
    p.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="run on the on-disk Oxigraph store made by `kg build --store DIR` (opened read-only)",
    )
    p.add_argument("--reason", action="store_true", help="also load dist/kg-inferred.ttl (written by `kg reason`)")
    p.add_argument(
        "--data", type=Path, action="append", default=[], metavar="FILE", help="also load this RDF file (repeatable)"
    )
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        help="local build: rdflib memory, or Oxigraph (faster; the default for --format table and csv)",
    )
    p.add_argument(
        "--queries", type=Path, default=None, help="folder of stored queries (default: the bundled queries/)"
    )
    p.add_argument("-o", "--output", type=Path, help="write the result to this file (default, or -: stdout)")


def run(args: argparse.Namespace) -> int:
    folder: Path = args.queries or paths.QUERIES_DIR
    if args.list:  # read by the lexer alone: no RDF library is imported
        from kg.query_records import outline_queries

        print(list_text(outline_queries(folder)), end="")
        return 0
    from kg import queries  # here, not at the top: `kg query --help` and `--list` answer at once

    if args.readme:
        print(queries.readme_table(queries.load_queries(folder, check=False)), end="")
        return 0
    settings = Settings(dist_dir=args.dist) if args.dist else Settings()
    query, prefixes = _chosen_query(args, folder, settings.base)
    values = queries.parse_param_args(args.param)
    try:
        bindings = queries.bind_params(query, values, base=settings.base)
    except queries.MissingParameters as exc:
        raise exc.hinted("add " + " ".join(f"--param {p.name}=VALUE" for p in exc.params)) from None
    for warning in queries.param_warnings(query, values, bindings, base=settings.base):
        print(f"kg query: warning: {warning}", file=sys.stderr)
    renderer = queries.get_renderer(args.format)
    if query.form not in renderer.forms:
        fitting = sorted(k for k, r in queries.RENDERERS.items() if query.form in r.forms)
        raise QueryError(
            f"--format {args.format} cannot show a {query.form} result", hint=f"use one of {', '.join(fitting)}"
        )
    result = _run(args, query, bindings, prefixes, settings)
    write_output(args.output, renderer.render(result))
    return 0


def _chosen_query(
    args: argparse.Namespace, folder: Path, base: str
) -> tuple[queries.StoredQuery, dict[str, str] | None]:
    """The stored or ad-hoc query to run and the prefixes it may use without declaring them."""
    from kg import queries

    given = [x for x in (args.name, args.file, args.sparql) if x is not None]
    if len(given) != 1:
        raise QueryError(
            "give exactly one of: a query NAME, --file FILE or --sparql TEXT", hint="see `kg query --list`"
        )
    if args.name is not None:
        return queries.get_query(args.name, folder, check=False), None  # run_query parses it
    adhoc = queries.data_prefixes(base)
    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read query file: {exc.strerror}", file=args.file) from None
        return queries.make_query(text, name=args.file.stem, path=args.file, prefixes=adhoc), adhoc
    return queries.make_query(args.sparql, name="sparql", prefixes=adhoc), adhoc


def _run(
    args: argparse.Namespace,
    query: queries.StoredQuery,
    bindings: dict[str, Any],
    prefixes: dict[str, str] | None,
    settings: Settings,
) -> Any:
    """Run on the endpoint, the store or the files of dist/ that the flags name (one of them)."""
    from kg import queries

    remote = [flag for flag, value in (("--endpoint", args.endpoint), ("--store", args.store)) if value]
    local = [
        flag
        for flag, value in (
            ("--data", args.data),
            ("--reason", args.reason),
            ("--dist", args.dist),
            ("--backend", args.backend),
        )
        if value
    ]
    if len(remote) > 1:
        raise QueryError("give either --endpoint or --store, not both")
    if remote and local:
        verb = "apply" if len(local) > 1 else "applies"
        raise QueryError(
            f"{' and '.join(local)} {verb} to a local build (dist/ and --data), not to {remote[0]}",
            hint="the store holds what `kg build --store DIR` put in it (with --reason, the inferred triples too)"
            if args.store
            else None,
        )
    if args.endpoint:
        return queries.run_remote(args.endpoint, query.text, bindings, prefixes, form=query.form)
    if args.store:
        from kg.store import read_only_graph  # read-only: `kg serve` may hold the same store

        graph = read_only_graph(args.store)
    else:
        from kg.store import open_graph, published_files

        files = published_files(settings.dist_dir, include_inferred=args.reason) + args.data
        # a table or CSV of solutions shows lexical forms only, which both engines give alike: Oxigraph loads
        # and answers the seed ~1 s sooner; the rest keeps rdflib's exact datatypes unless --backend says
        lexical = args.format in OXIGRAPH_FORMATS and query.form in ("SELECT", "ASK")
        backend = args.backend or ("oxigraph" if lexical else "memory")
        if backend == "oxigraph" and queries.can_run_on_files(files):
            return queries.run_on_files(files, query.text, bindings, prefixes)
        if backend == "memory" and args.name is not None:  # its parse is kept beside the build it runs on
            cache = paths.cache_dir(settings.dist_dir) / "queries"
            result, warning = queries.run_stored_query(files, query, bindings, cache=cache)
            if warning:
                print(f"kg query: warning: {warning}", file=sys.stderr)
            return result
        graph = open_graph(files, backend=backend)
    return queries.run_query(graph, query.text, bindings, prefixes)


def list_text(stored: dict[str, StoredQuery]) -> str:
    """`--list` output: name, summary and parameters of every stored query."""
    from kg.query_records import param_signature

    lines = []
    for q in stored.values():
        lines.append(f"{q.name}  [{q.form}]")
        lines.append(f"    {q.summary}")
        lines += [f"    --param {param_signature(p)}" for p in q.params]
    return "\n".join(lines) + ("\n" if lines else "")
