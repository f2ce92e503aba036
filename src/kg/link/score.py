"""The pure core of `kg link`: blocking, named features, a score, and one-to-one clusters.

Every function here takes report records and returns values; nothing reads or writes files.
The rules are versioned by RULES_VERSION: a change of any constant or feature below changes it,
and every proposed link records the version that made it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from functools import lru_cache

from kg.link.records import PlaceRecord, ReportRecord

#: the version of the rules below; recorded with every link they propose
RULES_VERSION = "link-rules-6"

# --- dates: each report spans the days its precision allows ------------------------------------

#: days a report of each precision spans from its start date when it gives no end date
#: (start-of-year: "since the start of the year" is read as the year's first month)
PRECISION_SPAN: dict[str, int | str] = {
    "day": 1,
    "days": 6,
    "week": 7,
    "month": "month",
    "year": "year",
    "start-of-year": "month",
}
#: a day-precise report may be dated a day off by a time zone or a night-time event (MELTT's 1 day)
DAY_SLACK = 1


def _last_day(start: dt.date, precision: str, iri: str) -> dt.date:
    """The last day a start date of this precision can mean."""
    span = PRECISION_SPAN.get(precision)
    if span is None:
        raise ValueError(f"unknown date precision {precision!r} of {iri}")
    if span == "month":
        return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1) - dt.timedelta(days=1)
    if span == "year":
        return dt.date(start.year, 12, 31)
    return start + dt.timedelta(days=int(span) - 1)


def date_span(r: ReportRecord) -> tuple[dt.date, dt.date]:
    """The first and last day the report's date can mean, by its precision."""
    last = _last_day(r.start, r.precision, r.iri)
    if r.end is not None:
        last = max(last, r.end)
    return r.start, last


def _days(a: tuple[dt.date, dt.date]) -> int:
    return (a[1] - a[0]).days + 1


def spans_overlap(a: ReportRecord, b: ReportRecord) -> bool:
    """Whether the two reports' spans share a day, with a day's slack (blocking)."""
    sa, sb = date_span(a), date_span(b)
    slack = dt.timedelta(days=DAY_SLACK)
    return sa[0] <= sb[1] + slack and sb[0] <= sa[1] + slack


def _start_span(r: ReportRecord) -> tuple[dt.date, dt.date]:
    """The days the report's start date can mean (its end date aside)."""
    return r.start, _last_day(r.start, r.precision, r.iri)


#: how much agreeing starts tell, by the coarser precision of the two (a shared month says less
#: than a shared day)
START_WEIGHT = {"day": 1.0, "days": 0.8, "week": 0.8, "month": 0.6, "year": 0.4, "start-of-year": 0.4}
_ORDER = ("day", "days", "week", "month", "start-of-year", "year")


def date_feature(a: ReportRecord, b: ReportRecord) -> float:
    """Agreement of the dates, read as the ontology defines them: kgo:startDate is the first day of
    the period in which the event started (a report without kgo:endDate says nothing of how long it
    lasted). Starts on the same day 1, a day apart 0.7; starts whose imprecise periods overlap the
    weight of the coarser precision; otherwise 0.3 if one started within the other's span. When
    both give an end, the ends' agreement (1, 0.7 a day apart, else 0.3) is averaged in."""
    coarser = max(a.precision, b.precision, key=_ORDER.index)
    sa, sb = _start_span(a), _start_span(b)
    if coarser == "day":
        gap = abs((a.start - b.start).days)
        start = 1.0 if gap == 0 else 0.7 if gap <= DAY_SLACK else 0.3
    elif sa[0] <= sb[1] and sb[0] <= sa[1]:
        start = START_WEIGHT[coarser]
    else:
        start = 0.3
    if a.end is None or b.end is None:
        return start
    gap = abs((a.end - b.end).days)
    end = 1.0 if gap == 0 else 0.7 if gap <= DAY_SLACK else 0.3
    return (start + end) / 2


