"""Annotation records → RDF triples. Pure: takes a checked corpus and a base IRI, returns a graph.

Every resource gets a deterministic slash IRI from `kg.iris`; no blank nodes are made. Each fact
(event, participation, figure, claim, article-local entity) carries `prov:wasDerivedFrom` its
source document and `kgo:evidence` a Web Annotation whose target selects the quote by text and by
position. The file and line every resource came from is kept beside the graph (`Mapped.origins`)
so that validation and reasoning can point curators back to the annotation.

Dataset rows (UCDP GED, ACLED, GDELT, read into `kg.records`) are mapped by `map_dataset_reports`
through the same report, participation and figure core; a row is its own evidence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg import iris
from kg.annotation import (
    Article,
    ClaimRecord,
    Corpus,
    EventRecord,
    ExternalIds,
    FigureRecord,
    Labels,
    LoadedRegistry,
    Quote,
    parse_date,
    parse_iso_day,
    registry_kinds,
)
from kg.namespaces import ACLED, CAMEO, KGC, KGET, KGF, KGG, KGO, KGP, KGQ, KGR, KGS, OA, SCHEMA, bind_prefixes
from kg.records import Release, RowActor, RowPlace, RowReport

# ----------------------------------------------------------------------------------------------
# Dispatch tables from the annotation's closed vocabularies to ontology terms
# ----------------------------------------------------------------------------------------------

#: event type → (OWL class, SKOS concept of the kg event-type scheme)
EVENT_CLASSES: dict[str, tuple[URIRef, URIRef]] = {
    "meeting": (KGO.Meeting, KGET.meeting),
    "summit": (KGO.Summit, KGET.summit),
    "unrest": (KGO.Unrest, KGET.unrest),
    "riot": (KGO.Riot, KGET.riot),
    "protest": (KGO.Protest, KGET.protest),
    "armed-attack": (KGO.ArmedAttack, KGET["armed-attack"]),
    "armed-clash": (KGO.ArmedClash, KGET["armed-clash"]),
    "looting": (KGO.Looting, KGET.looting),
    "seizure": (KGO.Seizure, KGET.seizure),
    "blockade": (KGO.Blockade, KGET.blockade),
    "commemoration": (KGO.Commemoration, KGET.commemoration),
    "day-of-mourning": (KGO.Commemoration, KGET["day-of-mourning"]),
    "deployment": (KGO.Deployment, KGET.deployment),
}

#: role → (direct property from event to agent, SKOS role concept)
ROLE_PROPERTIES: dict[str, tuple[URIRef, URIRef]] = {
    "chair": (KGO.chair, KGR.chair),
    "attendee": (KGO.attendee, KGR.attendee),
    "speaker": (KGO.speaker, KGR.speaker),
    "target": (KGO.target, KGR.target),
    "perpetrator": (KGO.perpetrator, KGR.perpetrator),
    "participant": (KGO.participant, KGR.participant),
}

PLACE_CLASSES: dict[str, URIRef] = {
    "country": KGO.Country,
    "region": KGO.Region,
    "city": KGO.City,
    "facility": KGO.Facility,
}

GROUP_CLASSES: dict[str, URIRef] = {
    "group": KGO.Group,
    "armed-group": KGO.ArmedGroup,
    "unnamed-group": KGO.UnnamedGroup,
    "security-forces": KGO.SecurityForces,
    "civilians": KGO.Civilians,
}

#: registry section → (IRI kind, OWL class) for the sections whose class does not depend on a type
SECTION_KINDS: dict[str, tuple[str, URIRef | None]] = {
    "people": ("person", KGO.Person),
    "states": ("state", KGO.State),
    "organisations": ("organisation", KGO.Organisation),
    "groups": ("group", None),
    "places": ("place", None),
    "positions": ("position", KGO.Position),
    "registry events": ("event", None),
}

PRECISIONS: dict[str, URIRef] = {
    "day": KGP.day,
    "days": KGP.days,
    "week": KGP.week,
    "month": KGP.month,
    "year": KGP.year,
    "start-of-year": KGP["start-of-year"],
}


def _exact(n: int) -> tuple[int | None, int | None]:
    return n, n


def _about(n: int) -> tuple[int | None, int | None]:
    return None, None


def _more_than(n: int) -> tuple[int | None, int | None]:
    return n + 1, None


def _at_least(n: int) -> tuple[int | None, int | None]:
    return n, None


def _fewer_than(n: int) -> tuple[int | None, int | None]:
    return 0, n - 1


def _unknown(n: int) -> tuple[int | None, int | None]:
    return None, None


#: qualifier → (SKOS concept, rule giving (minValue, maxValue) from the reported number)
QUALIFIERS: dict[str, tuple[URIRef, Callable[[int], tuple[int | None, int | None]]]] = {
    "exact": (KGQ.exact, _exact),
    "about": (KGQ.about, _about),
    "more-than": (KGQ["more-than"], _more_than),
    "at-least": (KGQ["at-least"], _at_least),
    "fewer-than": (KGQ["fewer-than"], _fewer_than),
    "unknown": (KGQ.unknown, _unknown),
}

#: Labels (en, id) of the closed vocabularies used in minted labels; a test keeps them equal to
#: the skos:prefLabel of the same concepts in ontology/vocab.ttl.
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "chair": ("chair", "pemimpin rapat"),
    "attendee": ("attendee", "peserta"),
    "speaker": ("speaker", "pembicara"),
    "target": ("target", "sasaran"),
    "perpetrator": ("perpetrator", "pelaku"),
    "participant": ("participant", "partisipan"),
}
COUNT_LABELS: dict[str, tuple[str, str]] = {
    "killed": ("killed", "tewas"),
    "injured": ("injured", "terluka"),
    "arrested": ("arrested", "ditangkap"),
    "beheaded": ("beheaded", "dipenggal"),
    "businesses-affected": ("businesses affected", "bisnis terpengaruh"),
    "premises-looted": ("premises looted", "tempat dijarah"),
    "vehicles-destroyed": ("vehicles damaged or destroyed", "kendaraan rusak atau terbakar"),
    "weapons-shops-seized": ("weapons shops seized", "toko senjata disita"),
    "regions-affected": ("regions affected", "wilayah terdampak"),
    "nights": ("nights of duration", "jumlah malam"),
    "numerical-superiority": ("numerical superiority (times)", "keunggulan jumlah (kali lipat)"),
    "participants": ("participants", "peserta"),
    "casualties": ("casualties", "korban"),
    "displaced": ("displaced", "mengungsi"),
    "houses-destroyed": ("houses burned or destroyed", "rumah dibakar atau dihancurkan"),
}
QUALIFIER_LABELS: dict[str, tuple[str, str]] = {
    "exact": ("exact", "tepat"),
    "about": ("about", "sekitar"),
    "more-than": ("more than", "lebih dari"),
    "at-least": ("at least", "setidaknya"),
    "fewer-than": ("fewer than", "kurang dari"),
    "unknown": ("number unknown", "jumlah tidak diketahui"),
}

#: a figure's status as its source gives it; "current" is the default and is not written (a later
#: figure can still supersede it, which `kgo:supersedes` on that figure says)
FIGURE_STATUSES: dict[str, URIRef | None] = {"current": None, "withdrawn": KGS.withdrawn}

REGISTRY_DOCUMENT_KEY = "registry"


def _event_iri(base: str, document: str, key: str, event: str | None, registry: Mapping[str, URIRef]) -> URIRef:
    """The event a report is of: declared by the report, a registry event, or `doc/key` of another document."""
    if event is None:
        return iris.mint(base, "event", document, key)
    if "/" in event:
        other, _, other_key = event.partition("/")
        return iris.mint(base, "event", other, other_key)
    return registry[event]


@dataclass(frozen=True)
class Origin:
    """Where a resource was defined: annotation or registry file and line."""

    file: Path
    line: int | None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else str(self.file)


@dataclass
class Mapped:
    """The data graph of a corpus, with the origin of every resource it defines."""

    graph: Graph
    origins: dict[URIRef, Origin] = field(default_factory=dict)


def _nni(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


class _Builder:
    """Accumulates triples and origins for one corpus; one method per record kind."""

    def __init__(
        self,
        base: str,
        sink: TripleSink,
        names: Mapping[URIRef, Labels] | None = None,
        place_types: Mapping[URIRef, str] | None = None,
    ) -> None:
        self.base = base
        self.g = sink
        self.origins: dict[URIRef, Origin] = {}
        self.names: dict[URIRef, Labels] = {}  # labels given with `labels()`, for the labels of roles
        self.known_names: Mapping[URIRef, Labels] = names or {}  # e.g. the registry's, mapped elsewhere
        self.place_types: dict[URIRef, str] = dict(place_types or {})  # place → its PlaceType (country, city …)

    # -- helpers -------------------------------------------------------------------------------
    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def labels(self, s: URIRef, labels: Labels, prop: URIRef = RDFS.label) -> None:
        for lang, text in labels.items():
            self.g.add((s, prop, Literal(text, lang=lang)))
        if prop == RDFS.label:
            self.names.setdefault(s, labels)

    def origin(self, s: URIRef, file: Path, line: int | None) -> None:
        self.origins.setdefault(s, Origin(file, line))

    def external_ids(self, s: URIRef, ids: ExternalIds | None) -> None:
        if ids is None:
            return
        if ids.geonames is not None:
            self.add(s, KGO.geonamesId, Literal(str(ids.geonames)))
            self.add(s, SCHEMA.sameAs, URIRef(f"https://sws.geonames.org/{ids.geonames}/"))
        if ids.wikidata is not None:
            self.add(s, KGO.wikidataId, Literal(ids.wikidata))
            self.add(s, SCHEMA.sameAs, URIRef(f"http://www.wikidata.org/entity/{ids.wikidata}"))
        self.add(s, KGO.identifierSource, Literal(ids.source))

    # -- registry ------------------------------------------------------------------------------
    def registry(self, loaded: LoadedRegistry) -> dict[str, URIRef]:
        reg = loaded.registry
        doc = iris.mint(self.base, "document", REGISTRY_DOCUMENT_KEY)
        self.g.add((doc, RDF.type, KGO.EntityRegistry))
        self.g.add((doc, RDFS.label, Literal("kg entity registry", lang="en")))
        self.g.add((doc, RDFS.label, Literal("registri entitas kg", lang="id")))
        self.origin(doc, loaded.file, 1)
        refs = {key: iris.mint(self.base, SECTION_KINDS[sec][0], key) for key, sec in registry_kinds(reg).items()}

        def common(section: str, i: int, key: str, cls: URIRef, labels: Labels) -> URIRef:
            s = refs[key]
            self.g.add((s, RDF.type, cls))
            self.labels(s, labels)
            self.g.add((s, PROV.wasDerivedFrom, doc))
            self.origin(s, loaded.file, loaded.line_of(section, i))
            return s

        for i, pl in enumerate(reg.places):
            s = common("places", i, pl.id, PLACE_CLASSES[pl.type], pl.label)
            self.place_types[s] = pl.type
            self.add(s, KGO.withinPlace, refs.get(pl.within) if pl.within else None)
            if pl.latitude is not None and pl.longitude is not None:
                self.add(s, KGO.latitude, Literal(Decimal(str(pl.latitude)), datatype=XSD.decimal))
                self.add(s, KGO.longitude, Literal(Decimal(str(pl.longitude)), datatype=XSD.decimal))
            self.external_ids(s, pl.ids)
        for i, st in enumerate(reg.states):
            s = common("states", i, st.id, KGO.State, st.label)
            self.add(s, KGO.territory, refs[st.territory])
            for m in st.member_of:
                self.add(s, KGO.memberOf, refs[m])
            self.external_ids(s, st.ids)
        for i, org in enumerate(reg.organisations):
            s = common("organisations", i, org.id, KGO.Organisation, org.label)
            for m in org.member_of:
                self.add(s, KGO.memberOf, refs[m])
            self.external_ids(s, org.ids)
        for i, gr in enumerate(reg.groups):
            common("groups", i, gr.id, GROUP_CLASSES[gr.type], gr.label)
        for i, pos in enumerate(reg.positions):
            s = common("positions", i, pos.id, KGO.Position, pos.label)
            self.add(s, KGO.positionOf, refs[pos.of])
        for i, ev in enumerate(reg.events):
            # an event is neither a prov:Entity nor a prov:Activity: it says where it was declared, and its
            # reports carry the provenance
            cls, concept = EVENT_CLASSES[ev.type]
            s = refs[ev.id]
            self.g.add((s, RDF.type, cls))
            self.labels(s, ev.label)
            self.g.add((s, KGO.declaredIn, doc))
            self.origin(s, loaded.file, loaded.line_of("events", i))
            self.g.add((s, KGO.eventType, concept))
            if ev.description is not None:
                self.labels(s, ev.description, KGO.description)
            self.add(s, KGO.subEventOf, refs[ev.sub_event_of] if ev.sub_event_of else None)
        positions = {p.id: p for p in reg.positions}
        for i, person in enumerate(reg.people):
            s = common("people", i, person.id, KGO.Person, person.label)
            self.add(s, KGO.nationality, refs[person.nationality] if person.nationality else None)
            self.external_ids(s, person.ids)
            for j, t in enumerate(person.positions):
                tenure = iris.tenure_iri(self.base, person.id, t.position, t.start)
                self.g.add((tenure, RDF.type, KGO.PositionHolding))
                self.g.add((tenure, KGO.holder, s))
                self.g.add((s, KGO.holds, tenure))
                self.g.add((tenure, KGO.position, refs[t.position]))
                self.g.add((tenure, KGO.heldFrom, _date(t.start)))
                self.add(tenure, KGO.heldUntil, _date(t.end) if t.end else None)
                self.g.add((tenure, PROV.wasDerivedFrom, doc))
                pos_label = positions[t.position].label
                for lang, since in (("en", f"from {t.start}"), ("id", f"sejak {t.start}")):
                    text = f"{person.label.get(lang)}, {pos_label.get(lang)} ({since})"
                    self.g.add((tenure, RDFS.label, Literal(text, lang=lang)))
                self.origin(tenure, loaded.file, loaded.line_of("people", i, "positions", j))
        return refs

    # -- articles ------------------------------------------------------------------------------
    def article(self, article: Article, reg_refs: dict[str, URIRef]) -> None:
        ann, key = article.annotation, article.key
        meta = ann.document
        doc = iris.mint(self.base, "document", key)
        refs = dict(reg_refs)
        local_kinds = (
            ("people", "person"),
            ("groups", "group"),
            ("places", "place"),
            ("venues", "venue"),
            ("events", "report"),
            ("figures", "figure"),
            ("claims", "claim"),
        )
        for section, kind in local_kinds:
            for rec in getattr(ann, section):
                refs[rec.id] = iris.mint(self.base, kind, key, rec.id)
        claims = {c.id: c for c in ann.claims}
        # a report's key stands for its event wherever events are related (about, part of, made at)
        events = dict(reg_refs)
        for ev in ann.events:
            events[ev.id] = _event_iri(self.base, key, ev.id, ev.event, reg_refs)

        # the document
        self.g.add((doc, RDF.type, KGO.SourceDocument))
        self.g.add((doc, DCTERMS.title, Literal(meta.title, lang=meta.language)))
        self.g.add((doc, RDFS.label, Literal(meta.title, lang=meta.language)))
        self.g.add((doc, KGO.sourceLanguage, Literal(meta.language)))
        self.g.add((doc, SCHEMA.inLanguage, Literal(meta.language)))
        self.g.add((doc, SCHEMA.datePublished, _date(meta.published)))
        self.g.add((doc, SCHEMA.publisher, refs[meta.publisher]))
        self.g.add((doc, PROV.wasAttributedTo, refs[meta.publisher]))
        self.add(doc, KGO.basedOn, refs[meta.based_on] if meta.based_on else None)
        self.add(doc, SCHEMA.url, URIRef(meta.url) if meta.url else None)
        self.add(doc, DCTERMS.license, URIRef(meta.licence) if meta.licence else None)
        self.g.add((doc, KGO.characterCount, _nni(len(article.text))))
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        self.g.add((doc, KGO.textSha256, Literal(digest)))
        self.origin(doc, article.file, article.line_of("document"))

        draft = meta.status == "draft"
        if draft:
            self.g.add((doc, KGO.curationStatus, Literal("draft")))

        def fact(s: URIRef, quote: Quote, path: tuple[str | int, ...], according_to: Iterable[str]) -> None:
            self.g.add((s, PROV.wasDerivedFrom, doc))
            self.evidence(article, doc, s, quote)
            for c in according_to:
                self.g.add((s, KGO.accordingTo, refs[c]))
                self.g.add((s, PROV.wasAttributedTo, refs[claims[c].speaker]))
            self.origin(s, article.file, article.line_of(*path))
            self.draft_fields(s, _record_at(ann, path), draft)

        for i, v in enumerate(ann.venues):
            s = refs[v.id]
            self.g.add((s, RDF.type, KGO.VirtualVenue))
            self.labels(s, v.label)
            fact(s, v.evidence, ("venues", i), ())
        for i, person in enumerate(ann.people):
            s = refs[person.id]
            self.g.add((s, RDF.type, KGO.Person))
            self.labels(s, person.label)
            fact(s, person.evidence, ("people", i), ())
        for i, gr in enumerate(ann.groups):
            s = refs[gr.id]
            self.g.add((s, RDF.type, GROUP_CLASSES[gr.type]))
            self.labels(s, gr.label)
            fact(s, gr.evidence, ("groups", i), gr.according_to)
        for i, pl in enumerate(ann.places):
            s = refs[pl.id]
            self.place_types[s] = pl.type
            self.g.add((s, RDF.type, PLACE_CLASSES[pl.type]))
            self.labels(s, pl.label)
            self.add(s, KGO.withinPlace, refs[pl.within] if pl.within else None)
            self.add(s, KGO.facilityType, KGF[pl.facility_type] if pl.facility_type else None)
            if pl.collective:
                self.g.add((s, KGO.collective, Literal(True)))
            fact(s, pl.evidence, ("places", i), ())
        for i, ev in enumerate(ann.events):
            self.event(article, refs, events, ev, i, fact)
        for i, fig in enumerate(ann.figures):
            self.figure(article, refs, events, fig, i, fact)
        for i, cl in enumerate(ann.claims):
            self.claim(refs, events, cl, i, fact)

    # -- what reports, participations and figures from every source share -----------------------
    def report_core(
        self,
        report: URIRef,
        event: URIRef,
        start: str,
        precision: str,
        end: str | None,
        location: URIRef,
        geo: str | None,
        reported: URIRef | None,
    ) -> None:
        """A report of an event (from an article or a dataset row): its dates with their precision and its place."""
        self.g.add((report, RDF.type, KGO.Report))
        self.g.add((report, KGO.reportOf, event))
        self.g.add((report, KGO.startDate, _date(start)))
        self.g.add((report, KGO.datePrecision, PRECISIONS[precision]))
        self.add(report, KGO.endDate, _date(end) if end is not None else None)
        self.g.add((report, KGO.location, location))
        # a source that names only a country places the event no closer: say so, so that the country's
        # centroid is never taken for the event's own coordinates
        at_country = self.place_types.get(location) == "country"
        geo = geo or ("country" if at_country else None)
        self.add(report, KGO.geoPrecision, KGG[geo] if geo else None)
        self.add(report, KGO.reportedType, reported)

    def participation_core(self, part: URIRef, event: URIRef, report: URIRef, agent: URIRef, role: str) -> None:
        """That `agent` had `role` in `event`, as `report` says (the direct property and the participation record)."""
        prop, role_concept = ROLE_PROPERTIES[role]
        self.g.add((event, prop, agent))
        self.g.add((part, RDF.type, KGO.Participation))
        self.g.add((part, KGO.inEvent, event))
        self.g.add((part, KGO.inReport, report))
        self.g.add((part, KGO.agent, agent))
        self.g.add((part, KGO.role, role_concept))

    def figure_core(
        self,
        s: URIRef,
        event: URIRef,
        report: URIRef,
        counts: str,
        qualifier: str,
        value: int | None,
        bounds: tuple[int | None, int | None],
        as_of: str,
    ) -> None:
        """A figure of an event in a report: what it counts, its qualifier, value, bounds and as-of day."""
        self.g.add((s, RDF.type, KGO.Figure))
        self.g.add((s, KGO.figureOf, event))
        self.g.add((s, KGO.inReport, report))
        self.g.add((s, KGO.counts, KGC[counts]))
        self.g.add((s, KGO.qualifier, QUALIFIERS[qualifier][0]))
        low, high = bounds
        self.add(s, SCHEMA.value, _nni(value) if value is not None else None)
        self.add(s, SCHEMA.minValue, _nni(low) if low is not None else None)
        self.add(s, SCHEMA.maxValue, _nni(high) if high is not None else None)
        self.g.add((s, KGO.asOf, _date(as_of)))

    def event(
        self,
        article: Article,
        refs: dict[str, URIRef],
        events: dict[str, URIRef],
        ev: EventRecord,
        i: int,
        fact: Callable[[URIRef, Quote, tuple[str | int, ...], Iterable[str]], None],
    ) -> None:
        report, event = refs[ev.id], events[ev.id]
        refs_doc = iris.mint(self.base, "document", article.key)
        if ev.event is None:  # the report declares its event: identity, type and name live on the event
            assert ev.type is not None and ev.label is not None  # checked at load time
            cls, concept = EVENT_CLASSES[ev.type]
            self.g.add((event, RDF.type, cls))
            self.g.add((event, KGO.eventType, concept))
            self.labels(event, ev.label)
            self.g.add((event, KGO.declaredIn, refs_doc))
            self.origin(event, article.file, article.line_of("events", i))
        for a in ev.about:
            self.g.add((event, KGO.about, events.get(a) or refs[a]))
        self.add(event, KGO.subEventOf, events[ev.sub_event_of] if ev.sub_event_of else None)
        for p in ev.preceded_by:
            self.g.add((event, KGO.precededBy, events[p]))

        # the report: what this source says of the event
        date = parse_date(ev.date, ev.precision)
        end_day = ev.end_date
        if end_day is None and ev.precision == "start-of-year":
            # "since the start of the year" runs from 1 January to the day the document says so
            end_day = article.annotation.document.published
        end = parse_iso_day(end_day).isoformat() if end_day is not None else None
        reported = EVENT_CLASSES[ev.type][1] if ev.type else None
        location = refs[ev.location]
        self.report_core(report, event, date.start.isoformat(), ev.precision, end, location, ev.geo_precision, reported)
        doc_label = article.annotation.document.id
        for lang in ("en", "id"):
            name = ev.label.get(lang) if ev.label is not None else self._label(event, lang)
            word = "report" if lang == "en" else "laporan"
            self.g.add((report, RDFS.label, Literal(f"{name} ({word}: {doc_label})", lang=lang)))
        if ev.description is not None:  # a declared event's description is its declaring source's
            self.labels(event if ev.event is None else report, ev.description, KGO.description)
        self.add(report, KGO.acledType, ACLED[ev.acled] if ev.acled else None)
        self.add(report, KGO.cameoCode, CAMEO[ev.cameo] if ev.cameo else None)
        if ev.pretext is not None:
            self.labels(report, ev.pretext, KGO.pretext)
        fact(report, ev.evidence, ("events", i), ev.according_to)
        doc_key = article.key
        for j, role in enumerate(ev.roles):
            agent = refs[role.actor]
            part = iris.participation_iri(self.base, doc_key, ev.id, role.role, role.actor)
            self.participation_core(part, event, report, agent, role.role)
            if role.as_ is not None:
                self.g.add((part, KGO.inCapacityOf, refs[role.as_]))
            for n, lang in enumerate(("en", "id")):
                event_label = ev.label.get(lang) if ev.label is not None else self._label(event, lang)
                text = f"{self._label(agent, lang)} — {ROLE_LABELS[role.role][n]} — {event_label}"
                self.g.add((part, RDFS.label, Literal(text, lang=lang)))
            fact(part, role.evidence, ("events", i, "roles", j), (*ev.according_to, *role.according_to))

    def figure(
        self,
        article: Article,
        refs: dict[str, URIRef],
        events: dict[str, URIRef],
        fig: FigureRecord,
        i: int,
        fact: Callable[[URIRef, Quote, tuple[str | int, ...], Iterable[str]], None],
    ) -> None:
        s = refs[fig.id]
        bounds = QUALIFIERS[fig.qualifier][1]
        low, high = bounds(fig.value) if fig.value is not None else (None, None)
        low = fig.low if fig.low is not None else low
        high = fig.high if fig.high is not None else high
        as_of = parse_iso_day(fig.as_of or article.annotation.document.published).isoformat()
        self.figure_core(
            s, events[fig.event], refs[fig.event], fig.counts, fig.qualifier, fig.value, (low, high), as_of
        )
        self.add(s, KGO.status, FIGURE_STATUSES[fig.status])
        for ref in fig.supersedes:
            doc, _, key = ref.partition("/")
            self.g.add((s, KGO.supersedes, iris.mint(self.base, "figure", doc, key)))
        if fig.group is not None:
            self.labels(s, fig.group, KGO.countedGroup)
        self.add(s, KGO.victimGroup, refs[fig.victim] if fig.victim else None)
        for n, lang in enumerate(("en", "id")):
            if fig.value is None:
                number = QUALIFIER_LABELS[fig.qualifier][n]
            elif fig.qualifier == "exact":
                number = str(fig.value)
            else:
                number = f"{QUALIFIER_LABELS[fig.qualifier][n]} {fig.value}"
            what = f" ({fig.group.get(lang)})" if fig.group else ""
            text = f"{COUNT_LABELS[fig.counts][n]}: {number}{what}"
            self.g.add((s, RDFS.label, Literal(text, lang=lang)))
        fact(s, fig.evidence, ("figures", i), fig.according_to)

    def claim(
        self,
        refs: dict[str, URIRef],
        events: dict[str, URIRef],
        cl: ClaimRecord,
        i: int,
        fact: Callable[[URIRef, Quote, tuple[str | int, ...], Iterable[str]], None],
    ) -> None:
        s = refs[cl.id]
        self.g.add((s, RDF.type, KGO.Claim))
        self.labels(s, cl.text, KGO.claimText)
        self.labels(s, cl.text)
        self.g.add((s, PROV.wasAttributedTo, refs[cl.speaker]))
        self.add(s, KGO.madeAt, events[cl.made_at] if cl.made_at else None)
        for a in cl.about:
            self.g.add((s, KGO.claimAbout, events.get(a) or refs[a]))
        fact(s, cl.evidence, ("claims", i), ())

    def draft_fields(self, s: URIRef, record: object, draft: bool) -> None:
        """A drafted fact's status, the rule that proposed it and its confidence (`kg extract`)."""
        if draft:
            self.g.add((s, KGO.curationStatus, Literal("draft")))
        rule = getattr(record, "rule", None)
        confidence = getattr(record, "confidence", None)
        self.add(s, KGO.extractionRule, Literal(rule) if rule is not None else None)
        if confidence is not None:
            self.g.add((s, KGO.confidence, Literal(Decimal(str(confidence)), datatype=XSD.decimal)))

    def evidence(self, article: Article, doc: URIRef, fact_iri: URIRef, quote: Quote) -> None:
        span = article.span(quote)
        key = article.key
        ann = iris.evidence_iri(self.base, key, span.start, span.end)
        target = iris.evidence_iri(self.base, key, span.start, span.end, "target")
        by_quote = iris.evidence_iri(self.base, key, span.start, span.end, "quote")
        by_position = iris.evidence_iri(self.base, key, span.start, span.end, "position")
        g = self.g
        g.add((fact_iri, KGO.evidence, ann))
        g.add((ann, RDF.type, KGO.Evidence))
        g.add((ann, RDF.type, OA.Annotation))
        g.add((ann, OA.motivatedBy, OA.describing))
        g.add((ann, OA.hasBody, fact_iri))
        g.add((ann, OA.hasTarget, target))
        g.add((ann, PROV.wasDerivedFrom, doc))
        g.add((ann, RDFS.label, Literal(f"“{span.exact}”", lang=article.annotation.document.language)))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, doc))
        g.add((target, OA.hasSelector, by_quote))
        g.add((target, OA.hasSelector, by_position))
        g.add((by_quote, RDF.type, OA.TextQuoteSelector))
        g.add((by_quote, OA.exact, Literal(span.exact)))
        g.add((by_quote, OA.prefix, Literal(span.prefix)))
        g.add((by_quote, OA.suffix, Literal(span.suffix)))
        g.add((by_position, RDF.type, OA.TextPositionSelector))
        g.add((by_position, OA.start, _nni(span.start)))
        g.add((by_position, OA.end, _nni(span.end)))

    def _label(self, s: URIRef, lang: str = "en") -> str:
        labels = self.names.get(s) or self.known_names.get(s)
        if labels is None:
            return str(s)
        return labels.get(lang) or str(s)


