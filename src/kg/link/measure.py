"""Measure the linker and a MELTT-style baseline on labelled report pairs.

    python -m kg.link.measure            # prints precision and recall of both on every labelled set

A labelled set is a kg project's annotations with the links made by hand stripped: every report
becomes the report of an event of its own (its event's labels go too), the linker runs on that
graph, and its pairs are compared with the labelled true pairs. Every cross-document pair of the
set's reports that is not a true pair is a non-link.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.link.records import ReportRecord, read_reports
from kg.link.score import THRESHOLD, TYPE_FAMILIES, candidates, decide, haversine_km
from kg.namespaces import KGO

Pair = tuple[str, str]


def strip_links(graph: Graph) -> Graph:
    """A copy of `graph` in which every report is of an event of its own (`<report>/event`)."""
    out = Graph()
    reports = set(graph.subjects(RDF.type, KGO.Report))
    for s, p, o in graph:
        if p == KGO.reportOf and s in reports:
            out.add((s, p, URIRef(f"{s}/event")))
        else:
            out.add((s, p, o))
    return out


def hand_links(reports: Sequence[ReportRecord]) -> set[Pair]:
    """Pairs of reports of different documents that point at one event."""
    by_event: dict[str, list[ReportRecord]] = defaultdict(list)
    for r in reports:
        by_event[r.event].append(r)
    return {
        _pair(a.iri, b.iri)
        for group in by_event.values()
        for a, b in itertools.combinations(group, 2)
        if a.document != b.document
    }


def universe(reports: Sequence[ReportRecord]) -> set[Pair]:
    """Every pair of reports of different documents."""
    return {_pair(a.iri, b.iri) for a, b in itertools.combinations(reports, 2) if a.document != b.document}


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def closure(links: Iterable[Pair]) -> set[Pair]:
    """Every pair of reports that the links put into one event (transitively)."""
    joined = nx.Graph(list(links))
    return {_pair(a, b) for g in nx.connected_components(joined) for a, b in itertools.combinations(sorted(g), 2)}


def scorer_links(reports: Sequence[ReportRecord], threshold: float = THRESHOLD) -> set[Pair]:
    """The pairs kg link puts into one event."""
    decided = decide(reports, candidates(reports), threshold=threshold)
    return closure(d.candidate.key for d in decided if d.linked)


# --- the MELTT-style baseline: a 1-day / 3-km window, a type taxonomy, the best candidate wins ----

#: MELTT's windows in the Nigeria 2011 study (Donnay et al. 2019)
MELTT_DAYS = 1
MELTT_KM = 3.0


def _type_level(a: ReportRecord, b: ReportRecord) -> int | None:
    """MELTT's taxonomy: level 1 the same kg type, level 2 the same family; None never agrees."""
    ta = {t.rsplit("/", 1)[-1] for t in a.types}
    tb = {t.rsplit("/", 1)[-1] for t in b.types}
    if ta & tb:
        return 1
    if any(ta & f and tb & f for f in TYPE_FAMILIES):
        return 2
    return None


def _point(r: ReportRecord) -> tuple[float, float] | None:
    """The report's coordinates: its place's, else the finest containing place's that has some."""
    if r.place is None:
        return None
    if r.place.latitude is not None and r.place.longitude is not None:
        return r.place.latitude, r.place.longitude
    ranked = sorted(r.within, key=lambda p: (p.is_country, p.iri))
    for p in ranked:
        if p.latitude is not None and p.longitude is not None:
            return p.latitude, p.longitude
    return None


def meltt_links(reports: Sequence[ReportRecord]) -> set[Pair]:
    """MELTT-style: pairs from different documents within 1 day (start and end) and 3 km whose
    types agree at some taxonomy level; for each report, per other document, the best candidate."""
    from kg.link.records import PlaceRecord

    scored: list[tuple[tuple[int, int, float], Pair, str, str]] = []
    for a, b in itertools.combinations(reports, 2):
        if a.document == b.document:
            continue
        ends = (a.end or a.start, b.end or b.start)
        days = max(abs((a.start - b.start).days), abs((ends[0] - ends[1]).days))
        pa, pb = _point(a), _point(b)
        if days > MELTT_DAYS or pa is None or pb is None:
            continue
        km = haversine_km(PlaceRecord("a", *pa), PlaceRecord("b", *pb))
        level = _type_level(a, b)
        if km is None or km > MELTT_KM or level is None:
            continue
        scored.append(((level, days, km), _pair(a.iri, b.iri), a.document, b.document))
    taken: set[tuple[str, str]] = set()  # (report, other document) already matched
    doc = {r.iri: r.document for r in reports}
    links: set[Pair] = set()
    for _, (x, y), _, _ in sorted(scored):
        if (x, doc[y]) in taken or (y, doc[x]) in taken:
            continue
        taken |= {(x, doc[y]), (y, doc[x])}
        links.add((x, y))
    return closure(links)


