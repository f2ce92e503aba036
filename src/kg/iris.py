"""Deterministic IRI minting: every resource IRI of the data graph is made here, from stable keys."""

from __future__ import annotations

import re

from rdflib import URIRef

_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: The kinds of resource, each a path segment under `<base>id/`.
KINDS = (
    "person",
    "state",
    "organisation",
    "group",
    "place",
    "venue",
    "position",
    "tenure",
    "event",
    "report",
    "participation",
    "figure",
    "claim",
    "document",
    "evidence",
    "dataset",
    "distribution",
    "link",
)


def is_key(key: str) -> bool:
    """True if `key` is a valid kg key: lowercase ASCII letters and digits joined by single hyphens."""
    return bool(_KEY.match(key))


def mint(base: str, kind: str, *parts: str) -> URIRef:
    """Return `<base>id/<kind>/<part>/…`; every part must already be a valid key or a number span."""
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}; expected one of {', '.join(KINDS)}")
    return URIRef(base + "id/" + "/".join((kind, *parts)))


def evidence_iri(base: str, document: str, start: int, end: int, suffix: str = "") -> URIRef:
    """Return the IRI of the evidence annotation for the span [start, end) of `document`."""
    iri = mint(base, "evidence", document, f"{start}-{end}")
    return URIRef(f"{iri}/{suffix}") if suffix else iri


def participation_iri(base: str, document: str, event: str, role: str, agent: str) -> URIRef:
    """Return the IRI of the record that `agent` had `role` in `event` of `document`."""
    return mint(base, "participation", document, event, role, agent)


def tenure_iri(base: str, person: str, position: str, start: str) -> URIRef:
    """Return the IRI of `person`'s tenure of `position` that began on `start` (ISO date)."""
    return mint(base, "tenure", person, position, start)