# --- places: containment through kgo:withinPlace, distance that respects geo precision ----------

#: how far (km) a report's point may be from the place it means, by geo precision (kgg:)
GEO_RADIUS_KM = {"exact": 3.0, "near": 25.0, "admin2": 50.0, "admin1": 250.0, "area": 250.0}
#: geo precisions that say the report is placed no finer than this (a same-place match is weaker)
COARSE = {"admin1": 0.7, "area": 0.7, "country": 0.5, "international": 0.5}


def haversine_km(a: PlaceRecord, b: PlaceRecord) -> float | None:
    """Great-circle distance between two places with coordinates, else None."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    la1, lo1, la2, lo2 = (math.radians(float(v)) for v in (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _coarseness(r: ReportRecord) -> float:
    if r.place is not None and r.place.is_country:
        return COARSE["country"]
    return COARSE.get(r.geo_precision or "", 1.0)


def _radius(r: ReportRecord) -> float:
    return GEO_RADIUS_KM.get(r.geo_precision or "exact", 0.0)


def _placed_within_radius(r: ReportRecord) -> bool:
    """Whether the report says how far its point may be from the place it means (a finite radius)."""
    return r.geo_precision in GEO_RADIUS_KM


def in_sibling_regions(a: ReportRecord, b: ReportRecord) -> bool:
    """Whether the two reports lie in different regions of one region: both within a region (not a
    country) that they share, and each within a region the other is not within (two districts of one
    division). Containment chains are trees, so such regions do not overlap; reports placed through
    different gazetteers share no region below the country and are never taken apart here."""
    a_in = {p.iri for p in a.within if not p.is_country}
    b_in = {p.iri for p in b.within if not p.is_country}
    own_a = a_in - b_in - {b.place.iri if b.place else ""}
    own_b = b_in - a_in - {a.place.iri if a.place else ""}
    return bool(a_in & b_in and own_a and own_b)


def _gazetteer(iri: str) -> str:
    """The part of a place IRI before its own key: the regions a source mints for one level of one
    country share it (`…/place/ucdp-adm/gw-771/` for UCDP's divisions of Bangladesh), and so do the
    registry's places (`…/place/`)."""
    return iri.rsplit("/", 1)[0]


def in_other_divisions(a: ReportRecord, b: ReportRecord) -> bool:
    """Whether the two reports lie in different regions of one level of one gazetteer: each within a
    region (not a country) the other is not within, the two regions' IRIs minted side by side
    (`_gazetteer`), so that they are two divisions of one division scheme, which do not overlap. Two
    districts of two divisions share only the country, yet neither report can mean the other's place.
    Regions of different gazetteers (UCDP's and ACLED's names of one district) are never taken apart."""
    a_in = {p.iri for p in a.within if not p.is_country}
    b_in = {p.iri for p in b.within if not p.is_country}
    own_a = a_in - b_in - {b.place.iri if b.place else ""}
    own_b = b_in - a_in - {a.place.iri if a.place else ""}
    return bool({_gazetteer(x) for x in own_a} & {_gazetteer(x) for x in own_b})


def place_feature(a: ReportRecord, b: ReportRecord) -> float | None:
    """1 same place, 0.7 one contains the other, 0.8 within both radii, 0.3 same region, 0.1 same
    country, 0 elsewhere; scaled down when the report is placed no finer than a region or country.
    Reports in sibling regions (`in_sibling_regions`) or in other divisions of one gazetteer
    (`in_other_divisions`), and two points farther apart than both radii allow, each report giving its
    geo precision, are 0: neither report can mean the other's place (two districts of one division,
    two districts of two divisions, two villages of one district the same day). None when either
    report has no place."""
    if a.place is None or b.place is None:
        return None
    weight = min(_coarseness(a), _coarseness(b))
    if a.place.iri == b.place.iri:
        return 1.0 * weight
    a_in = {p.iri for p in a.within}
    b_in = {p.iri for p in b.within}
    if a.place.iri in b_in or b.place.iri in a_in:
        return 0.7 * weight
    if in_sibling_regions(a, b) or in_other_divisions(a, b):
        return 0.0
    distance = haversine_km(a.place, b.place)
    if distance is not None and distance <= _radius(a) + _radius(b):
        return 0.8 * weight
    if distance is not None and _placed_within_radius(a) and _placed_within_radius(b):
        return 0.0
    shared = a_in & b_in
    countries = {p.iri for p in (*a.within, *b.within) if p.is_country}
    if shared - countries:
        return 0.3
    if shared:
        return 0.1
    return 0.0


# --- types: agreement through the vocabularies ---------------------------------------------------

#: kg event types (local names) that sources use for one another's events: an umbrella "unrest" is
#: called "protests" by one source and "riots" by another. A pair whose types share no family and no
#: code is never a candidate.
TYPE_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"unrest", "protest", "riot", "blockade", "looting"}),
    frozenset({"armed-attack", "armed-clash", "seizure", "looting"}),
    # a violent riot is "fighting" to a government and an armed clash to UCDP (party supporters'
    # clashes are its non-state rows), a riot to ACLED
    frozenset({"riot", "armed-clash"}),
    frozenset({"meeting", "summit"}),
    frozenset({"commemoration", "day-of-mourning"}),
    frozenset({"deployment"}),
)


