"""A draft's facts as the review page shows them: each with its span in the article, grouped by event (pure).

A fact is a record of an annotation that carries evidence: an event report, a role in it, a figure, a
claim, a local group, place or venue. It is undecided while it still has the `rule` or `confidence`
that `kg extract` gave it; accepting it removes both, rejecting it removes the record. The file is
the only state: nothing else remembers a decision.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from kg.annotation import (
    CountKind,
    EventType,
    GroupType,
    Precision,
    Qualifier,
    QuoteRef,
    Registry,
    Role,
    locate_quote,
)

Path_ = tuple[str | int, ...]

#: annotation section → the kind of fact its records are (roles are found inside events)
SECTIONS: dict[str, str] = {
    "events": "event",
    "figures": "figure",
    "claims": "claim",
    "groups": "group",
    "places": "place",
    "venues": "venue",
}

#: fact kind → the fields the page lets a curator change, each with the pick-list (or input) it takes
EDITABLE: dict[str, tuple[tuple[str, str], ...]] = {
    "event": (("type", "event-types"), ("date", "text"), ("precision", "precisions"), ("location", "places"),
              ("according_to", "claims")),
    "role": (("role", "roles"), ("actor", "actors"), ("as", "positions"), ("according_to", "claims")),
    "figure": (("counts", "counts"), ("value", "number"), ("qualifier", "qualifiers"), ("event", "events"),
               ("according_to", "claims")),
    "claim": (("speaker", "actors"), ("made_at", "events")),
    "group": (("type", "group-types"),),
    "place": (("within", "places"),),
    "venue": (),
}  # fmt: skip

#: what the page calls a field
FIELD_LABELS: dict[str, str] = {
    "according_to": "claimant (according to)",
    "as": "as (position)",
    "made_at": "made at (event)",
    "counts": "counts",
    "event": "event",
}


def ref_of(path: Path_) -> str:
    """The dotted name of a record's path, as kg's error messages name fields (`events.1.roles.0`)."""
    return ".".join(str(p) for p in path)


@dataclass(frozen=True)
class Fact:
    """One record of the annotation that carries evidence, with where its quote sits in the text."""

    path: Path_
    kind: str
    record: Mapping[str, Any]
    start: int | None  # code-point offsets of the evidence; None when it cannot be located
    end: int | None
    problem: str | None = None  # why the quote cannot be located

    @property
    def ref(self) -> str:
        """The record's dotted path (`figures.0`), unique in the file as it is now."""
        return ref_of(self.path)

    @property
    def decided(self) -> bool:
        """True once accepted: no `rule` or `confidence` left from the draft."""
        return "rule" not in self.record and "confidence" not in self.record

    @property
    def quote(self) -> str:
        """The evidence quote's text."""
        evidence = self.record.get("evidence")
        return str(evidence.get("quote", "")) if isinstance(evidence, Mapping) else str(evidence or "")

    @property
    def title(self) -> str:
        """A short name: the record's key, or a role's role and actor."""
        if self.kind == "role":
            return f"{self.record.get('role', '?')}: {self.record.get('actor', '?')}"
        return str(self.record.get("id", "?"))

    @property
    def summary(self) -> str:
        """One line of what the fact says."""
        r = self.record
        if self.kind == "event":
            what = r.get("type") or r.get("event", "")
            return f"{what} · {r.get('date', '')} ({r.get('precision', '')}) · {r.get('location', '')}"
        if self.kind == "figure":
            value = "" if r.get("value") is None else f" {r['value']}"
            return f"{r.get('counts', '')}: {r.get('qualifier', '')}{value} · of {r.get('event', '')}"
        if self.kind == "claim":
            text = r.get("text")
            said = next(iter(text.values()), "") if isinstance(text, Mapping) and text else ""
            return f"{r.get('speaker', '')}: {said}"
        if self.kind == "role":
            return f"as {r['as']}" if r.get("as") else ""
        return f"{r.get('type', '')}"


@dataclass(frozen=True)
class Group:
    """The facts of one event (the report, its roles, its figures, the claims made at it), or the rest."""

    title: str
    facts: tuple[Fact, ...]


def _span(text: str, evidence: Any) -> tuple[int | None, int | None, str | None]:
    if isinstance(evidence, Mapping):
        try:
            quote: str | QuoteRef = QuoteRef.model_validate(evidence)
        except ValueError as exc:
            return None, None, str(exc)
    elif isinstance(evidence, str):
        quote = evidence
    else:
        return None, None, "no evidence quote"
    try:
        span = locate_quote(text, quote)  # kg's own locating: occurrence N of the quote, as the build maps it
    except ValueError as exc:
        return None, None, str(exc)
    return span.start, span.end, None


