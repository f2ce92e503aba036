"""Finding the candidates of `kg extract`: lexicon phrases and registry names (spaCy PhraseMatcher over
lower-cased tokens, no stop word removed), sentences, and evidence quotes as kg annotations spell them."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from kg.annotation import QuoteRef, Registry
from kg.errors import MissingExtra
from kg.extract.lexicon import Lang, Lexicon, load_lexicon
from kg.extract.names import (
    GROUP,
    ORGANISATION,
    PERSON,
    PERSON_NOUN,
    PLACE,
    POSITION,
    REGISTRY_GROUP,
    STATE,
    NameIndex,
    build_index,
)

# ----------------------------------------------------------------------------------------------
# Matching
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """A phrase found in the text: [start, end) code-point offsets, its table and value."""

    start: int
    end: int
    table: str
    value: str


@dataclass(frozen=True)
class _Matcher:
    nlp: Any
    matcher: Any
    labels: dict[int, tuple[str, str]]


def _phrase_tables(lex: Lexicon, idx: NameIndex) -> dict[str, dict[str, str]]:
    """Every phrase table the matcher looks for: table name → {phrase: value}."""
    names: dict[str, dict[str, str]] = {}
    for phrase, (table, key) in idx.phrases.items():
        names.setdefault(table, {})[phrase] = key
    return {
        **names,
        "trigger": lex.triggers,
        "reporting": {v: v for v in lex.reporting_verbs},
        "speaker-verb": {v: v for v in lex.speaker_verbs},
        "speaker-alias": lex.speaker_aliases,
        "venue": {v: v for v in lex.venues},
        "attend": {v: v for v in lex.attend_markers},
        "chair": {v: v for v in lex.chair_verbs},
        "target-marker": {v: v for v in lex.target_markers},
        "relative-date": {k: k for k in lex.relative_dates},
        "unknown-figure": dict(lex.counted_unknown),
        "none-figure": dict(lex.counted_none),
        "facility": {k: f"{t}|{int(c)}" for k, (t, c) in lex.facilities.items()},
        "building": {k: f"{t}|{int(c)}" for k, (t, c) in lex.buildings.items()},
        PERSON_NOUN: {v: lex.person_noun_types.get(v, "civilians") for v in lex.person_nouns},
    }


def _blank(lang: Lang) -> Any:
    """spaCy's blank pipeline of `lang`; Indonesian without its 15,963 tokenizer exceptions.

    Those exceptions keep reduplicated words ("gedung-gedung") as one token; compiling them took 2.2 s
    of CPU at every start (0.08 s without). The phrase matcher tokenizes patterns and text alike, so
    matching does not depend on them.
    """
    try:
        import spacy
    except ImportError:
        raise MissingExtra(
            "kg extract needs spaCy", hint="install the extract extra: pip install 'kg-conflict[extract]'"
        ) from None
    if lang != "id":
        return spacy.blank(lang)
    from spacy.lang.tokenizer_exceptions import BASE_EXCEPTIONS

    base = spacy.util.get_lang_class(lang)

    class Defaults(base.Defaults):  # type: ignore[name-defined,misc]
        tokenizer_exceptions = BASE_EXCEPTIONS

    class LightIndonesian(base):  # type: ignore[valid-type,misc]
        lang = "id"

    LightIndonesian.Defaults = Defaults
    return LightIndonesian()


@cache
def _matcher(lang: Lang, registry_json: str) -> _Matcher:
    """A spaCy blank pipeline and PhraseMatcher for one language and registry (built once per process)."""
    lex = load_lexicon(lang)
    nlp = _blank(lang)
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    labels: dict[int, tuple[str, str]] = {}
    patterns: dict[str, list[str]] = {}
    for table, phrases in _phrase_tables(lex, name_index(lang, registry_json)).items():
        for phrase, value in phrases.items():
            label = f"{table}\x1f{value}"
            labels[nlp.vocab.strings.add(label)] = (table, value)
            patterns.setdefault(label, []).append(phrase)
    for label, texts in patterns.items():
        matcher.add(label, list(nlp.tokenizer.pipe(texts)))
    return _Matcher(nlp, matcher, labels)


@cache
def name_index(lang: Lang, registry_json: str) -> NameIndex:
    """The registry's and lexicon's names for one language (built once per process)."""
    return build_index(Registry.model_validate_json(registry_json), load_lexicon(lang))


_ENTITY_TABLES = {
    PLACE,
    PERSON,
    STATE,
    ORGANISATION,
    REGISTRY_GROUP,
    POSITION,
    GROUP,
    PERSON_NOUN,
    "speaker-alias",
    "venue",
    "facility",
    "building",
}


_REFERENCE = re.compile(r"\[\w{1,6}\]")


def find_hits(text: str, lang: Lang, registry_json: str) -> list[Hit]:
    """Every phrase of the lexicon and the registry in `text`; overlapping names keep the longest."""
    m = _matcher(lang, registry_json)
    # reference markers ("Islamiyah.[8]") glue to the word before them in spaCy's tokens; blanked out (same
    # length, so offsets stay) the name before them is found
    doc = m.nlp.make_doc(_REFERENCE.sub(lambda r: " " * len(r.group()), text))
    by_group: dict[str, list[Hit]] = {}
    for match_id, start, end in m.matcher(doc):
        table, value = m.labels[match_id]
        span = doc[start:end]
        group = "entity" if table in _ENTITY_TABLES else table
        by_group.setdefault(group, []).append(Hit(span.start_char, span.end_char, table, value))
    out: list[Hit] = []
    for hits in by_group.values():
        # the characters the hits kept so far cover: a hit is kept when it covers none of them (linear in the
        # hits' lengths, where comparing each hit with every kept one was quadratic in their number)
        covered = bytearray(len(text))
        for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
            if 1 not in covered[h.start : h.end]:
                covered[h.start : h.end] = b"\x01" * (h.end - h.start)
                out.append(h)
    return sorted(out, key=lambda h: (h.start, h.end, h.table))


# ----------------------------------------------------------------------------------------------
# Sentences and quotes
# ----------------------------------------------------------------------------------------------

#: a sentence ends at . ! ? (and the reference markers after it, "….[4] Next") before a capital, or at a line break;
#: not at the period of an estimate's abbreviation ("c. 40 people", "ca. 300")
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bc\.)(?<!\bca\.)(?<!\bapprox\.)(?:\[\w{1,6}\])*[\"”]?\s+(?=[\"“(A-Z0-9])|\n+"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of every sentence (a line break always ends one), whitespace trimmed."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    trimmed = []
    for s, e in out:
        chunk = text[s:e]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right > left:
            trimmed.append((s + left, s + right))
    return trimmed


class Quoter:
    """The evidence quotes of one text: the words, with their occurrence when they occur more than once. The
    occurrences of a phrase are found once, as `_quote_span` finds them (`str.find` from the character after the
    last one: overlapping ones too, "aXa" in "aXaXa"), and counted by bisection. That costs one pass of `str.find`
    over the text per distinct phrase, as `str.count` did; deciding first whether a phrase can overlap itself (a
    Knuth–Morris–Pratt border, a loop in Python over every character of the phrase) made the quotes of one long
    sentence (N claims, each quoting the rest of it) quadratic in Python."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._at: dict[str, list[int]] = {}  # a phrase → where each of its occurrences starts

    def _occurrences(self, words: str) -> list[int]:
        at = self._at.get(words)
        if at is None:
            at, i = [], self.text.find(words)
            while i >= 0:
                at.append(i)
                i = self.text.find(words, i + 1)
            self._at[words] = at
        return at

    def __call__(self, start: int, end: int) -> str | QuoteRef:
        text = self.text
        while start < end and text[start] in " \t\n,;:–-":
            start += 1
        while end > start and text[end - 1] in " \t\n,;:–-.":
            end -= 1
        words = text[start:end]
        if not words:  # numbered as it always was (an empty quote is refused when the draft is checked)
            n = text.count(words, 0, len(text) - 1)
            return words if n == 1 else QuoteRef(quote=words, occurrence=text.count(words, 0, start - 1) + 1)
        at = self._occurrences(words)
        if len(at) == 1:
            return words
        return QuoteRef(quote=words, occurrence=bisect.bisect_left(at, start) + 1)


def _quote_span(q: str | QuoteRef, text: str) -> tuple[int, int]:
    words, n = (q, 1) if isinstance(q, str) else (q.quote, q.occurrence)
    i = -1
    for _ in range(n):
        i = text.find(words, i + 1)
    return i, i + len(words)
