"""`kg push`: upload the build to a SPARQL store (Graph Store HTTP Protocol), one named graph per document."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

from kg.cli.options import settings_from
from kg.redistribution import RESTRICTED_FLAG, RESTRICTED_HELP, check_redistribution


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "push",
        help="upload dist/ to a SPARQL store: one named graph per source document, replaced by HTTP PUT",
        description="Upload the published build to an existing SPARQL 1.1 store with the Graph Store HTTP "
        "Protocol: one named graph per source document plus graphs for the registry, shared resources and "
        "the ontology, each replaced atomically by PUT; graphs under the prefix that the build no longer "
        "has are deleted. The stored queries read the default graph: run the store with a union default "
        "graph (e.g. `oxigraph serve --union-default-graph`).",
    )
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the store's SPARQL query endpoint (e.g. http://localhost:7878/query)",
    )
    p.add_argument(
        "--store",
        metavar="URL",
        help="its Graph Store Protocol URL (default: the endpoint with …/query or …/sparql → …/store)",
    )
    p.add_argument("--graph", metavar="IRI", help="prefix of the graph names (default: <base>graph/)")
    p.add_argument("--dist", type=Path, help="folder of the published build (default: dist/)")
    p.add_argument("--base", help="base IRI of the data (default: $KG_BASE_IRI or https://w3id.org/conflict-kg/)")
    p.add_argument("--reason", action="store_true", help="also upload dist/kg-inferred.ttl as <prefix>inferred")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for each HTTP request (default: 300)")
    p.add_argument(
        "--force",
        action="store_true",
        help="send every graph, also those unchanged since the last push from this dist/ to this store",
    )
    auth = p.add_argument_group(
        "authentication",
        "a secret is never taken from the command line; credentials in a URL work but end up in shell history",
    )
    auth.add_argument(
        "--user",
        metavar="NAME",
        help="user name; the password comes from $KG_PUSH_PASSWORD or the netrc file ($NETRC or ~/.netrc, mode 0600)",
    )
    auth.add_argument(
        "--netrc",
        action="store_true",
        help="take the user name and password for the store's host from the netrc file",
    )
    auth.add_argument(
        "--auth",
        choices=("basic", "digest", "bearer"),
        help="HTTP Basic (default with a user), Digest, or a bearer token from $KG_PUSH_TOKEN or --token-file",
    )
    auth.add_argument("--token-file", type=Path, metavar="FILE", help="a file (mode 0600) holding the bearer token")
    p.add_argument(RESTRICTED_FLAG, action="store_true", help=RESTRICTED_HELP)
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="graphs uploaded at once, each over its own keep-alive connection (default: 2)",
    )


def run(args: argparse.Namespace) -> int:
    from kg import paths
    from kg.credentials import credentials_for, split_url
    from kg.errors import KGError, StoreError
    from kg.push import (
        DEFAULT_CONCURRENCY,
        PushRecord,
        as_iri,
        default_prefix,
        load_uploads,
        push,
        read_record,
        record_file,
        store_url_for,
        write_record,
    )

    if args.jobs is not None and args.jobs < 1:
        raise KGError(f"--jobs must be at least 1, not {args.jobs}")
    settings = settings_from(args)
    check_redistribution(settings.dist_dir, args.include_restricted, "push")
    prefix = str(as_iri(args.graph)) if args.graph else default_prefix(settings.base)
    resolve = functools.partial(
        credentials_for,
        user=args.user,
        scheme=args.auth,
        token_file=args.token_file,
        use_netrc=args.netrc,
        environ=os.environ,
    )
    endpoint, credentials, in_url = resolve(args.endpoint)
    if args.store and split_url(args.store)[1] is not None:
        store, store_credentials, _ = resolve(args.store)
        if in_url and store_credentials != credentials:
            raise StoreError("--endpoint and --store hold different credentials: give them once")
        credentials, in_url = store_credentials, True
    else:
        store = split_url(args.store)[0] if args.store else store_url_for(endpoint)
    if in_url:
        name = (credentials.user if credentials is not None else "") or "NAME"
        print(
            f"kg push: warning: credentials in a URL end up in shell history; "
            f"use --user {name} with $KG_PUSH_PASSWORD or a netrc file instead",
            file=sys.stderr,
        )
    uploads = load_uploads(settings.dist_dir, prefix, settings.base, include_inferred=args.reason)
    record = record_file(paths.push_records_dir(settings.dist_dir), store, prefix)
    report = push(
        uploads,
        endpoint,
        store,
        prefix,
        timeout_s=args.timeout,
        concurrency=args.jobs or DEFAULT_CONCURRENCY,
        progress=lambda line: print(f"kg push: {line}", file=sys.stderr),
        previous=PushRecord("", {}) if args.force else read_record(record),
        credentials=credentials,
    )
    try:
        write_record(record, report, prefix)
    except KGError as exc:  # the push itself is done; without a record the next one sends every graph
        print(f"kg push: note: the push was not recorded ({exc}); the next push sends every graph", file=sys.stderr)
    print(
        f"kg push: {report.triples} triples in {len(report.graphs)} graphs to {report.store}"
        + (f", {len(report.unchanged)} graphs unchanged" if report.unchanged else "")
        + (f", {len(report.deleted)} stale graphs deleted" if report.deleted else "")
        + (
            f"; the store now holds {report.stored_triples} triples under {prefix}"
            if report.stored_triples is not None
            else ""
        ),
        file=sys.stderr,
    )
    try:
        for name, count in sorted(report.graphs.items()):
            print(f"{name}\t{count}")
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader of the list closed it (`| head`): the push itself is done and recorded
        _silence_stdout()
    return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail again (Python docs, SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