def list_facts(data: Mapping[str, Any], text: str) -> list[Fact]:
    """Every fact of an annotation's plain data, in file order, with its span in `text`."""
    facts: list[Fact] = []
    for section, kind in SECTIONS.items():
        records = data.get(section) or []
        for i, record in enumerate(records if isinstance(records, list) else []):
            if not isinstance(record, Mapping):
                continue
            facts.append(Fact((section, i), kind, record, *_span(text, record.get("evidence"))))
            if section == "events":
                for j, role in enumerate(record.get("roles") or []):
                    if isinstance(role, Mapping):
                        facts.append(Fact((section, i, "roles", j), "role", role, *_span(text, role.get("evidence"))))
    return facts


def group_by_event(facts: Sequence[Fact]) -> list[Group]:
    """The facts grouped by the event report they belong to, in file order; the others last."""
    events = [f for f in facts if f.kind == "event"]
    placed: set[str] = set()
    groups: list[Group] = []
    for event in events:
        key = event.record.get("id")
        members = [event]
        members += [f for f in facts if f.kind == "role" and f.path[:2] == event.path]
        members += [f for f in facts if f.kind == "figure" and f.record.get("event") == key]
        members += [f for f in facts if f.kind == "claim" and f.record.get("made_at") == key]
        placed.update(f.ref for f in members)
        label = event.record.get("label")
        name = next(iter(label.values()), "") if isinstance(label, Mapping) and label else ""
        groups.append(Group(f"{key}" + (f" — {name}" if name else ""), tuple(members)))
    rest = tuple(f for f in facts if f.ref not in placed)
    if rest:
        groups.append(Group("Not tied to an event", rest))
    return groups


@dataclass(frozen=True)
class Segment:
    """A run of the article text and the facts whose evidence covers all of it (refs; empty: plain text)."""

    text: str
    refs: tuple[str, ...] = field(default_factory=tuple)


def segments(text: str, facts: Sequence[Fact]) -> list[Segment]:
    """The text cut at every span boundary, so that overlapping spans each highlight their own characters."""
    spans = [(f.start, f.end, f.ref) for f in facts if f.start is not None and f.end is not None]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        out.append(Segment(text[a:b], tuple(ref for s, e, ref in spans if s <= a and b <= e)))
    return out


def _label(record: Any, lang: str) -> str:
    label = getattr(record, "label", None)
    return label.get(lang) if label is not None else ""


def choices(data: Mapping[str, Any], registry: Registry, lang: str) -> dict[str, list[tuple[str, str]]]:
    """The pick-lists of the edit forms, by name: (value, label) pairs from the vocabulary, the registry
    and the annotation's own records."""

    def local(section: str) -> list[tuple[str, str]]:
        out = []
        for r in data.get(section) or []:
            if isinstance(r, Mapping) and isinstance(r.get("id"), str):
                label = r.get("label")
                name = (label.get(lang) or next(iter(label.values()), "")) if isinstance(label, Mapping) else ""
                out.append((r["id"], f"{name} (this article)" if name else r["id"]))
        return out

    def keyed(records: Sequence[Any]) -> list[tuple[str, str]]:
        return [(r.id, _label(r, lang)) for r in records]

    actors = keyed(registry.people) + keyed(registry.states) + keyed(registry.organisations)
    actors += keyed(registry.groups) + local("groups")
    places = keyed(registry.places) + local("places") + local("venues")
    claims = [
        (str(c["id"]), f"{c['id']} ({c.get('speaker', '?')})")
        for c in data.get("claims") or []
        if isinstance(c, Mapping) and "id" in c
    ]
    events = [(str(e["id"]), str(e["id"])) for e in data.get("events") or [] if isinstance(e, Mapping) and "id" in e]
    events += keyed(registry.events)
    return {
        "event-types": [(v, v) for v in get_args(EventType)],
        "precisions": [(v, v) for v in get_args(Precision)],
        "roles": [(v, v) for v in get_args(Role)],
        "counts": [(v, v) for v in get_args(CountKind)],
        "qualifiers": [(v, v) for v in get_args(Qualifier)],
        "group-types": [(v, v) for v in get_args(GroupType)],
        "places": places,
        "actors": actors + places,  # a target may be a place
        "positions": keyed(registry.positions),
        "claims": claims,
        "events": events,
    }
