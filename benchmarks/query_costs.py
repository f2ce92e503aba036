"""What one row of a stored query costs on the on-disk Oxigraph store: the floor under the listings.

    .venv/bin/python benchmarks/query_costs.py benchmarks/work/large/store [benchmarks/work/large/dist]

Starts from a listing (every event report whose place has no coordinates: the rows of
`events-without-coordinates`) and adds one operation at a time; the difference of the medians,
divided by the rows, is what that operation costs per row. Prints a Markdown table (NOTES.md).
Given the build's dist/ too, the same table for its kg.nt in an in-memory Oxigraph store: the same
engine without the disk store under it.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pyoxigraph

from kg.namespaces import sparql_prologue
from kg.store import store_db

RUNS = 7
BASE = "?report kgo:location ?location . FILTER NOT EXISTS { ?location kgo:latitude ?lat }"
#: (what is added, the pattern added to BASE, what it stands for in the stored queries)
STEPS = (
    ("one required lookup", "?report kgo:reportOf ?event .", "a join on a property every row has"),
    (
        "one label OPTIONAL",
        'OPTIONAL { ?report rdfs:label ?l1 FILTER(LANGMATCHES(LANG(?l1), "en")) }',
        "a label in one language",
    ),
    (
        "a second label OPTIONAL (same subject)",
        'OPTIONAL { ?report rdfs:label ?l1 FILTER(LANGMATCHES(LANG(?l1), "en")) } '
        'OPTIONAL { ?report rdfs:label ?l2 FILTER(LANGMATCHES(LANG(?l2), "id")) }',
        "the fallback label (asked language, then English)",
    ),
    ("one withinPlace+ walk", "OPTIONAL { ?location kgo:withinPlace+ ?up }", "finding enclosing places"),
)


def _median_ms(store: pyoxigraph.Store, query: str) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        answer = store.query(query)
        assert isinstance(answer, pyoxigraph.QuerySolutions)
        rows = len(list(answer))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, rows


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    print(f"On the store {argv[0]}:\n")
    _table(pyoxigraph.Store.read_only(str(store_db(Path(argv[0])))))
    if len(argv) == 2:
        memory = pyoxigraph.Store()
        memory.bulk_load(path=str(Path(argv[1]) / "kg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        print(f"\nIn memory ({argv[1]}/kg.nt):\n")
        _table(memory)
    return 0


def _table(store: pyoxigraph.Store) -> None:
    prologue = sparql_prologue()
    base_ms, base_rows = _median_ms(store, f"{prologue} SELECT ?report ?location WHERE {{ {BASE} }}")
    print(f"| added to the listing of {base_rows:,} rows | median | per row | stands for |")
    print("|---|---|---|---|")
    print(f"| nothing (the listing alone) | {base_ms:.1f} ms | {base_ms * 1000 / base_rows:.1f} µs | |")
    previous = base_ms
    for what, pattern, meaning in STEPS:
        ms, _ = _median_ms(store, f"{prologue} SELECT ?report ?location WHERE {{ {BASE} {pattern} }}")
        per_row = (ms - (base_ms if "second" not in what else previous)) * 1000 / base_rows
        print(f"| {what} | {ms:.1f} ms | {per_row:.1f} µs | {meaning} |")
        previous = ms


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
