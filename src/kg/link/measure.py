"""Measure the linker and a MELTT-style baseline on labelled report pairs.

    python -m kg.link.measure              # the hand-labelled pairs' development part
    python -m kg.link.measure --held-out   # and the held-out part (measure it once, at the end)
    python -m kg.link.measure --verbose    # with every pair a linker gets wrong

The labelled pairs (tests/cases/link/labelled-pairs.yaml, written by hand) name reports of the
bundled articles, of the extraction dev set and of the UCDP GED sample. Their graph is read with the
links made by hand stripped (every report the report of an event of its own), each linker runs once
on all its reports, and a labelled pair counts as linked when the linker puts both reports into one
event. Two views: the reports as read (a UCDP release is one document, whose rows are distinct events
by UCDP's account, so the document rule alone keeps them apart) and with every dataset row a source
of its own (the features alone must keep apart the same-day, nearby and days-later rows).
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
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


# --- the hand-labelled pairs: a development part and a held-out part ------------------------------

LABELLED_PAIRS = ROOT / "tests" / "cases" / "link" / "labelled-pairs.yaml"
#: the seed of the split into a development part and a held-out part (recorded: same seed, same split)
SPLIT_SEED = 17
#: the share of the linked and of the unlinked pairs held out
HELD_OUT_SHARE = 1 / 3
#: the labelled pairs' sources: (registry, articles folder); the UCDP sample is added by `labelled_graph`
LABELLED_CORPORA = (
    ("data/registry.yaml", "data/articles"),
    ("tests/cases/extract/registry.yaml", "tests/cases/extract/gold"),
    # the texts held aside for `kg extract` until its session 11 (now its development texts) and those held aside since
    ("tests/cases/extract/registry.yaml", "tests/cases/extract/gold3"),
    ("tests/cases/extract/registry.yaml", "tests/cases/extract/aside"),
)
UCDP_SAMPLE = ROOT / "tests" / "cases" / "ucdp" / "conflict_data_BGD.csv"
#: the kinds of labelled pair: one event, or which kind of (hard) negative
KINDS = (
    "same event",
    "part and whole",
    "same day, same place",
    "same day, nearby place",
    "same day, other violence",
    "same group, days later",
    "same place, another time",
    "one document",
    "other event",
)


@dataclass(frozen=True)
class LabelledPair:
    """Two reports (IRIs, in order) labelled by hand as of one event or not, with the kind and the reason."""

    a: str
    b: str
    linked: bool
    kind: str
    why: str

    @property
    def key(self) -> Pair:
        return (self.a, self.b)


def load_labelled_pairs(path: Path, base: str) -> list[LabelledPair]:
    """The pairs of a labelled-pairs file (`pairs: [{a, b, linked, kind, why}]`, report keys), in file order."""
    from kg.link.decisions import read_yaml

    out = []
    for x in read_yaml(path).get("pairs", []):
        a, b = _pair(f"{base}id/report/{x['a']}", f"{base}id/report/{x['b']}")
        out.append(LabelledPair(a, b, bool(x["linked"]), str(x["kind"]), str(x["why"])))
    return out


def split_pairs(
    pairs: Sequence[LabelledPair], seed: int = SPLIT_SEED, share: float = HELD_OUT_SHARE
) -> tuple[list[LabelledPair], list[LabelledPair]]:
    """The development part and the held-out part: of the linked and of the unlinked pairs each, sorted
    by key and shuffled with `seed`, the first `share` is held out (rounded)."""
    import random

    dev: list[LabelledPair] = []
    held: list[LabelledPair] = []
    for linked in (True, False):
        group = sorted((p for p in pairs if p.linked is linked), key=lambda p: p.key)
        random.Random(f"{seed}-{linked}").shuffle(group)
        cut = round(len(group) * share)
        held += group[:cut]
        dev += group[cut:]
    return sorted(dev, key=lambda p: p.key), sorted(held, key=lambda p: p.key)


def labelled_graph() -> Graph:
    """The graph of every labelled pair's sources (articles, dev-set annotations, the UCDP sample), with
    the vocabularies; its hand links are left in (strip them with `strip_links`)."""
    from kg.mapping import RegistryTerms, map_dataset_reports
    from kg.namespaces import DEFAULT_BASE
    from kg.sources import ucdp
    from kg.sources.dataset import import_files

    graph = Graph()
    for registry, articles in LABELLED_CORPORA:
        graph += corpus_graph(ROOT / registry, ROOT / articles)
    no_registry = RegistryTerms({}, {}, {})
    imported = import_files(ucdp.DATASET, [UCDP_SAMPLE], "ged", no_registry)
    triples: set[tuple[URIRef, URIRef, URIRef | Literal]] = set()
    map_dataset_reports(imported.release, imported.reports, no_registry, DEFAULT_BASE, triples)
    for t in triples:
        graph.add(t)
    return graph


def as_separate_sources(reports: Sequence[ReportRecord]) -> list[ReportRecord]:
    """The reports with every dataset row made the report of a document of its own, as if each row came
    from another source: then nothing but the features keeps two rows of one release apart."""
    from dataclasses import replace

    return [replace(r, document=r.iri) if r.dataset else r for r in reports]


def score_labelled(predicted: set[Pair], pairs: Sequence[LabelledPair]) -> Score:
    """Count the labelled pairs a linker puts into one event against their labels."""
    tp = sum(1 for p in pairs if p.linked and p.key in predicted)
    fp = sum(1 for p in pairs if not p.linked and p.key in predicted)
    fn = sum(1 for p in pairs if p.linked and p.key not in predicted)
    return Score(tp, fp, fn, len(pairs))


#: the linkers compared, by name
LINKERS: dict[str, Callable[[Sequence[ReportRecord]], set[Pair]]] = {
    "kg link": scorer_links,
    "MELTT-style": meltt_links,
}
#: the two readings of the reports: as kg link reads them (one UCDP release is one document, whose rows
#: are distinct events by UCDP's account) and with every row a source of its own (the features alone)
VIEWS: dict[str, Callable[[Sequence[ReportRecord]], list[ReportRecord]]] = {
    "as read": list,
    "rows as sources": as_separate_sources,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Print precision and recall of kg link and the MELTT-style baseline on the labelled pairs'
    development part (and, with --held-out, on the held-out part), in both views."""
    from kg.namespaces import DEFAULT_BASE

    args = list(sys.argv[1:] if argv is None else argv)
    verbose, held_out = "--verbose" in args, "--held-out" in args
    pairs = load_labelled_pairs(LABELLED_PAIRS, DEFAULT_BASE)
    dev, held = split_pairs(pairs)
    parts = [("dev", dev)] + ([("held-out", held)] if held_out else [])
    reports = read_reports(strip_links(labelled_graph()))
    print(
        f"{len(pairs)} labelled pairs ({sum(p.linked for p in pairs)} linked) over {len(reports)} reports; "
        f"split seed {SPLIT_SEED}: {len(dev)} dev, {len(held)} held out"
    )
    print(
        f"{'part':<9} {'view':<16} {'linker':<12} {'pairs':>5} {'true':>5} {'TP':>4} {'FP':>4} {'FN':>4} "
        f"{'P':>6} {'R':>6}"
    )
    for view, read in VIEWS.items():
        viewed = read(reports)
        for linker, run in LINKERS.items():
            predicted = run(viewed)
            for part, labelled in parts:
                s = score_labelled(predicted, labelled)
                print(
                    f"{part:<9} {view:<16} {linker:<12} {s.pairs:>5} {s.tp + s.fn:>5} {s.tp:>4} {s.fp:>4} "
                    f"{s.fn:>4} {s.precision:>6.2f} {s.recall:>6.2f}"
                )
                if verbose:
                    for p in labelled:
                        if (p.key in predicted) != p.linked:
                            print(f"    {'FP' if not p.linked else 'FN'} [{p.kind}] {_short(p.key)}")
    print("threshold sweep of kg link on the dev part, as read and rows as sources (TP FP FN):")
    for t in SWEEP:
        row = []
        for read in VIEWS.values():
            s = score_labelled(scorer_links(read(reports), t), dev)
            row.append(f"{s.tp:>3} {s.fp:>3} {s.fn:>3}")
        mark = "  <- THRESHOLD" if t == THRESHOLD else ""
        print(f"  {t:.2f}: " + "   ".join(row) + mark)
    return 0


#: thresholds the measure also reports, to show how sensitive the choice is
SWEEP = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def _short(p: Pair) -> str:
    return " ~ ".join(x.split("/report/", 1)[-1] for x in p)


if __name__ == "__main__":
    raise SystemExit(main())
