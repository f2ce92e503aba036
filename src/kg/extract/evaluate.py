"""Scoring drafts against curated annotations: precision and recall per fact type (pure over loaded articles).

What counts as the same fact (README, `kg extract --evaluate`):
- events: the same type, start date, precision and place (a registry place by key; any article-local
  place or venue counts as "local");
- participants: the same role and actor (a registry actor by key; an article-local group matches when
  the two roles' evidence overlaps);
- figures: the same value, qualifier and counted kind;
- claims: the same speaker (registry key, or "local") and overlapping evidence;
- places: each registry place the annotation uses (event locations, targets, places' `within`).
Each gold fact matches at most one draft fact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kg.annotation import Article, Registry, _Drafted, parse_date, registry_kinds

FACT_TYPES = ("events", "participants", "figures", "claims", "places")


@dataclass(frozen=True)
class Fact:
    """One comparable fact: its key, and the evidence span when the key alone cannot tell two apart."""

    key: tuple[str | int | None, ...]
    span: tuple[int, int] | None
    shown: str
    ref: str = ""
    #: the rule that proposed a drafted fact, without its lexicon version ("role.agent-of-harm"); None in gold
    rule: str | None = None
    #: how sure the draft is of the fact (None in gold, and for places, which the events imply)
    confidence: float | None = None


@dataclass
class Comparison:
    """Which facts of one type matched, which gold facts the draft missed, which draft facts are extra."""

    matched: list[tuple[Fact, Fact]] = field(default_factory=list)
    missed: list[Fact] = field(default_factory=list)
    extra: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class Score:
    """Counts and rates of one fact type over a set of documents."""

    fact_type: str
    gold: int
    draft: int
    matched: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.draft if self.draft else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None


def _drafted(record: _Drafted) -> tuple[str | None, float | None]:
    """The rule of a drafted record without its lexicon version ("role.agent-of-harm@en:22" → "role.agent-of-harm"),
    and its confidence."""
    return (record.rule.split("@", 1)[0] if record.rule else None), record.confidence


def facts_of(article: Article, registry: Registry) -> dict[str, list[Fact]]:
    """The comparable facts of a loaded (gold or draft) article."""
    ann = article.annotation
    kinds = registry_kinds(registry)
    event_types = {e.id: e.type for e in registry.events}

    def where(key: str) -> str:
        return key if kinds.get(key) == "places" else "local"

    def who(key: str) -> str:
        return key if key in kinds else "local"

    def span(q: object) -> tuple[int, int]:
        s = article.span(q)  # type: ignore[arg-type]
        return s.start, s.end

    out: dict[str, list[Fact]] = {t: [] for t in FACT_TYPES}
    places: set[str] = set()
    for ev in ann.events:
        ev_type = ev.type or (event_types.get(ev.event or "") if ev.event else None)
        start = parse_date(ev.date, ev.precision).start.isoformat()
        loc = where(ev.location)
        out["events"].append(
            Fact(
                (ev_type, start, ev.precision, loc),
                None,
                f"{ev_type} {start} {ev.precision} @{loc}",
                ev.id,
                *_drafted(ev),
            )
        )
        if loc != "local":
            places.add(loc)
        for role in ev.roles:
            actor = who(role.actor)
            if kinds.get(role.actor) == "places":
                places.add(role.actor)
            s = span(role.evidence) if actor == "local" else None
            out["participants"].append(
                Fact(
                    (role.role, actor),
                    s,
                    f"{role.role} {role.actor}",
                    f"{ev.id}/{role.role}/{role.actor}",
                    *_drafted(role),
                )
            )
    for pl in ann.places:
        if pl.within and kinds.get(pl.within) == "places":
            places.add(pl.within)
    for fig in ann.figures:
        out["figures"].append(
            Fact(
                (fig.value, fig.qualifier, fig.counts),
                None,
                f"{fig.counts} {fig.qualifier} {fig.value}",
                fig.id,
                *_drafted(fig),
            )
        )
    for cl in ann.claims:
        speaker = who(cl.speaker)
        out["claims"].append(
            Fact(
                (speaker,),
                span(cl.evidence),
                f"{cl.speaker}: {article.span(cl.evidence).exact[:60]}",
                cl.id,
                *_drafted(cl),
            )
        )
    out["places"] = [Fact((p,), None, p, p) for p in sorted(places)]
    return out


def _same(a: Fact, b: Fact) -> bool:
    if a.key != b.key:
        return False
    if a.span is None or b.span is None:
        return True
    return a.span[0] < b.span[1] and b.span[0] < a.span[1]


def compare(gold: Article, draft: Article, registry: Registry, min_confidence: float = 0.0) -> dict[str, Comparison]:
    """Fact by fact, per fact type: matched, missed and extra; of the draft, only the facts it is at least
    `min_confidence` sure of (places, implied by the events, are all kept)."""
    gold_facts, draft_facts = facts_of(gold, registry), facts_of(draft, registry)
    result: dict[str, Comparison] = {}
    for fact_type in FACT_TYPES:
        comp = Comparison()
        open_gold = list(gold_facts[fact_type])
        sure = [d for d in draft_facts[fact_type] if d.confidence is None or d.confidence >= min_confidence]
        for d in sure:
            g = next((g for g in open_gold if _same(g, d)), None)
            if g is None:
                comp.extra.append(d)
            else:
                open_gold.remove(g)
                comp.matched.append((g, d))
        comp.missed = open_gold
        result[fact_type] = comp
    return result


def score(comparisons: Sequence[dict[str, Comparison]]) -> list[Score]:
    """Precision and recall per fact type, summed over documents (micro-averaged)."""
    scores = []
    for t in FACT_TYPES:
        matched = sum(len(c[t].matched) for c in comparisons)
        missed = sum(len(c[t].missed) for c in comparisons)
        extra = sum(len(c[t].extra) for c in comparisons)
        scores.append(Score(t, matched + missed, matched + extra, matched))
    return scores


def render_scores(scores: Sequence[Score], documents: int, min_confidence: float = 0.0) -> str:
    """The score table `kg extract --evaluate` prints."""

    def rate(x: float | None) -> str:
        return "—" if x is None else f"{x:.2f}"

    lines = [
        f"{documents} document(s)"
        + (f"; drafted facts of confidence {min_confidence:g} or more (places: all)" if min_confidence else ""),
        f"{'fact type':<14}{'gold':>6}{'draft':>7}{'matched':>9}{'precision':>11}{'recall':>8}",
    ]
    for s in scores:
        lines.append(
            f"{s.fact_type:<14}{s.gold:>6}{s.draft:>7}{s.matched:>9}{rate(s.precision):>11}{rate(s.recall):>8}"
        )
    return "\n".join(lines) + "\n"


def render_facts(documents: Mapping[str, Mapping[str, Comparison]], fact_types: Sequence[str]) -> str:
    """Fact by fact, per document: what matched, what the draft missed and what it added (`ok`, `miss`, `extra`),
    each with the fact's key and the id of its annotation entry (the gold's for ok and miss, the draft's for extra)."""
    lines = []
    for doc, comps in documents.items():
        lines.append(f"== {doc}")
        for t in fact_types:
            comp = comps[t]
            lines += [f"  {t} ok    {g.shown} [{g.ref} = {d.ref}]" for g, d in comp.matched]
            lines += [f"  {t} miss  {g.shown} [{g.ref}]" for g in comp.missed]
            lines += [f"  {t} extra {d.shown} [{d.ref}]" for d in comp.extra]
    return "\n".join(lines) + "\n"
