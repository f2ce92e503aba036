"""Typed records of what a dataset row reports: a report of an event, with its place, actors and figures.

Every dataset importer (UCDP GED, ACLED, GDELT) reads its rows into these records, and
`kg.mapping.map_dataset_reports` maps them with the same tables (event classes, roles, date and
geographic precisions, figure qualifiers and labels) as an article's reports. A row is its own
evidence: the report, its figures and participations point to the row (dataset, release, row id)
instead of a quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import URIRef


@dataclass(frozen=True)
class Release:
    """One release of a dataset: the named graph its rows go to, and its terms."""

    dataset: str  # key of the dataset, e.g. "ucdp-ged"
    release: str  # key of the release, e.g. "25-1" or the file's stem
    title: str  # e.g. "UCDP Georeferenced Event Dataset (GED), conflict-data-bgd"
    licence: str | None  # licence IRI, when the dataset's terms allow redistribution
    citation: str | None  # the citation the dataset asks for
    terms: str  # its terms of use in one sentence (who may redistribute what)
    redistributable: bool  # False for datasets whose terms forbid passing their rows on (ACLED)


@dataclass(frozen=True)
class RowPlace:
    """A place as a row gives it: a registry place, a country, or the row's own point."""

    kind_key: tuple[str, ...]  # IRI parts under `place/` (e.g. ("iso-bgd",) or ("ucdp-ged", "71663"))
    type: str  # a key of kg.mapping.PLACE_CLASSES
    label: str
    within: RowPlace | None = None
    latitude: Decimal | None = None  # only for places the row locates itself (never for a country alone)
    longitude: Decimal | None = None
    code: str | None = None  # the dataset's own code (ISO 3166 alpha-3, GeoNames id …)
    registry: URIRef | None = None  # the registry's IRI when the row names a registry place


@dataclass(frozen=True)
class RowActor:
    """An actor a row names, with its role in the event."""

    kind: str  # IRI kind: "group" or "state"
    key: str  # IRI key under the kind, e.g. "ucdp-372" or "gw-771"
    cls: str  # a key of kg.mapping.GROUP_CLASSES, or "state"
    label: str
    role: str  # a key of kg.mapping.ROLE_PROPERTIES
    code: str  # the dataset's own id of the actor
    territory: RowPlace | None = None  # a state's country
    registry: URIRef | None = None  # the registry's IRI when the row names a registry actor
    category: URIRef | None = None  # the dataset's category of the actor (ACLED inter code), a concept


@dataclass(frozen=True)
class RowFigure:
    """A number a row gives (deaths: best estimate with its low and high bounds)."""

    key: str  # unique within the row, e.g. "best", "deaths-civilians"
    counts: str  # a key of kg.mapping.COUNT_LABELS
    value: int
    low: int | None = None
    high: int | None = None
    group: str | None = None  # who is counted, in English (kgo:countedGroup), when not everyone


@dataclass(frozen=True)
class RowReport:
    """What one dataset row reports of one event."""

    row: str  # the row's id in the dataset (UCDP `id`, ACLED `event_id_cnty`, GDELT `GLOBALEVENTID`)
    file: Path  # the file the row is in
    line: int  # line of the file where the row starts
    event_type: str  # a key of kg.mapping.EVENT_CLASSES
    label: str  # the event's name, in English
    start: str  # ISO day
    end: str | None  # ISO day, when the row gives a span
    precision: str  # a key of kg.mapping.PRECISIONS
    place: RowPlace
    geo_precision: str  # a concept key of the kgg: scheme
    actors: tuple[RowActor, ...]
    figures: tuple[RowFigure, ...]
    as_of: str  # ISO day the figures hold for
    codes: tuple[tuple[URIRef, URIRef], ...]  # (kgo property, dataset concept): the codes as the row gives them
    claimant: str | None = None  # who the row's source quotes (UCDP source_original)
    sources: tuple[tuple[URIRef, str], ...] = ()  # the dataset's own source fields, (kgo property, value), non-empty
    description: str | None = None  # the row's notes, in English
    numbers: tuple[tuple[URIRef, Decimal | int], ...] = ()  # (kgo property, value): the dataset's own measures