def _locals(iris: Iterable[str]) -> set[str]:
    return {i.rsplit("/", 1)[-1] for i in iris}


def type_feature(a: ReportRecord, b: ReportRecord) -> float | None:
    """1 same type; 0.8 one's type is among the other's codes (a broader type, or the code it maps
    to); 0.5 the same family (TYPE_FAMILIES) or any shared code; 0 incompatible; None when either
    gives no type or code."""
    if not (a.types or a.codes) or not (b.types or b.codes):
        return None
    if set(a.types) & set(b.types):
        return 1.0
    ta, tb = set(a.types) | set(a.codes), set(b.types) | set(b.codes)
    if set(a.types) & tb or set(b.types) & ta:
        return 0.8
    la, lb = _locals(a.types), _locals(b.types)
    if any(la & f and lb & f for f in TYPE_FAMILIES):
        return 0.5
    if set(a.codes) & set(b.codes):
        return 0.5
    return 0.0


# --- actors, figures, labels ---------------------------------------------------------------------


def _jaccard(a: Set[str], b: Set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _shareable(r: ReportRecord) -> set[str]:
    """The report's actors that another source can name too: not the groups its own document
    declares (`…/id/group/<document key>/…`), which no other report can point at."""
    key = "/" + r.document.split("/id/document/", 1)[-1] + "/"
    return {x for x in r.actors if key not in x}


def actor_feature(a: ReportRecord, b: ReportRecord) -> float | None:
    """Jaccard index of the actors both reports can share; None when either names none."""
    sa, sb = _shareable(a), _shareable(b)
    if not sa or not sb:
        return None
    return _jaccard(sa, sb)


def figure_feature(a: ReportRecord, b: ReportRecord) -> float | None:
    """1 when the two give a figure of the same count with the same value other than 0, else None:
    sources revise tolls (164, then 227 killed), so a different number is no evidence of another
    event, and a zero (a UCDP row's deaths of a side that lost none) is no evidence of the same one."""
    shared = {(count, value) for count, value in set(a.figures) & set(b.figures) if value != 0}
    return 1.0 if shared else None


_REPORT_SUFFIX = re.compile(r"\s*\((?:report|laporan): [^)]*\)$")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
#: words that say nothing of which event (English and Indonesian function words)
_STOP = "the a an of in on at to and or by for from with during di ke dari dan yang pada dalam untuk oleh"
STOPWORDS = frozenset(_STOP.split(" "))


@lru_cache(maxsize=1 << 16)
def _words(labels: tuple[str, ...]) -> frozenset[str]:
    words: set[str] = set()
    for label in labels:
        words |= {w for w in _TOKEN.findall(_REPORT_SUFFIX.sub("", label).lower()) if w not in STOPWORDS}
    return frozenset(words)


def label_tokens(r: ReportRecord) -> set[str]:
    """The words of the report's labels (every language), lower-cased, without function words."""
    return set(_words(r.labels))


def label_feature(a: ReportRecord, b: ReportRecord) -> float | None:
    """Jaccard index of the labels' words; None when either has no label."""
    ta, tb = _words(a.labels), _words(b.labels)
    if not ta or not tb:
        return None
    return _jaccard(ta, tb)


# --- candidates and the score --------------------------------------------------------------------

#: feature name → weight in the score (a feature that is None is left out of numerator and denominator)
WEIGHTS: dict[str, float] = {"date": 2.0, "place": 2.0, "type": 2.0, "label": 2.0, "actors": 1.0, "figures": 1.0}
#: a pair scoring at least this is proposed as a link (chosen on the labelled pairs of
#: tests/cases/link/: recall and precision are the same from 0.45 to 0.55, recall falls above 0.55)
THRESHOLD = 0.55


@dataclass(frozen=True)
class Candidate:
    """A pair of reports that passed blocking, with its features and score."""

    a: str  # the report IRI that sorts first
    b: str
    features: dict[str, float | None]
    score: float

    @property
    def key(self) -> tuple[str, str]:
        return (self.a, self.b)


#: datasets (the key after `id/document/`) whose rows may repeat one another: GDELT is a repository
#: of media reports, not of discrete events (hundreds of rows for one kidnapping). Every other
#: document, an article or a release of UCDP or ACLED, gives distinct events by its author's account.
REPEATING = ("gdelt",)


def repeats_itself(document: str) -> bool:
    """Whether two reports of this document may be of one event."""
    return any(f"/id/document/{key}/" in document for key in REPEATING)


def _same_point(a: ReportRecord, b: ReportRecord) -> bool:
    if a.place is None or b.place is None:
        return False
    if a.place.iri == b.place.iri:
        return True
    pa, pb = (a.place.latitude, a.place.longitude), (b.place.latitude, b.place.longitude)
    return None not in pa and pa == pb


def coded_twice(a: ReportRecord, b: ReportRecord) -> bool:
    """Whether two rows of one UCDP release are one incident coded as several rows: UCDP codes an attack
    as a state-based row (the government against the group) and a one-sided row (the group against
    civilians). Rows of one release with different types of violence, the same dates and precision, the
    same place or point, and a side in common are components of one event, not a duplicate."""
    return (
        a.document == b.document
        and a.violence is not None
        and b.violence is not None
        and a.violence != b.violence
        and (a.start, a.end, a.precision) == (b.start, b.end, b.precision)
        and _same_point(a, b)
        and bool(set(a.actors) & set(b.actors))
    )


def blocked(a: ReportRecord, b: ReportRecord) -> str | None:
    """Why the pair is not a candidate, or None if it is."""
    if a.event == b.event:
        return "already one event"
    if a.document == b.document and not repeats_itself(a.document) and not coded_twice(a, b):
        return "one document's reports are distinct events by its author's account"
    if not spans_overlap(a, b):
        return "dates do not overlap"
    if place_feature(a, b) == 0.0:
        return "places apart"
    if type_feature(a, b) == 0.0:
        return "types incompatible"
    return None


def score_pair(a: ReportRecord, b: ReportRecord) -> Candidate:
    """The features of a pair and their weighted mean (a, b in IRI order)."""
    if b.iri < a.iri:
        a, b = b, a
    features: dict[str, float | None] = {
        "date": date_feature(a, b),
        "place": place_feature(a, b),
        "type": type_feature(a, b),
        "label": label_feature(a, b),
        "actors": actor_feature(a, b),
        "figures": figure_feature(a, b),
    }
    known = {k: v for k, v in features.items() if v is not None}
    total = sum(WEIGHTS[k] for k in known)
    score = sum(WEIGHTS[k] * v for k, v in known.items()) / total if total else 0.0
    return Candidate(a.iri, b.iri, {k: _round(v) for k, v in features.items()}, _round(score) or 0.0)


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def _month_keys(r: ReportRecord) -> list[tuple[int, int]]:
    first, last = date_span(r)
    first -= dt.timedelta(days=DAY_SLACK)
    last += dt.timedelta(days=DAY_SLACK)
    keys: list[tuple[int, int]] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month) and len(keys) < 13:
        keys.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return keys


