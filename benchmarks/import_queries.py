"""The stored queries on the result of `kg import`, in an on-disk Oxigraph store: median time of each.

    .venv/bin/python benchmarks/import_queries.py STORE [FILE.nq …] [--runs 5] [--default-graph] [--only NAME …]

Given N-Quads files, (re)creates the store in STORE with Oxigraph's bulk loader, together with the
ontology, the vocabularies and the registry the rows name (their places and concepts), and prints
the time it took; without, it queries the store as it is. With `--default-graph` the quads' triples
are loaded into the default graph instead of their named graphs, as `kg build --store` holds the
data, and the queries read the default graph; else each stored query (queries/*.rq) runs over the
union of the named graphs (`oxigraph serve --union-default-graph`, what `kg push` targets). Each
runs `--runs` times with its parameters bound as `kg query` binds them (one VALUES block), in a
forked child stopped after 60 s a run; also timed is the same query wrapped in a COUNT (the evaluation
without turning each row into Python objects), for a SELECT. The parameter values are read from
the store: the country with most reports, the actor in most participations, the event with most
figures, the first day and the last of the reports, the first report. A query
whose parameter the rows give no value for (a meeting) is left out. Prints a Markdown table (median ms, rows).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import _limited  # benchmarks/ is not a package

KGO = "https://w3id.org/conflict-kg/ontology#"
TIMEOUT = 60.0


def load(store_dir: Path, files: list[Path], default_graph: bool = False) -> float:
    """(Re)create the store from `files` plus the ontology, vocabularies and registry; seconds taken.

    With `default_graph`, the quads of `files` go into the default graph (their graph names dropped)."""
    from kg.build import dumps
    from kg.config import Settings
    from kg.sources import ChunkInput
    from kg.sources.registry import SOURCE as REGISTRY
    from kg.store import bulk_load_store

    settings = Settings()
    chunk = ChunkInput("registry", "registry", (settings.registry_file,), settings.registry_file)
    reg = REGISTRY.read(chunk, {}, settings.base)
    registry = b"".join(line + b"\n" for line in dumps.ntriples_lines(reg.triples))
    start = time.perf_counter()
    sources: list[tuple[Path | bytes, Path, str]] = [(f, f, "nquads") for f in files]
    if default_graph:
        sources = []
    sources += [(f, f, "turtle") for f in settings.ontology_files]
    sources.append((registry, settings.registry_file, "nt"))
    bulk_load_store(store_dir, sources)
    if default_graph:
        store = pyoxigraph.Store(str(store_dir / "oxigraph"))
        for f in files:
            quads = pyoxigraph.parse(path=str(f), format=pyoxigraph.RdfFormat.N_QUADS)
            store.bulk_extend(pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in quads)
        store.optimize()
        store.flush()
        del store
    return time.perf_counter() - start


UNION = True  # query the union of the named graphs (else the default graph: --default-graph)


def _one(store: pyoxigraph.Store, query: str) -> str:
    row = next(iter(store.query(query, use_default_graph_as_union=UNION)), None)
    return "" if row is None else str(row[0].value)


def values(store: pyoxigraph.Store) -> dict[str, str]:
    """Parameter values with many answers in the imported rows."""
    return {
        "place": _one(
            store,
            f"SELECT ?c WHERE {{ ?r <{KGO}location>/<{KGO}withinPlace>* ?c . ?c a <{KGO}Country> }} "
            "GROUP BY ?c ORDER BY DESC(COUNT(*)) ?c LIMIT 1",
        ),
        "actor": _one(
            store, f"SELECT ?a WHERE {{ ?p <{KGO}agent> ?a }} GROUP BY ?a ORDER BY DESC(COUNT(*)) ?a LIMIT 1"
        ),
        "event": _one(
            store, f"SELECT ?e WHERE {{ ?f <{KGO}figureOf> ?e }} GROUP BY ?e ORDER BY DESC(COUNT(*)) ?e LIMIT 1"
        ),
        "from": _one(store, f"SELECT (MIN(?d) AS ?m) WHERE {{ ?r <{KGO}startDate> ?d }}"),
        "to": _one(store, f"SELECT (MAX(?d) AS ?m) WHERE {{ ?r <{KGO}startDate> ?d }}"),
        "fact": _one(store, f"SELECT ?r WHERE {{ ?r <{KGO}reportOf> ?e }} ORDER BY ?r LIMIT 1"),
        "eventType": "https://w3id.org/conflict-kg/vocab/event-type/armed-attack",
        "kind": KGO + "Person",
    }


def _counted(text: str) -> str | None:
    """The SELECT query `text` as `SELECT (COUNT(*) AS ?rows) { the query }`, or None for another form."""
    head = re.search(r"(?im)^(SELECT)\b", text)
    if head is None:
        return None
    return f"{text[: head.start()]}SELECT (COUNT(*) AS ?rows) WHERE {{ {text[head.start() :]} }}"


def measure(
    store_dir: Path, runs: int, only: list[str] | None = None, folder: Path | None = None, count: bool = True
) -> list[tuple[str, float | None, int | None, float | None]]:
    from kg.queries import MissingParameters, bind_params, inject_values, load_queries

    wanted = values(pyoxigraph.Store.read_only(str(store_dir / "oxigraph")))
    print(f"parameters: {wanted}", file=sys.stderr)
    out: list[tuple[str, float | None, int | None, float | None]] = []
    for q in (load_queries(folder) if folder else load_queries()).values():
        if only and q.name not in only:
            continue
        try:
            bound = bind_params(q, {p.name: wanted[p.name] for p in q.params if p.name in wanted})
        except MissingParameters:  # a parameter the rows have no value for (a meeting)
            continue
        text = inject_values(q.text, bound)

        def timed(text: str = text) -> tuple[float, int]:
            store = pyoxigraph.Store.read_only(str(store_dir / "oxigraph"))  # opened in the child
            times, rows = [], 0
            for _ in range(runs):
                start = time.perf_counter()
                answer: Any = store.query(text, use_default_graph_as_union=UNION)
                rows = 1 if isinstance(answer, bool) else sum(1 for _ in answer)
                times.append(time.perf_counter() - start)
            return statistics.median(times) * 1000, rows

        got = _limited(timed, TIMEOUT * runs)
        counted = _counted(text) if got and count else None
        evaluated = _limited(lambda c=counted: timed(c)[0], TIMEOUT * runs) if counted else None
        out.append((q.name, got[0], got[1], evaluated) if got else (q.name, None, None, None))
        print(out[-1], file=sys.stderr)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--default-graph", action="store_true", help="the data in the default graph, not the union")
    parser.add_argument("--only", nargs="*", help="only these stored queries")
    parser.add_argument("--queries", type=Path, help="the stored queries of this folder (default: queries/)")
    parser.add_argument("--no-count", action="store_true", help="do not time the COUNT-wrapped query")
    args = parser.parse_args()
    global UNION
    UNION = not args.default_graph
    if args.files:
        print(f"bulk load: {load(args.store, args.files, args.default_graph):.1f} s", file=sys.stderr)
    rows = measure(args.store, args.runs, args.only, args.queries, not args.no_count)
    print("| query | median | rows | evaluation alone (COUNT) |\n|---|---:|---:|---:|")
    for name, ms, n, ev in rows:
        alone = "" if ev is None else f"{ev:,.1f} ms"
        print(f"| {name} | {'> 60 s' if ms is None else f'{ms:,.1f} ms'} | {'' if n is None else f'{n:,}'} | {alone} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
