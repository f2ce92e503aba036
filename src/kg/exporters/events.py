"""Flat tables of events for statistics software (R, Stata, pandas): one row per event or per report.

The columns follow ACLED's and UCDP GED's exports (`COLUMNS`): identifiers, dates with their precision,
kg's type with its ACLED and CAMEO codes, the place with its first- and second-order divisions, country,
coordinates and geographic precision, the actors by role, and for every kind of figure a best, a low
and a high value, then how many sources report the event and which.

A row per **report** (`--by report`) says what one source says, nothing aggregated. A row per
**event** aggregates the event's reports (`kgo:reportOf`), which may disagree:

- dates: the earliest start of any report, the latest end (a report without `kgo:endDate` ends where
  the period its precision names ends: the day, the month, …) and the precision of the report that
  gives the earliest start (the finest of those on a tie);
- place: the location of the report that places the event most precisely (`kgo:geoPrecision`, exact
  first; a report without one ranks after `area` and before `country`), its coordinates, divisions
  and country; ties go to the smallest place IRI;
- kg type: the event's own; ACLED and CAMEO codes: every code a report gives, else the codes kg's
  type maps to (`skos:closeMatch`), distinct values joined with `; `;
- actors: every agent of a `kgo:Participation` in the event, by role, labels joined with `; `;
- figures, per kind: `best` is the largest value of the figures that are current (neither withdrawn
  by their source nor superseded by a later figure of the same row) and rest on no claim, else of the current ones
  that rest on a claim (the figures of one event may count overlapping groups, a total and a part,
  so they are never added up), a figure's value taken within its own bounds ("more than 1300" is
  1301, its lower bound, so that low <= best <= high); `low` and `high` are the smallest lower bound
  and the largest upper bound of every figure not withdrawn, superseded ones included (the range the
  sources gave);
- sources: the number of distinct source documents of the reports, and their IRIs.

A report row applies the same figure rule to the report's own figures (`kgo:inReport`): what the
source said, even where a later source superseded it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal as TypingLiteral
from typing import cast, get_args

from rdflib import Literal, Node, URIRef
from rdflib.namespace import PROV, SKOS

from kg.annotation import CountKind, GeoPrecision, Precision, Role
from kg.atomic import write_outputs
from kg.errors import ExportError, MissingExtra
from kg.exporters.network import PRECISION_END, GraphData, GraphIndex, local_name
from kg.namespaces import ACLED, CAMEO, KGC, KGG, KGO, KGP, KGR, KGS, SCHEMA

Cell = str | int | float | dt.date | None
Row = dict[str, Cell]
By = TypingLiteral["event", "report"]

ROLES: tuple[str, ...] = get_args(Role)
KINDS: tuple[str, ...] = get_args(CountKind)
#: Finest first: the order in which reports compete to give an event its place.
GEO_ORDER: tuple[str | None, ...] = ("exact", "near", "admin2", "admin1", "area", None, "country", "international")
#: Shortest period first (start-of-year is the first ten days of January): the order in which reports
#: with the same start compete to give its precision.
DATE_ORDER: tuple[str, ...] = ("day", "days", "week", "start-of-year", "month", "year")
assert set(GEO_ORDER) - {None} == set(get_args(GeoPrecision)) and set(DATE_ORDER) == set(get_args(Precision))


def _name(text: str) -> str:
    """A column name R, Stata and pandas all accept: letters, digits and underscores."""
    return text.replace("-", "_")


@dataclass(frozen=True)
class Column:
    """A column of the table: its name and its type (`string`, `date`, `int`, `float`)."""

    name: str
    type: str
    description: str


def _columns() -> tuple[Column, ...]:
    cols = [
        Column("event_id", "string", "the event's IRI"),
        Column("event_label", "string", "the event's name in the chosen language (else English)"),
        Column("kg_type", "string", "kg's event type (kget: concept), e.g. riot"),
        Column("acled_event_type", "string", "ACLED event type, e.g. Riots"),
        Column("acled_sub_event_type", "string", "ACLED sub-event type, e.g. Violent demonstration"),
        Column("cameo_code", "string", "CAMEO code, e.g. 145"),
        Column("date_start", "date", "first day (earliest of the reports)"),
        Column("date_end", "date", "last day (latest of the reports; the end of a report's period when it gives none)"),
        Column("date_precision", "string", "day, days, week, month, start-of-year or year"),
        Column("place_id", "string", "the location's IRI"),
        Column("place", "string", "the location's name"),
        Column("admin1", "string", "the outermost region (kgo:Region) the location lies in, or is"),
        Column("admin2", "string", "the region inside admin1 the location lies in, or is"),
        Column("country", "string", "the country the location lies in, or is"),
        Column("latitude", "float", "the location's latitude (WGS 84)"),
        Column("longitude", "float", "the location's longitude (WGS 84)"),
        Column("geo_precision", "string", "exact, near, admin2, admin1, area, country or international"),
    ]
    cols += [Column(f"actors_{_name(r)}", "string", f"actors in the role {r}, joined with '; '") for r in ROLES]
    for kind in KINDS:
        for part in ("best", "low", "high"):
            cols.append(Column(f"{_name(kind)}_{part}", "int", f"{part} figure of kind {kind}"))
    cols += [
        Column("reports", "int", "number of reports of the event"),
        Column("sources", "int", "number of distinct source documents"),
        Column("source_ids", "string", "IRIs of the source documents, joined with '; '"),
    ]
    return tuple(cols)


#: The columns of an event row; a report row starts with `report_id`.
COLUMNS: tuple[Column, ...] = _columns()
REPORT_COLUMN = Column("report_id", "string", "the report's IRI (one source's account of the event)")
JOIN = "; "


def columns(by: By) -> tuple[Column, ...]:
    """The columns of a table by event or by report."""
    return COLUMNS if by == "event" else (REPORT_COLUMN, *COLUMNS)


# --------------------------------------------------------------------------------------------
# Reading the graph
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    iri: URIRef
    kind: str
    value: int | None
    low: int | None
    high: int | None
    withdrawn: bool
    claimed: bool
    supersedes: frozenset[Node]


class _Reader:
    """What the table needs from the graph, through the index the network exports use."""

    def __init__(self, data: GraphData, lang: str) -> None:
        self.index = GraphIndex.of(data)
        self.lang = lang
        typed = sorted(self.index.types, key=str)
        self.events = [s for s in typed if self.index.is_a(s, KGO.Event)]
        self.reports_of: dict[URIRef, list[URIRef]] = defaultdict(list)
        self.parts_of: dict[URIRef, list[URIRef]] = defaultdict(list)  # event or report → participations
        self.figures_of: dict[URIRef, list[URIRef]] = defaultdict(list)  # event or report → figures
        for s in typed:
            if KGO.Report in self.index.types[s]:
                for e in self.objects(s, KGO.reportOf):
                    self.reports_of[cast(URIRef, e)].append(s)
            elif KGO.Participation in self.index.types[s]:
                for o in (*self.objects(s, KGO.inEvent), *self.objects(s, KGO.inReport)):
                    self.parts_of[cast(URIRef, o)].append(s)
            elif KGO.Figure in self.index.types[s]:
                for o in (*self.objects(s, KGO.figureOf), *self.objects(s, KGO.inReport)):
                    self.figures_of[cast(URIRef, o)].append(s)

    def objects(self, node: URIRef, predicate: URIRef) -> list[Node]:
        return self.index.objects(node, predicate)

    def one(self, node: URIRef, predicate: URIRef) -> Node | None:
        objs = self.objects(node, predicate)
        return objs[0] if objs else None

    def label(self, node: Node) -> str:
        return self.index.label(node, self.lang)

    def notation(self, concept: Node) -> str:
        value = self.one(cast(URIRef, concept), SKOS.notation)
        return str(value) if value is not None else local_name(str(concept))

    def figure(self, iri: URIRef) -> _Figure | None:
        kind = self.one(iri, KGO.counts)
        if not isinstance(kind, URIRef) or not kind.startswith(KGC):
            return None

        def number(p: URIRef) -> int | None:
            lit = self.one(iri, p)
            return int(lit) if isinstance(lit, Literal) else None

        value, low, high = number(SCHEMA.value), number(SCHEMA.minValue), number(SCHEMA.maxValue)
        low = low if low is not None else value
        high = high if high is not None else max((n for n in (value, low) if n is not None), default=None)
        if value is not None and low is not None and high is not None:
            value = min(max(value, low), high)  # "more than 1300" is at least 1301: best within [low, high]
        return _Figure(
            iri,
            kind[len(KGC) :],
            value,
            low,
            high,
            self.one(iri, KGO.status) == KGS.withdrawn,
            bool(self.objects(iri, KGO.accordingTo)),
            frozenset(self.objects(iri, KGO.supersedes)),
        )

    def within(self, place: URIRef) -> list[URIRef]:
        """The place and every place it lies in, innermost first (kgo:withinPlace, cycles cut)."""
        chain: list[URIRef] = []
        node: Node | None = place
        while isinstance(node, URIRef) and node not in chain:
            chain.append(node)
            node = self.one(node, KGO.withinPlace)
        return chain


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def _codes(r: _Reader, event: URIRef, reports: Sequence[URIRef]) -> dict[str, str | None]:
    """ACLED event and sub-event types and CAMEO codes: the reports' own, else the type's mappings."""
    acled = {c for rep in reports for c in r.objects(rep, KGO.acledType)}
    cameo = {c for rep in reports for c in r.objects(rep, KGO.cameoCode)}
    kg_type = r.one(event, KGO.eventType)
    mapped = r.objects(kg_type, SKOS.closeMatch) if isinstance(kg_type, URIRef) else []
    acled = acled or {c for c in mapped if str(c).startswith(ACLED)}
    cameo = cameo or {c for c in mapped if str(c).startswith(CAMEO)}
    event_types: set[str] = set()
    sub_types: set[str] = set()
    for concept in acled:
        broader = r.one(cast(URIRef, concept), SKOS.broader)
        if broader is None:  # a top concept: an event type
            event_types.add(r.notation(concept))
        else:
            event_types.add(r.notation(broader))
            sub_types.add(r.notation(concept))

    def joined(values: Iterable[str]) -> str | None:
        return JOIN.join(sorted(values)) or None

    return {
        "acled_event_type": joined(event_types),
        "acled_sub_event_type": joined(sub_types),
        "cameo_code": joined(r.notation(c) for c in cameo),
    }


def _same_day(day: dt.date) -> dt.date:
    return day


def _period(r: _Reader, report: URIRef) -> tuple[dt.date, dt.date, str] | None:
    start = r.one(report, KGO.startDate)
    precision = r.one(report, KGO.datePrecision)
    if not isinstance(start, Literal) or not isinstance(start.toPython(), dt.date):
        return None
    first = cast(dt.date, start.toPython())
    end = r.one(report, KGO.endDate)
    if isinstance(end, Literal) and isinstance(end.toPython(), dt.date):
        last = cast(dt.date, end.toPython())
    else:
        last = PRECISION_END.get(cast(URIRef, precision), _same_day)(first)
    name = str(precision)[len(KGP) :] if isinstance(precision, URIRef) and precision.startswith(KGP) else "day"
    return first, last, name


def _dates(r: _Reader, reports: Sequence[URIRef]) -> Row:
    periods = [p for p in (_period(r, rep) for rep in reports) if p is not None]
    if not periods:
        return {"date_start": None, "date_end": None, "date_precision": None}
    start = min(p[0] for p in periods)
    precision = min((p[2] for p in periods if p[0] == start), key=DATE_ORDER.index)
    return {"date_start": start, "date_end": max(p[1] for p in periods), "date_precision": precision}


def _geo(r: _Reader, report: URIRef) -> str | None:
    geo = r.one(report, KGO.geoPrecision)
    return str(geo)[len(KGG) :] if isinstance(geo, URIRef) and geo.startswith(KGG) else None


def _place(r: _Reader, reports: Sequence[URIRef]) -> Row:
    located = [(rep, loc) for rep in reports for loc in r.objects(rep, KGO.location) if isinstance(loc, URIRef)]
    row: Row = dict.fromkeys(
        ("place_id", "place", "admin1", "admin2", "country", "latitude", "longitude", "geo_precision")
    )
    if not located:
        return row
    report, place = min(located, key=lambda rl: (GEO_ORDER.index(_geo(r, rl[0])), str(rl[1])))
    chain = r.within(place)
    regions = [p for p in reversed(chain) if r.index.is_a(p, KGO.Region)]  # outermost first
    countries = [p for p in chain if r.index.is_a(p, KGO.Country)]

    def coordinate(p: URIRef) -> float | None:
        lit = r.one(place, p)
        return float(cast(Decimal, lit.toPython())) if isinstance(lit, Literal) else None

    row.update(
        place_id=str(place),
        place=r.label(place),
        admin1=r.label(regions[0]) if regions else None,
        admin2=r.label(regions[1]) if len(regions) > 1 else None,
        country=r.label(countries[0]) if countries else None,
        latitude=coordinate(KGO.latitude),
        longitude=coordinate(KGO.longitude),
        geo_precision=_geo(r, report),
    )
    return row


def _actors(r: _Reader, parts: Iterable[URIRef]) -> Row:
    by_role: dict[str, set[str]] = defaultdict(set)
    for part in parts:
        role = r.one(part, KGO.role)
        for agent in r.objects(part, KGO.agent):
            if isinstance(role, URIRef) and role.startswith(KGR):
                by_role[role[len(KGR) :]].add(r.label(agent))
    return {f"actors_{_name(role)}": JOIN.join(sorted(by_role[role])) or None for role in ROLES}


def figure_values(figures: Sequence[_Figure]) -> Row:
    """best, low and high per kind of figure (the rule in the module's docstring)."""
    by_kind: dict[str, list[_Figure]] = defaultdict(list)
    for fig in figures:
        by_kind[fig.kind].append(fig)
    superseded = {old for fig in figures for old in fig.supersedes}
    row: Row = {}
    for kind in KINDS:
        figs = [f for f in by_kind.get(kind, ()) if not f.withdrawn]
        current = [f for f in figs if f.iri not in superseded and f.value is not None]
        chosen = [f for f in current if not f.claimed] or current
        lows = [f.low for f in figs if f.low is not None]
        highs = [f.high for f in figs if f.high is not None]
        name = _name(kind)
        row[f"{name}_best"] = max(cast(int, f.value) for f in chosen) if chosen else None
        row[f"{name}_low"] = min(lows) if lows else None
        row[f"{name}_high"] = max(highs) if highs else None
    return row


def _row(r: _Reader, event: URIRef, reports: Sequence[URIRef], scope: URIRef) -> Row:
    """A row about `event` from `reports`, with the roles and figures attached to `scope` (event or report)."""
    kg_type = r.one(event, KGO.eventType)
    figures = [f for f in (r.figure(x) for x in sorted(set(r.figures_of.get(scope, ())))) if f is not None]
    documents = sorted({str(d) for rep in reports for d in r.objects(rep, PROV.wasDerivedFrom)})
    return {
        "event_id": str(event),
        "event_label": r.label(event),
        "kg_type": local_name(str(kg_type)) if kg_type is not None else None,
        **_codes(r, event, reports),
        **_dates(r, reports),
        **_place(r, reports),
        **_actors(r, sorted(set(r.parts_of.get(scope, ())))),
        **figure_values(figures),
        "reports": len(reports),
        "sources": len(documents),
        "source_ids": JOIN.join(documents) or None,
    }


def event_rows(data: GraphData, by: By = "event", lang: str = "en") -> list[Row]:
    """The table's rows, sorted by event IRI (and report IRI); the graph is data + ontology."""
    r = _Reader(data, lang)
    rows: list[Row] = []
    for event in r.events:
        reports = sorted(r.reports_of.get(event, ()))
        if by == "event":
            rows.append(_row(r, event, reports, event))
            continue
        for report in reports:
            row = _row(r, event, [report], report)
            if r.one(report, KGO.reportedType) is not None:  # the type this source gives
                row["kg_type"] = local_name(str(r.one(report, KGO.reportedType)))
            rows.append({"report_id": str(report), **row})
    return rows


# --------------------------------------------------------------------------------------------
# Writers: CSV (stdlib) and Parquet (pyarrow)
# --------------------------------------------------------------------------------------------


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(rows: Sequence[Row], cols: Sequence[Column]) -> bytes:
    """RFC 4180 CSV with a header; an empty cell is a missing value; dates ISO 8601; UTF-8, `\\n` lines."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.name for c in cols])
    writer.writerows([_csv_text(row.get(c.name)) for c in cols] for row in rows)
    return buf.getvalue().encode("utf-8")


def write_parquet(rows: Sequence[Row], cols: Sequence[Column]) -> bytes:
    """Parquet (pyarrow): dates as date32, integers as int64, coordinates as float64, nulls as nulls.

    The bytes depend only on the rows and pyarrow's version: no statistics of time, no pandas metadata.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtra(
            "writing Parquet needs pyarrow", hint="pip install 'kg-conflict[tables]', or use --format csv"
        ) from None
    types = {"string": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64()}
    schema = pa.schema([pa.field(c.name, types[c.type], metadata={"description": c.description}) for c in cols])
    table = pa.table({c.name: [row.get(c.name) for row in rows] for c in cols}, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


#: format name → writer (`kg export events --format NAME`)
TABLE_FORMATS: dict[str, Callable[[Sequence[Row], Sequence[Column]], bytes]] = {
    "csv": write_csv,
    "parquet": write_parquet,
}


def render_table(data: GraphData, fmt: str = "csv", by: str = "event", lang: str = "en") -> bytes:
    """The events table of `data` in format `fmt`; raise ExportError for an unknown format or `by`."""
    try:
        writer = TABLE_FORMATS[fmt]
    except KeyError:
        raise ExportError(f"unknown table format {fmt!r}", hint=f"use one of {', '.join(TABLE_FORMATS)}") from None
    if by not in get_args(By):
        raise ExportError(f"unknown row unit {by!r}", field="by", hint=f"use one of {', '.join(get_args(By))}")
    unit = cast(By, by)
    return writer(event_rows(data, unit, lang), columns(unit))


def write_table(
    data: GraphData,
    fmt: str = "csv",
    by: str = "event",
    *,
    lang: str = "en",
    dist_dir: Path = Path("dist"),
    output: Path | None = None,
) -> Path:
    """Render the table and write it through kg.atomic: to `output`, or `dist/kg-<by>s.<fmt>`."""
    payload = render_table(data, fmt, by, lang)
    target = output if output is not None else dist_dir / f"kg-{by}s.{fmt}"
    write_outputs({target: payload}, make_folders=output is None)
    return target


def describe_columns(by: By = "event") -> Mapping[str, str]:
    """column name → description (for the README and `--help`)."""
    return {c.name: c.description for c in columns(by)}