def candidates(reports: Sequence[ReportRecord]) -> list[Candidate]:
    """Every pair that passes blocking, scored; pairs are first grouped by the months they span so
    that reports years apart are never compared."""
    by_month: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        for key in _month_keys(r):
            by_month[key].append(i)
    seen: set[tuple[int, int]] = set()
    out: list[Candidate] = []
    for members in by_month.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                if blocked(reports[i], reports[j]) is None:
                    out.append(score_pair(reports[i], reports[j]))
    return sorted(out, key=lambda c: c.key)


# --- from scored pairs to links: one-to-one between articles, no article twice in an event --------


def apart(a: ReportRecord, b: ReportRecord) -> bool:
    """Whether two reports cannot be of one event whatever else they share: their dates do not overlap
    or their places are apart (blocking's physical tests; types are left out, since sources frame one
    event as different types)."""
    return not spans_overlap(a, b) or place_feature(a, b) == 0.0


def _slacked_span(r: ReportRecord) -> tuple[dt.date, dt.date]:
    """The days the report's event can be on if the report is a day off either way (DAY_SLACK)."""
    first, last = date_span(r)
    slack = dt.timedelta(days=DAY_SLACK)
    return first - slack, last + slack


@dataclass
class Clusters:
    """Union-find over reports, refusing to put two reports of one document in one event (unless
    the document repeats itself), or two reports that are `apart`: links are transitive, and a chain
    of pairs each a day or a few km apart must not make one event of rows a week or a district apart.

    Dates: the reports of one event must leave a day it can be on, each report allowed a day off either
    way (`_slacked_span`): copies of a day on the day before and the day after are one event, a chain
    of rows on four days running is not. Checked in constant time: the spans of two events meet when
    the latest slacked start of each is no later than the earliest slacked end of the other (intervals
    on a line). Places are checked pair by pair."""

    article_of: dict[str, str | None]  # report → its article document (None for dataset rows)
    record: dict[str, ReportRecord] = field(default_factory=dict)  # report → its record (for `apart`)
    parent: dict[str, str] = field(default_factory=dict)
    articles: dict[str, set[str]] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    bounds: dict[str, tuple[dt.date, dt.date]] = field(
        default_factory=dict
    )  # root → latest slacked start, earliest end
    vouched: set[str] = field(default_factory=set)  # roots of events a curator's acceptance made

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def _docs(self, root: str) -> set[str]:
        if root not in self.articles:
            doc = self.article_of.get(root)
            self.articles[root] = {doc} if doc else set()
        return self.articles[root]

    def _members(self, root: str) -> list[str]:
        return self.members.setdefault(root, [root])

    def _bounds(self, root: str) -> tuple[dt.date, dt.date]:
        if root not in self.bounds:
            self.bounds[root] = _slacked_span(self.record[root])
        return self.bounds[root]

    def _apart(self, ra: str, rb: str, pair: tuple[str, str]) -> bool:
        """Whether any report of one event is `apart` from any of the other's (`pair` itself, a scored
        candidate, passed blocking and is not)."""
        (start_a, end_a), (start_b, end_b) = self._bounds(ra), self._bounds(rb)
        if start_a > end_b or start_b > end_a:
            return True
        return any(
            place_feature(self.record[x], self.record[y]) == 0.0
            for x in self._members(ra)
            for y in self._members(rb)
            if {x, y} != set(pair)
        )

    def refusal(self, a: str, b: str) -> str | None:
        """Why joining the events of `a` and `b` (a scored candidate) is refused, or None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if self._docs(ra) & self._docs(rb):
            return "would put two reports of one document in one event"
        if self.record and not {ra, rb} & self.vouched and self._apart(ra, rb, (a, b)):
            return "would put two reports apart in time or place in one event"
        return None

    def can_join(self, a: str, b: str) -> bool:
        return self.refusal(a, b) is None

    def join(self, a: str, b: str, vouched: bool = False) -> None:
        """Put the events of `a` and `b` into one; `vouched` when a curator accepted the pair (an event a
        curator made may span what `apart` would refuse, so it is not checked against `apart` again)."""
        ra, rb = sorted((self.find(a), self.find(b)))
        if ra != rb:
            docs = self._docs(ra) | self._docs(rb)
            members = self._members(ra) + self._members(rb)
            if self.record:
                (start_a, end_a), (start_b, end_b) = self._bounds(ra), self._bounds(rb)
                self.bounds[ra] = (max(start_a, start_b), min(end_a, end_b))
                self.bounds.pop(rb, None)
            self.parent[rb] = ra
            self.articles[ra] = docs
            self.members[ra] = members
            self.members.pop(rb, None)
            if vouched or rb in self.vouched:
                self.vouched.add(ra)
            self.vouched.discard(rb)


@dataclass(frozen=True)
class Decision:
    """What became of a scored pair."""

    candidate: Candidate
    linked: bool
    reason: str  # "score", "below threshold", "would put two reports … in one event", "curated …"


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def decide(
    reports: Sequence[ReportRecord],
    scored: Sequence[Candidate],
    accepted: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    threshold: float = THRESHOLD,
) -> list[Decision]:
    """Turn scored pairs into links: curated acceptances first, then pairs by falling score, each
    kept only if it puts no two reports of one document, and no two reports `apart`, into one event;
    curated rejections never."""
    article_of = {r.iri: (None if repeats_itself(r.document) else r.document) for r in reports}
    record = {r.iri: r for r in reports}
    clusters = Clusters(article_of, record)
    for r in reports:  # reports already of one event start in one cluster
        clusters.find(r.iri)
    by_event: dict[str, str] = {}
    for r in reports:
        first = by_event.setdefault(r.event, r.iri)
        if first != r.iri:
            clusters.join(first, r.iri)
    no = {_pair(*p) for p in rejected}
    yes = {_pair(*p) for p in accepted}
    out: list[Decision] = []
    for a, b in sorted(yes):
        clusters.join(a, b, vouched=True)
        out.append(Decision(score_pair(record[a], record[b]), True, "curated: accepted"))
    twice = {c.key for c in scored if c.key not in yes | no and coded_twice(record[c.a], record[c.b])}
    for c in sorted(scored, key=lambda c: c.key):  # the dataset's own rows of one incident, whatever their score
        if c.key in twice:
            clusters.join(c.a, c.b)
            out.append(Decision(c, True, "one incident coded as several rows by its dataset"))
    for c in sorted(scored, key=lambda c: (-c.score, c.key)):
        if c.key in yes or c.key in twice:
            continue
        if c.key in no:
            out.append(Decision(c, False, "curated: rejected"))
        elif c.score < threshold:
            out.append(Decision(c, False, "below threshold"))
        elif refusal := clusters.refusal(c.a, c.b):
            out.append(Decision(c, False, refusal))
        else:
            clusters.join(c.a, c.b)
            out.append(Decision(c, True, "score"))
    return sorted(out, key=lambda d: d.candidate.key)