def _record_at(ann: object, path: tuple[str | int, ...]) -> object:
    """The annotation record at `path` (("events", 2, "roles", 0) → that role)."""
    record = ann
    for step in path:
        record = record[step] if isinstance(step, int) else getattr(record, step)  # type: ignore[index]
    return record


class TripleSink(Protocol):
    """Where the mapping puts triples: an rdflib Graph, or a plain set when only the terms are needed."""

    def add(self, triple: tuple[URIRef, URIRef, URIRef | Literal], /) -> object: ...


class _Discard:
    def add(self, triple: tuple[URIRef, URIRef, URIRef | Literal], /) -> None:
        return None


def build_graph(corpus: Corpus, base: str) -> Mapped:
    """Map a checked corpus to its data graph under `base` (pure; no I/O)."""
    b = _Builder(base, bind_prefixes(Graph(), base))
    refs = b.registry(corpus.registry)
    for article in corpus.articles:
        b.article(article, refs)
    return Mapped(b.g, b.origins)  # type: ignore[arg-type]  # the sink is the Graph made above


@dataclass(frozen=True)
class RegistryTerms:
    """What mapping an article needs from the registry: its IRIs and the labels of its resources."""

    refs: dict[str, URIRef]
    names: dict[URIRef, Labels]
    place_types: dict[URIRef, str] = field(default_factory=dict)
    states: dict[URIRef, URIRef] = field(default_factory=dict)  # country → the state whose territory it is


