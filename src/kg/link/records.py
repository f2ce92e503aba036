"""Typed report records for linking, read from any kg graph by one SPARQL query.

The linker never reads a source's own files: articles, drafts and dataset rows all reach it as
`kgo:Report` resources (dates with their precision, a location with its containing places and
coordinates, the type and codes the source gives, actors, figures, labels). The graph must hold
the vocabularies (`ontology.ttl`) for the type concepts' broader and matching codes to be found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.mapping import RegistryTerms
from kg.namespaces import sparql_prologue
from kg.records import Release, RowActor, RowPlace, RowReport

#: separators inside GROUP_CONCAT values (never in an IRI, a date or a number)
_ITEM = " || "
_PART = " ## "


@dataclass(frozen=True)
class PlaceRecord:
    """A place a report names, or one that contains it."""

    iri: str
    latitude: float | None = None
    longitude: float | None = None
    is_country: bool = False


@dataclass(frozen=True)
class ReportRecord:
    """What the linker knows of one report: a source's account of an event."""

    iri: str
    event: str  # kgo:reportOf
    document: str  # prov:wasDerivedFrom (an article or a dataset release)
    dataset: bool  # the document is a dataset release (its rows may duplicate each other)
    start: dt.date
    end: dt.date | None
    precision: str  # local name of the kgp: concept (day, days, week, month, year, start-of-year)
    geo_precision: str | None  # local name of the kgg: concept, when given
    place: PlaceRecord | None  # kgo:location (a physical place or a venue)
    within: tuple[PlaceRecord, ...]  # every place containing it (kgo:withinPlace+), sorted by IRI
    types: tuple[str, ...]  # kgo:reportedType
    codes: tuple[str, ...]  # the type's and the report's codes: skos:broader*, *Match, acledType, cameoCode
    actors: tuple[str, ...]  # agents of the report's participations
    figures: tuple[tuple[str, int], ...]  # (kgo:counts, schema:value) of the report's figures
    labels: tuple[str, ...]  # rdfs:label of the report and of its event, every language
    event_type: str | None = None  # the event's kgo:eventType (a linked event takes its components')
    violence: str | None = None  # kgo:violenceType of a UCDP row (state-based, non-state, one-sided)

    def local(self) -> str:
        """The report's key: its IRI after `/report/` (for messages)."""
        return self.iri.split("/report/", 1)[-1]


def _concat(var: str, pattern: str) -> str:
    """A sub-select giving each report's values of `var` in `pattern`, joined (no cross product)."""
    return (
        f'  OPTIONAL {{ SELECT ?report (GROUP_CONCAT(DISTINCT STR(?{var}); separator="{_ITEM}") AS ?{var}s)\n'
        f"    WHERE {{ ?report a kgo:Report . {pattern} }} GROUP BY ?report }}\n"
    )


_MATCH = "skos:closeMatch|skos:exactMatch|skos:relatedMatch|skos:broadMatch"
REPORTS_QUERY = (
    sparql_prologue()
    + """
SELECT ?report ?event ?doc ?isDataset ?start ?end ?prec ?geo ?loc ?locLat ?locLon ?locCountry
       ?ancs ?types ?codes ?agents ?figs ?labels ?eventType ?violence
WHERE {
  ?report a kgo:Report ; kgo:reportOf ?event ; kgo:startDate ?start ; kgo:datePrecision ?prec .
  OPTIONAL { ?event kgo:eventType ?eventType }
  OPTIONAL { ?report kgo:violenceType ?violence }
  OPTIONAL { ?report prov:wasDerivedFrom ?doc0 }
  BIND(COALESCE(?doc0, ?report) AS ?doc)
  BIND(EXISTS { ?doc a kgo:DatasetRelease } AS ?isDataset)
  OPTIONAL { ?report kgo:endDate ?end }
  OPTIONAL { ?report kgo:geoPrecision ?geo }
  OPTIONAL {
    ?report kgo:location ?loc .
    OPTIONAL { ?loc kgo:latitude ?locLat ; kgo:longitude ?locLon }
    BIND(EXISTS { ?loc a kgo:Country } AS ?locCountry)
  }
"""
    + _concat(
        "anc",
        "?report kgo:location/kgo:withinPlace+ ?a . OPTIONAL { ?a kgo:latitude ?aLat ; kgo:longitude ?aLon } "
        'BIND(CONCAT(STR(?a), " ## ", COALESCE(STR(?aLat), ""), " ## ", COALESCE(STR(?aLon), ""), " ## ", '
        'IF(EXISTS { ?a a kgo:Country }, "1", "")) AS ?anc)',
    )
    + _concat("type", "?report kgo:reportedType ?type .")
    + _concat(
        "code",
        "{ ?report kgo:reportedType ?t0 . ?t0 skos:broader* ?code } "
        "UNION { ?report kgo:reportedType ?t1 . ?t1 skos:broader* ?t2 . "
        f"?t2 {_MATCH} ?t3 . ?t3 skos:broader* ?code }} "
        "UNION { ?report kgo:acledType|kgo:cameoCode ?t4 . ?t4 skos:broader* ?code }",
    )
    + _concat("agent", "?p kgo:inReport ?report ; a kgo:Participation ; kgo:agent ?agent .")
    + _concat(
        "fig",
        "?f kgo:inReport ?report ; a kgo:Figure ; kgo:counts ?counts ; schema:value ?value . "
        'BIND(CONCAT(STR(?counts), " ## ", STR(?value)) AS ?fig)',
    )
    + _concat("label", "{ ?report rdfs:label ?label } UNION { ?report kgo:reportOf/rdfs:label ?label }")
    + "}\n"
)


