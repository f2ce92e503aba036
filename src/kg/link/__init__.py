"""`kg link`: one event, many reports. Proposes links between reports of the same real-world event.

records (one SPARQL query over any kg graph) → score (blocking, features, a score, one-to-one
clusters; pure) → decisions (links.yaml, curated, wins) → publish (the links graph, N-Quads).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.link.decisions import Curated, load_decisions
from kg.link.publish import LinkOutput, build_links
from kg.link.records import ReportRecord, read_reports
from kg.link.score import RULES_VERSION, THRESHOLD, candidates, decide

__all__ = ["RULES_VERSION", "LinkOutput", "ReportRecord", "link_graph", "link_reports", "read_reports"]


def link_reports(
    base: str, reports: list[ReportRecord], curated: list[Curated], threshold: float = THRESHOLD
) -> LinkOutput:
    """Score, decide (curated decisions first) and publish the links of these reports."""
    accepted = [(c.a, c.b) for c in curated if c.link.decision == "accepted"]
    rejected = [(c.a, c.b) for c in curated if c.link.decision == "rejected"]
    decisions = decide(reports, candidates(reports), accepted, rejected, threshold)
    return build_links(base, reports, decisions, [c for c in curated if c.link.decision == "accepted"])


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
