"""`kg link`: one event, many reports. Proposes links between reports of the same real-world event.

records (one SPARQL query over any kg graph, or a dataset file's rows read straight into records)
→ blocking (candidate pairs by sweeps over date spans, within place families and grid cells; pure)
→ score (features, a score, one-to-one clusters; pure) → decisions (links.yaml, curated, wins)
→ publish (the links graph, N-Quads).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from kg.errors import WorkerDied
from kg.link.blocking import Part, ReportTable, blocks, candidates, scored_pairs
from kg.link.decisions import Curated, load_decisions
from kg.link.nquads import StreamedLinks, build_links_lines, stream_links
from kg.link.publish import LinkOutput
from kg.link.records import ReportRecord, read_reports
from kg.link.score import RULES_VERSION, THRESHOLD, Candidate, coded_twice, decide

__all__ = [
    "RULES_VERSION",
    "LinkOutput",
    "ReportRecord",
    "ReportTable",
    "StreamedLinks",
    "link_files",
    "link_graph",
    "link_reports",
    "link_table",
    "read_reports",
]


def link_reports(
    base: str, reports: list[ReportRecord], curated: list[Curated], threshold: float = THRESHOLD
) -> LinkOutput:
    """Score, decide (curated decisions first) and publish the links of these reports."""
    accepted = [(c.a, c.b) for c in curated if c.link.decision == "accepted"]
    rejected = [(c.a, c.b) for c in curated if c.link.decision == "rejected"]
    decisions = decide(reports, candidates(reports), accepted, rejected, threshold)
    # the line writer: publish.build_links's bytes (rdflib's serializer, kept as the reference the tests
    # compare it with), without building an rdflib Dataset
    return build_links_lines(base, reports, decisions, [c for c in curated if c.link.decision == "accepted"])


def link_graph(graph: Graph, base: str, decisions_file: Path | None = None, shapes: Graph | None = None) -> LinkOutput:
    """Link the reports of `graph` (data + vocabularies), with the curated decisions of the file if given;
    with `shapes`, check the links graph against the links' shapes (ValidationFailed)."""
    from kg.link.check import check_links

    reports = read_reports(graph)
    curated = load_decisions(decisions_file, base, {r.iri for r in reports}) if decisions_file else []
    out = link_reports(base, reports, curated)
    if shapes is not None and out.nquads:
        check_links(out.nquads, graph, shapes)
    return out


#: a table of at least this many reports is worked on by a process per core (`link_table`)
POOL_FROM = 20_000
#: blocks of work per process: dealt out in turn, so that no process waits long for the last
PARTS_PER_WORKER = 8
_Kept = list[tuple[int, int, Candidate]]
#: what the pool's processes work on (set before they are forked, read in them)
_SHARED: tuple[ReportTable, set[tuple[str, str]], float] | None = None


def _cores() -> int:
    """The cores this process may use where processes can be forked (Linux, macOS), else 1."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _kept(table: ReportTable, named: set[tuple[str, str]], threshold: float, part: Part | None) -> tuple[_Kept, int]:
    """The scored candidate pairs (of `part`) that can matter: scoring at least `threshold`, named by a
    curated decision, or one incident coded twice; and the count of the others."""
    kept: _Kept = []
    below = 0
    for i, j, a, b, c in scored_pairs(table, part):
        if c.score >= threshold or c.key in named or (table.doc[i] == table.doc[j] and coded_twice(a, b)):
            kept.append((i, j, c))
        else:
            below += 1
    return kept, below


def _kept_part(part: Part) -> tuple[_Kept, int]:
    assert _SHARED is not None, "the pool's table is set before its processes are forked"
    return _kept(*_SHARED, part)


def _kept_pooled(table: ReportTable, named: set[tuple[str, str]], threshold: float, workers: int) -> tuple[_Kept, int]:
    """`_kept` by `workers` forked processes, each a part of the blocks at a time (the table is shared by
    the fork, not copied); the parts' pairs in the parts' order, so the same every run."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _SHARED
    parts = workers * PARTS_PER_WORKER
    blocks(table)  # the families and cells, worked out once, before the fork shares them
    _SHARED = (table, named, threshold)
    try:
        # concurrent.futures, not multiprocessing.Pool: a process that dies (the out-of-memory killer)
        # breaks the pool with an error, where Pool would wait for its answer forever
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_kept_part, [(k, parts) for k in range(parts)]))
    except BrokenProcessPool:
        raise WorkerDied(
            f"a process scoring the candidate pairs of {len(table):,} reports ended without its answer",
            hint=f"it was probably killed for want of memory: each of the {workers} processes holds a share"
            " of the report table; run again with fewer processes (kg link --jobs 1)",
        ) from None
    finally:
        _SHARED = None
    return [x for kept, _ in results for x in kept], sum(below for _, below in results)


def link_table(
    base: str,
    table: ReportTable,
    curated: list[Curated],
    threshold: float = THRESHOLD,
    workers: int | None = None,
) -> tuple[StreamedLinks, int]:
    """`link_reports` for many reports: the same links and the same links graph, with the candidate
    pairs streamed and only those that can matter kept (scoring at least `threshold`, curated, or one
    incident coded twice); the proposals list those, and the count of the others is returned beside.

    Memory holds the table and the kept pairs, never every candidate pair; the output is made as it is
    written (`StreamedLinks`, for `kg.atomic.write_outputs`). The pairs are scored by `workers`
    processes (by default one per core the process may use, for `POOL_FROM` reports or more); the
    output is the same whatever their number.
    """
    accepted = [(c.a, c.b) for c in curated if c.link.decision == "accepted"]
    rejected = [(c.a, c.b) for c in curated if c.link.decision == "rejected"]
    named = {(a, b) if a <= b else (b, a) for a, b in (*accepted, *rejected)}
    if workers is None:
        workers = _cores() if len(table) >= POOL_FROM else 1
    if workers > 1:
        kept, below = _kept_pooled(table, named, threshold, workers)
    else:
        kept, below = _kept(table, named, threshold, None)
    wanted = {x for i, j, _ in kept for x in (i, j)}
    iris = {x for p in named for x in p}
    events = {table.event[x] for x in wanted}
    for x in range(len(table)):  # the reports of their events too: an event's reports start as one cluster
        if table.event[x] in events or table.iri[x] in iris:
            wanted.add(x)
    reports = [table.record(x) for x in sorted(wanted)]
    decisions = decide(reports, [c for _, _, c in kept], accepted, rejected, threshold)
    return stream_links(base, reports, decisions, [c for c in curated if c.link.decision == "accepted"]), below


def link_files(
    base: str,
    rows: Sequence[tuple[str, Path]],
    registry_file: Path,
    ontology: Sequence[Path],
    graph: Graph | None = None,
    decisions_file: Path | None = None,
    workers: int | None = None,
) -> tuple[StreamedLinks, int, int]:
    """Link the rows of dataset files (`(dataset name, file)`, read straight into records, without a
    graph) with the reports of `graph` if given; the output, the number of reports and the number of
    candidate pairs scoring below the threshold (left out of the proposals)."""
    from kg.link.records import read_row_reports

    table = ReportTable()
    if graph is not None:
        table.extend(read_reports(graph))
    for dataset, file in rows:
        table.extend(read_row_reports(dataset, file, registry_file, ontology, base))
    curated = load_decisions(decisions_file, base, set(table.iri)) if decisions_file else []
    out, below = link_table(base, table, curated, workers=workers)
    return out, len(table), below