def _split(value: object) -> tuple[str, ...]:
    text = "" if value is None else str(value)
    return tuple(sorted({v for v in text.split(_ITEM) if v}))


def _float(value: object) -> float | None:
    return None if value is None or str(value) == "" else float(str(value))


def _local(iri: object) -> str | None:
    return None if iri is None else str(iri).rsplit("/", 1)[-1]


def _ancestor(item: str) -> PlaceRecord:
    iri, lat, lon, country = item.split(_PART)
    return PlaceRecord(iri, _float(lat), _float(lon), country == "1")


def _figure(item: str) -> tuple[str, int]:
    counts, value = item.split(_PART)
    return counts, int(value)


#: the variables the query selects
_VARIABLES: tuple[str, ...] = (
    "report",
    "event",
    "doc",
    "isDataset",
    "start",
    "end",
    "prec",
    "geo",
    "loc",
    "locLat",
    "locLon",
)
_VARIABLES += ("locCountry", "ancs", "types", "codes", "agents", "figs", "labels", "eventType", "violence")


def _rows(graph: Graph) -> Iterator[dict[str, str]]:
    """The query's rows, values as strings (unbound left out), run by Oxigraph: rdflib's evaluator
    takes minutes on a few hundred dataset rows for the property paths above, Oxigraph a second."""
    import pyoxigraph

    store = pyoxigraph.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    names = [str(v) for v in _VARIABLES]
    solutions = store.query(REPORTS_QUERY)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)  # a SELECT gives solutions
    for solution in solutions:
        row: dict[str, str] = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term.value
        yield row


def read_reports(graph: Graph) -> list[ReportRecord]:
    """Every report of `graph` that has a start date and a precision, sorted by IRI."""
    out: dict[str, ReportRecord] = {}
    for r in _rows(graph):
        place = None
        if r.get("loc") is not None:
            country = str(r.get("locCountry")).lower() == "true"
            place = PlaceRecord(str(r["loc"]), _float(r.get("locLat")), _float(r.get("locLon")), country)
        end = r.get("end")
        rec = ReportRecord(
            iri=str(r["report"]),
            event=str(r["event"]),
            document=str(r["doc"]),
            dataset=str(r.get("isDataset")).lower() == "true",
            start=dt.date.fromisoformat(str(r["start"])),
            end=dt.date.fromisoformat(str(end)) if end is not None else None,
            precision=_local(r["prec"]) or "day",
            geo_precision=_local(r.get("geo")),
            place=place,
            within=tuple(sorted((_ancestor(a) for a in _split(r.get("ancs"))), key=lambda p: p.iri)),
            types=_split(r.get("types")),
            codes=_split(r.get("codes")),
            actors=_split(r.get("agents")),
            figures=tuple(sorted(_figure(f) for f in _split(r.get("figs")))),
            labels=_split(r.get("labels")),
            event_type=r.get("eventType"),
            violence=r.get("violence"),
        )
        out[rec.iri] = rec
    return [out[k] for k in sorted(out)]


# --- straight from a dataset's rows, without a graph (kg link at scale) ----------------------------


