"""The links graph's N-Quads written as lines, for hundreds of thousands of links: the same bytes as
`kg.link.publish.build_links`, which builds an rdflib Dataset and serializes it (28,000 links: 26 s
and 1.2 GB there, about 1 s here).

Lines are made in their sorted order, subject by subject, instead of sorting them all: a line starts
with `<subject>`, and `>` never occurs in an IRI, so lines of different subjects compare as their
subjects followed by `>`. The subjects are the tool (`id/dataset/links/kg-link`), the linked events
(`id/event/linked/<digest>`) and the links (`id/link/<digest>`, each after its own features
`id/link/<digest>/feature/<name>`, as `/` sorts before `>`); digests have one length. A curated
link's free text (who, why) is written by rdflib's own N-Quads writer, so its escaping is rdflib's.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import networkx as nx
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg import iris
from kg.link.decisions import Curated
from kg.link.publish import LinkOutput, _digest, link_iri, links_graph_iri, proposal_row
from kg.link.records import ReportRecord
from kg.link.score import RULES_VERSION, THRESHOLD, Decision
from kg.namespaces import KGO

_DECIMAL = f"^^<{XSD.decimal}>"


def _iri(term: str) -> str:
    return f"<{term}>"


def _decimal(v: float) -> str:
    return f'"{v:.4f}"{_DECIMAL}'


def _sorted_lines(lines: list[str]) -> bytes:
    return "".join(sorted(set(lines))).encode()


@dataclass(frozen=True)
class StreamedLinks:
    """What `kg link` writes, made as it is written: the links graph's N-Quads and the proposals' JSON
    as chunks of bytes (each iterable once), and the counts, known before."""

    nquads: Iterable[bytes]
    proposals: Iterable[bytes]
    links: int
    curated: int
    events: int


def build_links_lines(
    base: str, reports: Sequence[ReportRecord], decisions: Sequence[Decision], curated: Sequence[Curated]
) -> LinkOutput:
    """`publish.build_links`, the same output, made line by line."""
    s = stream_links(base, reports, decisions, curated)
    return LinkOutput(b"".join(s.nquads), b"".join(s.proposals), s.links, s.curated, s.events)


def stream_links(
    base: str, reports: Sequence[ReportRecord], decisions: Sequence[Decision], curated: Sequence[Curated]
) -> StreamedLinks:
    """The output of `publish.build_links`, as chunks made while they are written."""
    event_of = {r.iri: r.event for r in reports}
    type_of: dict[str, str] = {}
    for r in reports:
        if r.event_type is not None:
            type_of[r.event] = r.event_type
    by_pair = {(c.a, c.b): c for c in curated}
    linked = [d for d in decisions if d.linked]
    joined = nx.Graph()
    for d in linked:
        joined.add_edge(event_of[d.candidate.a], event_of[d.candidate.b])
    events = []
    for members in nx.connected_components(joined):
        if len(members) >= 2:
            events.append((str(iris.mint(base, "event", "linked", _digest(*sorted(members)))), sorted(members)))
    events.sort()
    del joined
    curated_links = sum(1 for d in linked if d.candidate.key in by_pair)
    return StreamedLinks(
        _nquads(base, events, type_of, linked, by_pair),
        _proposals(decisions),
        len(linked),
        curated_links,
        len(events),
    )


def _nquads(
    base: str,
    events: list[tuple[str, list[str]]],
    type_of: dict[str, str],
    linked: list[Decision],
    by_pair: dict[tuple[str, str], Curated],
) -> Iterator[bytes]:
    graph = f" {_iri(links_graph_iri(base))} .\n"
    tool = str(iris.mint(base, "dataset", "links", "kg-link"))
    rdf_type, label, value = _iri(RDF.type), _iri(RDFS.label), _iri(RDF.value)
    yield _sorted_lines(
        [
            f"{_iri(tool)} {rdf_type} {_iri(PROV.SoftwareAgent)}{graph}",
            f'{_iri(tool)} {label} "kg link, rules {RULES_VERSION}"@en{graph}',
        ]
    )
    component, event_type, event_class = _iri(KGO.component), _iri(KGO.eventType), _iri(KGO.Event)
    for e, members in events:
        s = _iri(e)
        lines = [
            f"{s} {rdf_type} {event_class}{graph}",
            f'{s} {label} "one event of {len(members)} linked events"@en{graph}',
            f'{s} {label} "satu peristiwa dari {len(members)} peristiwa yang ditautkan"@id{graph}',
        ]
        types = Counter(type_of[m] for m in members if m in type_of)
        if types:
            most = max(types.values())
            lines.append(f"{s} {event_type} {_iri(min(t for t, n in types.items() if n == most))}{graph}")
        lines.extend(f"{s} {component} {_iri(m)}{graph}" for m in members)
        yield _sorted_lines(lines)
    p = {name: _iri(getattr(KGO, name)) for name in ("linkedReport", "linkScore", "rulesVersion", "linkFeature")}
    p["linkStatus"] = _iri(KGO.linkStatus)
    report_link, attributed, by_tool = _iri(KGO.ReportLink), _iri(PROV.wasAttributedTo), _iri(tool)
    for link, d in sorted((str(link_iri(base, d.candidate.a, d.candidate.b)), d) for d in linked):
        c = d.candidate
        s = _iri(link)
        features: list[str] = []
        lines = [
            f"{s} {rdf_type} {report_link}{graph}",
            f"{s} {p['linkedReport']} {_iri(c.a)}{graph}",
            f"{s} {p['linkedReport']} {_iri(c.b)}{graph}",
            f"{s} {p['linkScore']} {_decimal(c.score)}{graph}",
            f'{s} {p["rulesVersion"]} "{RULES_VERSION}"{graph}',
        ]
        for name, v in sorted(c.features.items()):
            if v is None:
                continue
            f = _iri(f"{link}/feature/{name}")
            lines.append(f"{s} {p['linkFeature']} {f}{graph}")
            features.append(f'{f} {label} "{name}"{graph}')
            features.append(f"{f} {value} {_decimal(v)}{graph}")
        decided = by_pair.get(c.key)
        if decided is not None:
            lines.extend(_curated_lines(base, URIRef(link), decided))
        else:
            lines.append(f'{s} {p["linkStatus"]} "proposed"{graph}')
            lines.append(f"{s} {attributed} {by_tool}{graph}")
        yield _sorted_lines(features) + _sorted_lines(lines)


def _proposals(decisions: Sequence[Decision]) -> Iterator[bytes]:
    """The JSON `publish.build_links` writes (indent 1, sorted keys), a pair at a time."""
    yield b'{\n "pairs": ['
    for n, d in enumerate(decisions):
        text = json.dumps(proposal_row(d), indent=1, sort_keys=True, ensure_ascii=False).replace("\n", "\n  ")
        yield (",\n  " if n else "\n  ").encode() + text.encode()
    tail = f' "rules": {json.dumps(RULES_VERSION)},\n "threshold": {json.dumps(THRESHOLD)}\n}}\n'
    yield ("\n ],\n" if decisions else "],\n").encode() + tail.encode()


def _curated_lines(base: str, link: URIRef, decided: Curated) -> list[str]:
    """A curated link's status, who, when and why, as rdflib writes them."""
    ds = Dataset()
    g = ds.graph(links_graph_iri(base))
    g.add((link, KGO.linkStatus, Literal("accepted")))
    g.add((link, DCTERMS.creator, Literal(decided.link.who)))
    g.add((link, DCTERMS.date, Literal(decided.link.when.isoformat(), datatype=XSD.date)))
    g.add((link, RDFS.comment, Literal(decided.link.why, lang="en")))
    return [line + "\n" for line in ds.serialize(format="nquads").splitlines() if line.strip()]