def registry_terms(registry: LoadedRegistry, base: str, sink: TripleSink | None = None) -> RegistryTerms:
    """Map the registry alone (into `sink`, or nowhere) and keep its IRIs and labels."""
    b = _Builder(base, sink if sink is not None else _Discard())
    refs = b.registry(registry)
    states = {refs[st.territory]: refs[st.id] for st in registry.registry.states}
    return RegistryTerms(refs, b.names, b.place_types, states)


def map_article(article: Article, registry: RegistryTerms, base: str, sink: TripleSink) -> None:
    """Add one article's triples to `sink` (the registry's own triples are not repeated)."""
    _Builder(base, sink, registry.names, registry.place_types).article(article, registry.refs)


# ----------------------------------------------------------------------------------------------
# Dataset rows (UCDP GED, ACLED, GDELT): the same tables as an article's reports, a row as evidence
# ----------------------------------------------------------------------------------------------


#: event types only dataset rows use (kg's curated types live in EVENT_CLASSES, one per annotation type)
DATASET_EVENT_CLASSES: dict[str, tuple[URIRef, URIRef]] = {
    **EVENT_CLASSES,
    "interaction": (KGO.Event, KGET.interaction),
}


def release_iri(base: str, release: Release) -> URIRef:
    """The IRI of a dataset release: the document its reports derive from, and its named graph."""
    return iris.mint(base, "document", release.dataset, release.release)