class RowContext:
    """What a dataset row's report record needs beyond the row: the registry's places (coordinates,
    containing places, countries) and the vocabularies' broader and matching concepts, read once from
    a small graph of the registry and the ontology. Answers are cached by IRI."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._places: dict[str, PlaceRecord] = {}
        self._within: dict[str, tuple[PlaceRecord, ...]] = {}
        self._codes: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
        self._broader: dict[str, frozenset[str]] = {}

    def place(self, iri: str) -> PlaceRecord:
        """A place of the graph (the registry's), with its coordinates when it has both."""
        known = self._places.get(iri)
        if known is None:
            from rdflib import URIRef
            from rdflib.namespace import RDF

            from kg.namespaces import KGO

            s = URIRef(iri)
            lat, lon = self.graph.value(s, KGO.latitude), self.graph.value(s, KGO.longitude)
            both = lat is not None and lon is not None
            country = (s, RDF.type, KGO.Country) in self.graph
            known = self._places[iri] = PlaceRecord(
                iri, float(str(lat)) if both else None, float(str(lon)) if both else None, country
            )
        return known

    def within(self, iri: str) -> tuple[PlaceRecord, ...]:
        """Every place of the graph containing `iri` (kgo:withinPlace+), sorted by IRI."""
        known = self._within.get(iri)
        if known is None:
            from rdflib import URIRef

            from kg.namespaces import KGO

            seen: set[str] = set()
            todo = [iri]
            while todo:
                for o in self.graph.objects(URIRef(todo.pop()), KGO.withinPlace):
                    if str(o) not in seen:
                        seen.add(str(o))
                        todo.append(str(o))
            known = self._within[iri] = tuple(self.place(p) for p in sorted(seen))
        return known

    def broader(self, concept: str) -> frozenset[str]:
        """The concept and every concept above it (skos:broader*)."""
        known = self._broader.get(concept)
        if known is None:
            from rdflib import URIRef
            from rdflib.namespace import SKOS

            seen = {concept}
            todo = [concept]
            while todo:
                for o in self.graph.objects(URIRef(todo.pop()), SKOS.broader):
                    if str(o) not in seen:
                        seen.add(str(o))
                        todo.append(str(o))
            known = self._broader[concept] = frozenset(seen)
        return known

    def codes(self, reported: str, coded: tuple[str, ...]) -> tuple[str, ...]:
        """What REPORTS_QUERY gives as a report's codes: its type's broader concepts, those of the
        concepts they match, and the broader concepts of its ACLED and CAMEO codes."""
        key = (reported, coded)
        known = self._codes.get(key)
        if known is None:
            from rdflib import URIRef
            from rdflib.namespace import SKOS

            out = set(self.broader(reported))
            for t2 in self.broader(reported):
                for prop in (SKOS.closeMatch, SKOS.exactMatch, SKOS.relatedMatch, SKOS.broadMatch):
                    for t3 in self.graph.objects(URIRef(t2), prop):
                        out |= self.broader(str(t3))
            for c in coded:
                out |= self.broader(c)
            known = self._codes[key] = tuple(sorted(out))
        return known


def row_context(registry_triples: Iterable[tuple[object, object, object]], ontology: Iterable[Path]) -> RowContext:
    """A RowContext over the registry's triples and the ontology's files (the vocabularies)."""
    from kg.store import read_rdf

    graph = read_rdf(list(ontology))
    for t in registry_triples:
        graph.add(t)  # type: ignore[arg-type]
    return RowContext(graph)


def reports_from_rows(
    release: Release, rows: Iterable[RowReport], registry: RegistryTerms, context: RowContext, base: str
) -> Iterator[ReportRecord]:
    """The record of each row's report, equal to what `read_reports` reads from the rows' mapped graph
    (`kg.mapping.RowMapper`) with the registry and the vocabularies, without making the graph."""
    from kg import iris
    from kg.mapping import DATASET_EVENT_CLASSES, PRECISIONS, release_iri
    from kg.namespaces import KGC, KGO

    document = str(release_iri(base, release))
    at = {kind: str(iris.mint(base, kind, release.dataset, release.release)) + "/" for kind in ("event", "report")}
    row_name = f"{release.title}, row "
    place_types = {str(k): v for k, v in registry.place_types.items()}
    precisions = {k: str(v).rsplit("/", 1)[-1] for k, v in PRECISIONS.items()}
    # what rows share is worked out once: the places without a point of their own (regions,
    # countries) by IRI key, actors, types with their codes, counts; a row's own point is not kept
    shared: dict[object, tuple[PlaceRecord, tuple[PlaceRecord, ...]]] = {}
    agents: dict[tuple[str, str, str | None], str] = {}
    coded: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[str, tuple[str, ...], str | None]] = {}
    counts: dict[str, str] = {}
    code_props = {str(KGO.acledType), str(KGO.cameoCode)}
    violence_prop = str(KGO.violenceType)

    def place_of(p: RowPlace) -> tuple[PlaceRecord, tuple[PlaceRecord, ...]]:
        key = p.registry if p.registry is not None else p.kind_key
        own = p.registry is None and p.latitude is not None and p.longitude is not None
        known = None if own else shared.get(key)
        if known is not None:
            return known
        if p.registry is not None:
            known = (context.place(str(p.registry)), context.within(str(p.registry)))
        else:
            iri = str(iris.mint(base, "place", *p.kind_key))
            lat = float(p.latitude) if own and p.latitude is not None else None
            lon = float(p.longitude) if own and p.longitude is not None else None
            record = PlaceRecord(iri, lat, lon, p.type == "country")
            above: tuple[PlaceRecord, ...] = ()
            if p.within is not None:
                parent, parents = place_of(p.within)
                above = tuple(sorted({parent, *parents}, key=lambda x: x.iri))
            known = (record, above)
        if not own:
            shared[key] = known
        return known

    def agent(a: RowActor) -> str:
        key = (a.kind, a.key, None if a.registry is None else str(a.registry))
        known = agents.get(key)
        if known is None:
            known = agents[key] = key[2] if key[2] is not None else str(iris.mint(base, a.kind, a.key))
        return known

    def typed(event_type: str, codes: tuple[tuple[str, str], ...]) -> tuple[str, tuple[str, ...], str | None]:
        """The type concept, the codes and the violence type of a row."""
        key = (event_type, codes)
        known = coded.get(key)
        if known is None:
            concept = str(DATASET_EVENT_CLASSES[event_type][1])
            given = tuple(sorted({c for prop, c in codes if prop in code_props}))
            violence = next((c for prop, c in codes if prop == violence_prop), None)
            known = coded[key] = (concept, context.codes(concept, given), violence)
        return known

    def counted(name: str) -> str:
        known = counts.get(name)
        if known is None:
            known = counts[name] = str(KGC[name])
        return known

    for rec in rows:
        concept, codes, violence = typed(rec.event_type, tuple((str(p), str(c)) for p, c in rec.codes))
        place, within = place_of(rec.place)
        geo = rec.geo_precision or ("country" if place_types.get(place.iri) == "country" else None)
        yield ReportRecord(
            iri=at["report"] + rec.row,
            event=at["event"] + rec.row,
            document=document,
            dataset=True,
            start=dt.date.fromisoformat(rec.start),
            end=dt.date.fromisoformat(rec.end) if rec.end is not None else None,
            precision=precisions[rec.precision],
            geo_precision=geo,
            place=place,
            within=within,
            types=(concept,),
            codes=codes,
            actors=tuple(sorted({agent(a) for a in rec.actors})),
            figures=tuple(sorted({(counted(f.counts), f.value) for f in rec.figures})),
            labels=tuple(sorted({rec.label, f"{rec.label} (report: {row_name}{rec.row})"})),
            event_type=concept,
            violence=violence,
        )


def read_row_reports(
    dataset: str, file: Path, registry_file: Path, ontology: Iterable[Path], base: str
) -> Iterator[ReportRecord]:
    """The report records of a dataset file's rows (UCDP GED, ACLED, GDELT, by `dataset` name), one
    at a time, as `kg import` then `read_reports` would give them; the release is the file's stem, as
    in a build. A refused row raises RefusedRows (naming the first) once the file is read."""
    from kg.sources import ChunkInput
    from kg.sources.dataset import RefusedRows, RowError, get_dataset, iter_reports, slug
    from kg.sources.registry import SOURCE as REGISTRY
    from kg.sources.registry import Provided

    source = get_dataset(dataset)
    read = REGISTRY.read(ChunkInput("registry", "registry", (registry_file,), registry_file), {}, base)
    provided = read.provides
    assert isinstance(provided, Provided)  # the registry source provides its terms
    context = row_context(read.triples, ontology)
    key = slug(file.stem)
    refused: list[RowError] = []
    rows = iter_reports(source, [file], key, provided.terms, refused)
    yield from reports_from_rows(source.release(key), rows, provided.terms, context, base)
    if refused:
        raise RefusedRows(refused, file)
