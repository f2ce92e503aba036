"""Typed report records for linking, read from any kg graph by one SPARQL query.

The linker never reads a source's own files: articles, drafts and dataset rows all reach it as
`kgo:Report` resources (dates with their precision, a location with its containing places and
coordinates, the type and codes the source gives, actors, figures, labels). The graph must hold
the vocabularies (`ontology.ttl`) for the type concepts' broader and matching codes to be found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph

from kg.namespaces import sparql_prologue

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
