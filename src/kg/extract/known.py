"""Known events: what a draft's event may be a report of (pure over loaded annotations and the registry).

An event is known when an annotation reports it: a report of a registry event (`event: <key>`) makes
that registry event known with the report's type, period and place; a report that declares its own
event makes `<document-id>/<key>` known. A drafted event names a known event instead of minting a new
one when the two are of one type family, their periods overlap and one's place is the other's or
contains it (README, `kg extract`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.annotation import Article, Registry, parse_date

#: kg's event types by family: two events of one family may be one event told twice
FAMILIES: dict[str, frozenset[str]] = {
    "collective": frozenset({"unrest", "riot", "protest"}),
    "violence": frozenset({"armed-attack", "armed-clash", "riot"}),
    "meeting": frozenset({"meeting", "summit"}),
}


@dataclass(frozen=True)
class KnownEvent:
    """A reported event a draft may name: its reference, the type, period and place one report gives it."""

    ref: str  # a registry event key, or <document-id>/<key>
    type: str
    start: dt.date
    end: dt.date  # the last day of the period, inclusive
    location: str  # a registry place key


def same_family(a: str, b: str) -> bool:
    """Whether two kg event types may name one event (the same type, or one family)."""
    return a == b or any(a in members and b in members for members in FAMILIES.values())


def period(start: dt.date, precision: str, end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The days a date written at `precision` covers (first, last), or (start, end) when an end is given."""
    if end is not None:
        return start, end
    if precision == "month":
        return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision in ("year", "start-of-year"):
        return start, start.replace(month=12, day=31)
    if precision in ("week", "days"):
        return start, start + dt.timedelta(days=6)
    return start, start


def containers(place: str, within: Mapping[str, str | None]) -> list[str]:
    """The place and every place that contains it, innermost first."""
    out: list[str] = []
    while place and place not in out:
        out.append(place)
        place = within.get(place) or ""
    return out


def known_events(articles: Iterable[Article], registry: Registry) -> list[KnownEvent]:
    """Every event the annotations report, once per report, located at a registry place."""
    loaded = list(articles)
    within = place_tree(registry, loaded)
    shared = registry_places(registry)
    registry_types = {e.id: e.type for e in registry.events}
    out: list[KnownEvent] = []
    for article in loaded:
        for ev in article.annotation.events:
            if ev.event is not None and "/" in ev.event:
                continue  # a report of another document's event: that document's report makes it known
            ref = ev.event or f"{article.key}/{ev.id}"
            ev_type = ev.type or registry_types.get(ev.event or "")
            places = containers(ev.location, within)
            place = next((p for p in places if p in shared), None)
            if ev_type is None or place is None:
                continue
            start = parse_date(ev.date, ev.precision).start
            end = dt.date.fromisoformat(ev.end_date) if ev.end_date else None
            first, last = period(start, ev.precision, end)
            out.append(KnownEvent(ref, ev_type, first, last, place))
    return out


def registry_places(registry: Registry) -> frozenset[str]:
    """The keys of the registry's places."""
    return frozenset(p.id for p in registry.places)


def place_tree(registry: Registry, articles: Iterable[Article] = ()) -> dict[str, str | None]:
    """Place key → the key of the place that contains it (registry places and the articles' own places)."""
    tree: dict[str, str | None] = {p.id: p.within for p in registry.places}
    for article in articles:
        for pl in article.annotation.places:
            tree.setdefault(pl.id, pl.within)
    return tree


def match(
    ev_type: str,
    first: dt.date,
    last: dt.date,
    location: str,
    known: Iterable[KnownEvent],
    within: Mapping[str, str | None],
    document_id: str,
) -> str | None:
    """The one known event a drafted event names: same family, overlapping periods, one place in the other;
    the candidates at the very place win over those that only contain it or lie in it. None when no known
    event fits, or when two different ones fit equally (the curator decides)."""
    mine = containers(location, within)
    exact: set[str] = set()
    near: set[str] = set()
    for k in known:
        if k.ref.split("/", 1)[0] == document_id or not same_family(ev_type, k.type):
            continue
        if k.start > last or first > k.end:
            continue
        if k.location == location:
            exact.add(k.ref)
        elif k.location in mine or location in containers(k.location, within):
            near.add(k.ref)
    best = exact or near
    return best.pop() if len(best) == 1 else None