def map_release(release: Release, base: str, sink: TripleSink) -> URIRef:
    """Add the triples describing a dataset release (title, licence, citation, terms); return its IRI."""
    doc = release_iri(base, release)
    sink.add((doc, RDF.type, KGO.DatasetRelease))
    sink.add((doc, RDFS.label, Literal(release.title, lang="en")))
    sink.add((doc, DCTERMS.title, Literal(release.title, lang="en")))
    if release.licence is not None:
        sink.add((doc, DCTERMS.license, URIRef(release.licence)))
    if release.citation is not None:
        sink.add((doc, DCTERMS.bibliographicCitation, Literal(release.citation)))
    sink.add((doc, DCTERMS.rights, Literal(release.terms, lang="en")))
    sink.add((doc, KGO.redistributable, Literal(release.redistributable)))
    return doc


def map_dataset_reports(
    release: Release,
    reports: Iterable[RowReport],
    registry: RegistryTerms,
    base: str,
    sink: TripleSink,
) -> dict[URIRef, Origin]:
    """Add the triples of a release's row reports to `sink`; return the file and line of each resource.

    The rows are mapped to N-Triples lines (`RowMapper`) and the lines read back as rdflib terms:
    one mapping, whichever form the caller wants.
    """
    import pyoxigraph as ox

    origins: dict[str, Origin] = {}
    rows = RowMapper(release, registry, base, origins)
    lines = rows.release_lines()
    for rec in reports:
        lines.extend(rows.lines(rec))
    for t in ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES):
        sink.add((URIRef(t.subject.value), URIRef(t.predicate.value), _rdflib_term(t.object)))
    return {URIRef(k): v for k, v in origins.items()}