# --- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Precision and recall of predicted pairs against true pairs over one universe of pairs."""

    tp: int
    fp: int
    fn: int
    pairs: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(predicted: set[Pair], truth: set[Pair], pairs: set[Pair]) -> Score:
    """Count predicted pairs (restricted to `pairs`) against `truth`."""
    p = predicted & pairs
    return Score(len(p & truth), len(p - truth), len(truth - p), len(pairs))


# --- the labelled sets -----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]


def corpus_graph(registry: Path, articles: Path) -> Graph:
    """The mapped graph of a set of articles with their registry, with the vocabularies."""
    from kg.config import Settings
    from kg.pipeline import load_ontology, map_corpus

    settings = Settings(registry_file=registry, articles_dir=articles)
    graph = map_corpus(settings).graph
    for t in load_ontology(settings):
        graph.add(t)
    return graph


def load_true_pairs(path: Path, base: str) -> set[Pair]:
    """The true pairs of a labelled-pairs file (`links: [{a, b, why}]`, report keys)."""
    from kg.link.decisions import read_yaml

    data = read_yaml(path)
    return {_pair(f"{base}id/report/{x['a']}", f"{base}id/report/{x['b']}") for x in data.get("links", [])}


def main(argv: Sequence[str] | None = None) -> int:
    """Print precision and recall of the scorer and the baseline on the Kazakhstan and the dev sets."""
    from kg.namespaces import DEFAULT_BASE

    sets = [
        ("kazakhstan (data/articles)", ROOT / "data" / "registry.yaml", ROOT / "data" / "articles", None),
        (
            "extraction dev set (gold/)",
            ROOT / "tests" / "cases" / "extract" / "registry.yaml",
            ROOT / "tests" / "cases" / "extract" / "gold",
            ROOT / "tests" / "cases" / "link" / "dev-set-pairs.yaml",
        ),
    ]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    sweep: dict[float, list[int]] = defaultdict(lambda: [0, 0, 0])
    verbose = "--verbose" in (argv or sys.argv[1:])
    print(f"{'set':<30} {'linker':<10} {'pairs':>5} {'true':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'P':>6} {'R':>6}")
    for name, registry, articles, labels in sets:
        graph = corpus_graph(registry, articles)
        hand = read_reports(graph)
        truth = hand_links(hand) if labels is None else load_true_pairs(labels, DEFAULT_BASE)
        reports = read_reports(strip_links(graph))
        pairs = universe(reports)
        for t in SWEEP:
            swept = score(scorer_links(reports, t), truth, pairs)
            sweep[t] = [x + y for x, y in zip(sweep[t], (swept.tp, swept.fp, swept.fn), strict=True)]
        for linker, run in (("kg link", scorer_links), ("MELTT", meltt_links)):
            predicted = run(reports)
            s = score(predicted, truth, pairs)
            counts = totals[linker]
            for i, v in enumerate((s.tp, s.fp, s.fn, s.pairs)):
                counts[i] += v
            print(
                f"{name:<30} {linker:<10} {s.pairs:>5} {len(truth):>5} {s.tp:>4} {s.fp:>4} {s.fn:>4} "
                f"{s.precision:>6.2f} {s.recall:>6.2f}"
            )
            if verbose:
                for p in sorted((predicted & pairs) - truth):
                    print(f"    FP {_short(p)}")
                for p in sorted(truth - predicted):
                    print(f"    FN {_short(p)}")
    for linker, counts in totals.items():
        total = Score(*counts)
        print(
            f"{'all':<30} {linker:<10} {total.pairs:>5} {total.tp + total.fn:>5} {total.tp:>4} {total.fp:>4} "
            f"{total.fn:>4} {total.precision:>6.2f} {total.recall:>6.2f}"
        )
    print("threshold sweep of kg link over both sets (TP FP FN):")
    for t, (tp, fp, fn) in sorted(sweep.items()):
        mark = "  <- THRESHOLD" if t == THRESHOLD else ""
        print(f"  {t:.2f}: {tp:>3} {fp:>3} {fn:>3}{mark}")
    return 0


#: thresholds the measure also reports, to show how sensitive the choice is
SWEEP = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def _short(p: Pair) -> str:
    return " ~ ".join(x.split("/report/", 1)[-1] for x in p)


if __name__ == "__main__":
    raise SystemExit(main())
