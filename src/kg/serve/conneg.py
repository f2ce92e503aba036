"""HTTP content negotiation: parse an `Accept` header and pick the best of the server's offers.

Follows RFC 9110 §12.5.1: each offer takes the quality of the most specific media range that
matches it (`type/subtype;params` > `type/subtype` > `type/*` > `*/*`); q=0 means "not acceptable";
among offers of equal quality the server's order decides. A missing or empty header accepts anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    #: media-type parameters other than q (lower-cased names), e.g. {"charset": "utf-8"}
    params: tuple[tuple[str, str], ...] = ()
    q: float = 1.0

    def specificity(self) -> int:
        """3 for `a/b;p=v`, 2 for `a/b`, 1 for `a/*`, 0 for `*/*`."""
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if self.params else 2

    def matches(self, media_type: str) -> bool:
        """True if `media_type` (`type/subtype`, maybe with parameters) falls in this range."""
        main, _, rest = media_type.partition(";")
        offer_type, _, offer_subtype = main.strip().lower().partition("/")
        if self.type != "*" and self.type != offer_type:
            return False
        if self.subtype != "*" and self.subtype != offer_subtype:
            return False
        offered = dict(_params(rest))
        return all(offered.get(name) == value for name, value in self.params)


@dataclass(frozen=True)
class Offer:
    """A representation the server can send: the media type it is matched on, and a key for it."""

    media_type: str
    key: str
    #: extra media types that select this offer too (e.g. application/json for SPARQL JSON results)
    aliases: tuple[str, ...] = field(default=())


def _params(text: str) -> list[tuple[str, str]]:
    out = []
    for part in text.split(";"):
        name, eq, value = part.partition("=")
        name = name.strip().lower()
        if name and eq:
            out.append((name, value.strip().strip('"').lower()))
    return out


def _quality(value: str) -> float | None:
    try:
        q = float(value)
    except ValueError:
        return None
    return q if 0.0 <= q <= 1.0 else None


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header into media ranges; malformed elements are skipped, never fatal."""
    ranges: list[MediaRange] = []
    for element in (header or "").split(","):
        main, _, rest = element.partition(";")
        type_, slash, subtype = main.strip().lower().partition("/")
        if not slash or not type_ or not subtype or (type_ == "*" and subtype != "*"):
            continue
        if any(c.isspace() for c in type_ + subtype):
            continue
        q: float | None = 1.0
        params: list[tuple[str, str]] = []
        for name, value in _params(rest):
            if name == "q":
                q = _quality(value)
                break  # parameters after q are accept-extensions, not media-type parameters
            params.append((name, value))
        if q is None:
            continue
        ranges.append(MediaRange(type_, subtype, tuple(params), q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The quality the client gives `media_type`: that of the most specific matching range, else 0."""
    best: MediaRange | None = None
    for media_range in ranges:
        if media_range.matches(media_type) and (best is None or media_range.specificity() > best.specificity()):
            best = media_range
    return best.q if best is not None else 0.0


def negotiate(header: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The offer the client prefers, or None if it accepts none of them (answer 406)."""
    if not offers:
        return None
    if header is None or not header.strip():
        return offers[0]
    ranges = parse_accept(header)
    if not ranges:  # a header with nothing parseable is treated like no header (RFC 9110 allows either)
        return offers[0]
    best: Offer | None = None
    best_q = 0.0
    for offer in offers:
        q = max(quality(ranges, media_type) for media_type in (offer.media_type, *offer.aliases))
        if q > best_q:
            best, best_q = offer, q
    return best