def _rdflib_term(term: object) -> URIRef | Literal:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    assert isinstance(term, ox.Literal)  # a row maps to no blank node
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


# A row's triples are written as canonical N-Triples lines (what pyoxigraph writes for the same terms,
# so that the dumps' bytes do not depend on the path): building rdflib terms for the 100+ triples of
# a row cost more than the rest of an import together.

#: characters pyoxigraph writes as they are in a literal; any other string is escaped by pyoxigraph
_PLAIN = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e\u00a0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd]*")
_XSD_DATE = f"<{XSD.date}>"
_XSD_DECIMAL = f"<{XSD.decimal}>"
_XSD_NNI = f"<{XSD.nonNegativeInteger}>"


def _quoted(text: str) -> str:
    if _PLAIN.fullmatch(text):
        return f'"{text}"'
    import pyoxigraph as ox

    return str(ox.Literal(text))


def _text(text: str, lang: str | None = None) -> str:
    """A plain (or language-tagged) literal as N-Triples."""
    return _quoted(text) + (f"@{lang}" if lang else "")


def _typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^{datatype}'


def _nt(iri: str) -> str:
    return f"<{iri}>"


#: the constant IRIs of a row's lines, as N-Triples terms by local name (rdflib's namespace
#: attributes make a new URIRef at every use, a third of the mapping's time)
_ROW_TERMS: dict[str, str] = {
    "Annotation": f"<{OA.Annotation}>",
    "Evidence": f"<{KGO.Evidence}>",
    "Figure": f"<{KGO.Figure}>",
    "Participation": f"<{KGO.Participation}>",
    "Report": f"<{KGO.Report}>",
    "RowSelector": f"<{KGO.RowSelector}>",
    "SpecificResource": f"<{OA.SpecificResource}>",
    "State": f"<{KGO.State}>",
    "actorCategory": f"<{KGO.actorCategory}>",
    "agent": f"<{KGO.agent}>",
    "asOf": f"<{KGO.asOf}>",
    "claimantName": f"<{KGO.claimantName}>",
    "countedGroup": f"<{KGO.countedGroup}>",
    "counts": f"<{KGO.counts}>",
    "datasetCode": f"<{KGO.datasetCode}>",
    "datePrecision": f"<{KGO.datePrecision}>",
    "declaredIn": f"<{KGO.declaredIn}>",
    "describing": f"<{OA.describing}>",
    "description": f"<{KGO.description}>",
    "endDate": f"<{KGO.endDate}>",
    "eventType": f"<{KGO.eventType}>",
    "evidence": f"<{KGO.evidence}>",
    "figureOf": f"<{KGO.figureOf}>",
    "geoPrecision": f"<{KGO.geoPrecision}>",
    "hasBody": f"<{OA.hasBody}>",
    "hasSelector": f"<{OA.hasSelector}>",
    "hasSource": f"<{OA.hasSource}>",
    "hasTarget": f"<{OA.hasTarget}>",
    "inEvent": f"<{KGO.inEvent}>",
    "inReport": f"<{KGO.inReport}>",
    "label": f"<{RDFS.label}>",
    "latitude": f"<{KGO.latitude}>",
    "location": f"<{KGO.location}>",
    "longitude": f"<{KGO.longitude}>",
    "maxValue": f"<{SCHEMA.maxValue}>",
    "minValue": f"<{SCHEMA.minValue}>",
    "motivatedBy": f"<{OA.motivatedBy}>",
    "qualifier": f"<{KGO.qualifier}>",
    "reportOf": f"<{KGO.reportOf}>",
    "reportedType": f"<{KGO.reportedType}>",
    "role": f"<{KGO.role}>",
    "rowId": f"<{KGO.rowId}>",
    "rowLine": f"<{KGO.rowLine}>",
    "startDate": f"<{KGO.startDate}>",
    "territory": f"<{KGO.territory}>",
    "type": f"<{RDF.type}>",
    "value": f"<{SCHEMA.value}>",
    "wasDerivedFrom": f"<{PROV.wasDerivedFrom}>",
    "withinPlace": f"<{KGO.withinPlace}>",
}


