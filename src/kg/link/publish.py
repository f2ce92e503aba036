"""The links graph: every link with its score, features, rules version and who decided, and the
events the links make, as sorted N-Quads in one named graph (pure: records in, bytes out).

A linked event is `<base>id/event/linked/<digest>`, a kgo:Event whose kgo:component is each event
its reports were of; the digest is of the sorted component IRIs, so the same links give the same
IRIs and the same bytes. The reports keep their own kgo:reportOf: nothing is merged or overwritten.
Its kgo:eventType is the one its components share, else the one most of them have (the first by IRI
among equals): the shapes ask every event for exactly one.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import networkx as nx
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg import iris
from kg.link.decisions import Curated
from kg.link.records import ReportRecord
from kg.link.score import RULES_VERSION, THRESHOLD, Decision
from kg.namespaces import KGO


@dataclass(frozen=True)
class LinkOutput:
    """What `kg link` writes: the links graph and the list of every scored pair, for review."""

    nquads: bytes
    proposals: bytes
    links: int
    curated: int
    events: int


def links_graph_iri(base: str) -> URIRef:
    """The named graph that holds the links."""
    return iris.mint(base, "dataset", "links")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def link_iri(base: str, a: str, b: str) -> URIRef:
    """The IRI of the link between two reports (IRIs in either order)."""
    return iris.mint(base, "link", _digest(*sorted((a, b))))


def _decimal(v: float) -> Literal:
    return Literal(Decimal(f"{v:.4f}"), datatype=XSD.decimal)


def proposal_row(d: Decision) -> dict[str, object]:
    """One decision as a row of the proposals JSON: the pair, its score and features, and the verdict."""
    c = d.candidate
    return {"a": c.a, "b": c.b, "score": c.score, "features": c.features, "linked": d.linked, "reason": d.reason}


def build_links(
    base: str, reports: Sequence[ReportRecord], decisions: Sequence[Decision], curated: Sequence[Curated]
) -> LinkOutput:
    """The N-Quads of the links graph and the JSON of every decision."""
    ds = Dataset()
    g = ds.graph(links_graph_iri(base))
    event_of = {r.iri: r.event for r in reports}
    type_of = {r.event: r.event_type for r in reports if r.event_type is not None}
    by_pair = {(c.a, c.b): c for c in curated}
    tool = iris.mint(base, "dataset", "links", "kg-link")
    g.add((tool, RDF.type, PROV.SoftwareAgent))
    g.add((tool, RDFS.label, Literal(f"kg link, rules {RULES_VERSION}", lang="en")))
    joined = nx.Graph()  # events, joined by the linked pairs of their reports
    linked = [d for d in decisions if d.linked]
    for d in linked:
        c = d.candidate
        s = link_iri(base, c.a, c.b)
        g.add((s, RDF.type, KGO.ReportLink))
        g.add((s, KGO.linkedReport, URIRef(c.a)))
        g.add((s, KGO.linkedReport, URIRef(c.b)))
        g.add((s, KGO.linkScore, _decimal(c.score)))
        g.add((s, KGO.rulesVersion, Literal(RULES_VERSION)))
        for name, value in sorted(c.features.items()):
            if value is None:
                continue
            f = URIRef(f"{s}/feature/{name}")
            g.add((s, KGO.linkFeature, f))
            g.add((f, RDFS.label, Literal(name)))
            g.add((f, RDF.value, _decimal(value)))
        decided = by_pair.get(c.key)
        if decided is not None:
            g.add((s, KGO.linkStatus, Literal("accepted")))
            g.add((s, DCTERMS.creator, Literal(decided.link.who)))
            g.add((s, DCTERMS.date, Literal(decided.link.when.isoformat(), datatype=XSD.date)))
            g.add((s, RDFS.comment, Literal(decided.link.why, lang="en")))
        else:
            g.add((s, KGO.linkStatus, Literal("proposed")))
            g.add((s, PROV.wasAttributedTo, tool))
        joined.add_edge(event_of[c.a], event_of[c.b])
    events = 0
    for members in nx.connected_components(joined):
        if len(members) < 2:
            continue
        events += 1
        e = iris.mint(base, "event", "linked", _digest(*sorted(members)))
        g.add((e, RDF.type, KGO.Event))
        g.add((e, RDFS.label, Literal(f"one event of {len(members)} linked events", lang="en")))
        g.add((e, RDFS.label, Literal(f"satu peristiwa dari {len(members)} peristiwa yang ditautkan", lang="id")))
        types = Counter(type_of[m] for m in members if m in type_of)
        if types:
            most = max(types.values())
            g.add((e, KGO.eventType, URIRef(min(t for t, n in types.items() if n == most))))
        for m in sorted(members):
            g.add((e, KGO.component, URIRef(m)))
    lines = sorted({line for line in ds.serialize(format="nquads").splitlines() if line.strip()})
    nquads = ("\n".join(lines) + "\n").encode() if lines else b""
    rows = [proposal_row(d) for d in decisions]
    doc = {"rules": RULES_VERSION, "threshold": THRESHOLD, "pairs": rows}
    proposals = (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
    return LinkOutput(nquads, proposals, len(linked), sum(1 for d in linked if d.candidate.key in by_pair), events)