#: the IRIs of the candidate lines a RowMapper may put apart, besides a row's counts, codes and sources
_MOTIVATED_BY, _ROW_LINE, _DECLARED_IN = str(OA.motivatedBy), str(KGO.rowLine), str(KGO.declaredIn)
_REPORTED_TYPE = str(KGO.reportedType)

#: kinds of the resources of a row, minted `<kind>/<dataset>/<release>/<row>…`
ROW_KINDS = ("event", "report", "evidence", "participation", "figure")


class RowMapper:
    """Dataset rows (`RowReport`s of one release) as canonical N-Triples lines, one row at a time.

    A resource several rows name (an actor, a country, a region) is written once per mapper: call
    `forget_shared` to write it again (each partition validated apart needs its own copy). With
    `origins`, the file and line of each resource a row defines is kept there (by IRI). With `read`
    (the predicates validation reads, `kg.validation_fast.read_predicates`), `lines` can put a row's
    lines of other predicates apart (its counts, codes, sources, row line, motivation, declaration and
    reported type are the candidates).
    """

    def __init__(
        self,
        release: Release,
        registry: RegistryTerms,
        base: str,
        origins: dict[str, Origin] | None = None,
        read: frozenset[str] | None = None,
    ) -> None:
        self.release, self.base, self.origins, self.read = release, base, origins, read
        self.place_types = {str(k): v for k, v in registry.place_types.items()}
        self.doc = _nt(release_iri(base, release))
        self.row_name = f"{release.title}, row "
        self.shared: set[RowPlace | RowActor] = set()
        # the IRIs of a row's own resources are these plus the row id (minted once, not per row)
        ds, rel = release.dataset, release.release
        self.iri = {kind: str(iris.mint(base, kind, ds, rel)) + "/" for kind in ROW_KINDS}

    def release_lines(self) -> list[str]:
        """The lines describing the release itself (title, licence, citation, terms)."""
        lines: list[str] = []
        map_release(self.release, self.base, _LineSink(lines))
        return lines

    def forget_shared(self) -> None:
        """Write the resources rows share again when the next rows name them."""
        self.shared.clear()

    def _origin(self, s: str, rec: RowReport) -> None:
        if self.origins is not None:
            self.origins.setdefault(s[1:-1], Origin(rec.file, rec.line))

    def lines(self, rec: RowReport, apart: list[str] | None = None) -> list[str]:
        """The lines of one row: its evidence, event, report, participations and figures.

        With `apart` and the mapper's `read`, the lines of the candidate predicates validation does not
        read go to `apart` instead."""
        # each line is one f-string appended (a call of a helper per triple was a third of the mapping's time)
        T = _ROW_TERMS
        TYPE, LABEL, DERIVED, EVIDENCE, BODY = T["type"], T["label"], T["wasDerivedFrom"], T["evidence"], T["hasBody"]
        out: list[str] = []
        add = out.append
        read = self.read
        if apart is None or read is None:
            read, put = None, add
        else:
            put = apart.append
        doc, row = self.doc, rec.row
        if self.origins is not None:
            self.origins.setdefault(doc[1:-1], Origin(rec.file, 1))
        at = self.iri
        event, report = f"<{at['event']}{row}>", f"<{at['report']}{row}>"
        ann_iri = at["evidence"] + row
        ann, target, selector = _nt(ann_iri), _nt(f"{ann_iri}/target"), _nt(f"{ann_iri}/row")
        row_name = self.row_name + row

        # the row itself is the evidence: a Web Annotation whose target selects the row of the release
        add(f"{ann} {TYPE} {T['Evidence']} .")
        add(f"{ann} {TYPE} {T['Annotation']} .")
        (add if read is None or _MOTIVATED_BY in read else put)(f"{ann} {T['motivatedBy']} {T['describing']} .")
        add(f"{ann} {T['hasTarget']} {target} .")
        add(f"{ann} {DERIVED} {doc} .")
        add(f"{ann} {LABEL} {_text(row_name, 'en')} .")
        add(f"{target} {TYPE} {T['SpecificResource']} .")
        add(f"{target} {T['hasSource']} {doc} .")
        add(f"{target} {T['hasSelector']} {selector} .")
        add(f"{selector} {TYPE} {T['RowSelector']} .")
        add(f"{selector} {T['rowId']} {_text(row)} .")
        line = _typed(str(rec.line), _XSD_NNI)
        (add if read is None or _ROW_LINE in read else put)(f"{selector} {T['rowLine']} {line} .")
        for prop, value in rec.sources:
            (add if read is None or str(prop) in read else put)(f"{selector} {_nt(prop)} {_text(value)} .")

        cls, concept = DATASET_EVENT_CLASSES[rec.event_type]
        add(f"{event} {TYPE} {_nt(cls)} .")
        add(f"{event} {T['eventType']} {_nt(concept)} .")
        add(f"{event} {LABEL} {_text(rec.label, 'en')} .")
        (add if read is None or _DECLARED_IN in read else put)(f"{event} {T['declaredIn']} {doc} .")
        self._origin(event, rec)

        # the report, as report_core writes an article's
        location = self._place(out, rec.place)
        add(f"{report} {TYPE} {T['Report']} .")
        add(f"{report} {T['reportOf']} {event} .")
        add(f"{report} {T['startDate']} {_typed(rec.start, _XSD_DATE)} .")
        add(f"{report} {T['datePrecision']} {_nt(PRECISIONS[rec.precision])} .")
        if rec.end is not None:
            add(f"{report} {T['endDate']} {_typed(rec.end, _XSD_DATE)} .")
        add(f"{report} {T['location']} {location} .")
        geo = rec.geo_precision or ("country" if self.place_types.get(location[1:-1]) == "country" else None)
        if geo:
            add(f"{report} {T['geoPrecision']} {_nt(KGG[geo])} .")
        (add if read is None or _REPORTED_TYPE in read else put)(f"{report} {T['reportedType']} {_nt(concept)} .")
        add(f"{report} {LABEL} {_text(f'{rec.label} (report: {row_name})', 'en')} .")
        for prop, code in rec.codes:
            (add if read is None or str(prop) in read else put)(f"{report} {_nt(prop)} {_nt(code)} .")
        if rec.claimant:
            add(f"{report} {T['claimantName']} {_text(rec.claimant)} .")
        if rec.description:
            add(f"{report} {T['description']} {_text(rec.description, 'en')} .")
        for prop, measure in rec.numbers:
            number = _typed(str(measure), _XSD_NNI if isinstance(measure, int) else _XSD_DECIMAL)
            (add if read is None or str(prop) in read else put)(f"{report} {_nt(prop)} {number} .")
        # a fact: derived from the release, with the row as its evidence
        add(f"{report} {DERIVED} {doc} .")
        add(f"{report} {EVIDENCE} {ann} .")
        add(f"{ann} {BODY} {report} .")
        self._origin(report, rec)

        for actor in rec.actors:  # as participation_core writes an article's
            agent = self._actor(out, actor)
            part = f"<{at['participation']}{row}/{actor.role}/{actor.kind}/{actor.key}>"
            prop, role_concept = ROLE_PROPERTIES[actor.role]
            add(f"{event} {_nt(prop)} {agent} .")
            add(f"{part} {TYPE} {T['Participation']} .")
            add(f"{part} {T['inEvent']} {event} .")
            add(f"{part} {T['inReport']} {report} .")
            add(f"{part} {T['agent']} {agent} .")
            add(f"{part} {T['role']} {_nt(role_concept)} .")
            add(f"{part} {LABEL} {_text(f'{actor.label} — {ROLE_LABELS[actor.role][0]} — {rec.label}', 'en')} .")
            add(f"{part} {DERIVED} {doc} .")
            add(f"{part} {EVIDENCE} {ann} .")
            add(f"{ann} {BODY} {part} .")
            self._origin(part, rec)

        as_of = _typed(rec.as_of, _XSD_DATE)
        for fig in rec.figures:  # as figure_core writes an article's
            s = f"<{at['figure']}{row}/{fig.key}>"
            exact = fig.low in (None, fig.value) and fig.high in (None, fig.value)
            qualifier = "exact" if exact else "about"
            low, high = (fig.value, fig.value) if exact else (fig.low, fig.high)
            add(f"{s} {TYPE} {T['Figure']} .")
            add(f"{s} {T['figureOf']} {event} .")
            add(f"{s} {T['inReport']} {report} .")
            add(f"{s} {T['counts']} {_nt(KGC[fig.counts])} .")
            add(f"{s} {T['qualifier']} {_nt(QUALIFIERS[qualifier][0])} .")
            for bound, n in ((T["value"], fig.value), (T["minValue"], low), (T["maxValue"], high)):
                if n is not None:
                    add(f"{s} {bound} {_typed(str(n), _XSD_NNI)} .")
            add(f"{s} {T['asOf']} {as_of} .")
            if fig.group:
                add(f"{s} {T['countedGroup']} {_text(fig.group, 'en')} .")
            span = "–".join("?" if b is None else str(b) for b in (low, high))
            for n, lang in enumerate(("en", "id")):
                number = str(fig.value) if exact else f"{QUALIFIER_LABELS[qualifier][n]} {fig.value} ({span})"
                add(f"{s} {LABEL} {_text(f'{COUNT_LABELS[fig.counts][n]}: {number}', lang)} .")
            add(f"{s} {DERIVED} {doc} .")
            add(f"{s} {EVIDENCE} {ann} .")
            add(f"{ann} {BODY} {s} .")
            self._origin(s, rec)
        return out

    def _place(self, out: list[str], place: RowPlace) -> str:
        if place.registry is not None:
            return _nt(place.registry)
        T = _ROW_TERMS
        s = _nt(iris.mint(self.base, "place", *place.kind_key))
        if place in self.shared:
            return s
        self.shared.add(place)
        add = out.append
        add(f"{s} {T['type']} {_nt(PLACE_CLASSES[place.type])} .")
        add(f"{s} {T['label']} {_text(place.label, 'en')} .")
        add(f"{s} {T['wasDerivedFrom']} {self.doc} .")
        self.place_types[s[1:-1]] = place.type
        if place.within is not None:
            add(f"{s} {T['withinPlace']} {self._place(out, place.within)} .")
        if place.latitude is not None and place.longitude is not None:
            add(f"{s} {T['latitude']} {_typed(_decimal(place.latitude), _XSD_DECIMAL)} .")
            add(f"{s} {T['longitude']} {_typed(_decimal(place.longitude), _XSD_DECIMAL)} .")
        if place.code:
            add(f"{s} {T['datasetCode']} {_text(place.code)} .")
        return s

    def _actor(self, out: list[str], actor: RowActor) -> str:
        if actor.registry is not None:
            return _nt(actor.registry)
        T = _ROW_TERMS
        s = _nt(iris.mint(self.base, actor.kind, actor.key))
        if actor in self.shared:
            return s
        self.shared.add(actor)
        add = out.append
        add(f"{s} {T['type']} {T['State'] if actor.cls == 'state' else _nt(GROUP_CLASSES[actor.cls])} .")
        add(f"{s} {T['label']} {_text(actor.label, 'en')} .")
        add(f"{s} {T['wasDerivedFrom']} {self.doc} .")
        add(f"{s} {T['datasetCode']} {_text(actor.code)} .")
        if actor.category is not None:
            add(f"{s} {T['actorCategory']} {_nt(actor.category)} .")
        if actor.territory is not None:
            add(f"{s} {T['territory']} {self._place(out, actor.territory)} .")
        return s


def _decimal(number: Decimal) -> str:
    """A Decimal's lexical form, positional as rdflib writes it (1E+2 is "100")."""
    return f"{number:f}"


class _LineSink:
    """A TripleSink writing canonical N-Triples lines (for the few triples of a release)."""

    def __init__(self, lines: list[str]) -> None:
        self.out = lines

    def add(self, triple: tuple[URIRef, URIRef, URIRef | Literal], /) -> None:
        s, p, o = triple
        if isinstance(o, URIRef):
            obj = _nt(o)
        elif o.language:
            obj = _text(str(o), o.language)
        elif o.datatype is None or o.datatype == XSD.string:
            obj = _text(str(o))
        else:
            obj = _typed(str(o), _nt(o.datatype))
        self.out.append(f"<{s}> <{p}> {obj} .")
