"""The SKOS vocabularies (ontology/vocab.ttl): ACLED's 6 event types and 25 sub-event types and CAMEO's 20
root codes are all there; kg's event types map to them only where the type decides the code; UCDP's and
ACLED's date and geographic precision codes each map to one kg concept; figure statuses and the
"number unknown" qualifier; every concept has an English and an Indonesian label."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.namespaces import ACLED, CAMEO, KGET, KGG, KGP, KGQ, KGS, UCDP, VOCAB

MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
COUNTING_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)  # what the stored queries follow

#: ACLED Codebook (2023), "Event Types and Sub-Event Types": event type → its sub-event types.
ACLED_TYPES = {
    "Battles": {"Government regains territory", "Non-state actor overtakes territory", "Armed clash"},
    "Explosions/Remote violence": {
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    },
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    },
}


def _in_scheme(g: Graph, scheme: URIRef) -> set[URIRef]:
    return {c for c in g.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)}


def _notation(g: Graph, concept: URIRef) -> str:
    (notation,) = g.objects(concept, SKOS.notation)
    return str(notation)


def _en(g: Graph, concept: URIRef) -> str:
    (label,) = (x for x in g.objects(concept, SKOS.prefLabel) if getattr(x, "language", None) == "en")
    return str(label)


# --------------------------------------------------------------------------------------------------
# ACLED and CAMEO


def test_acled_has_its_6_event_types_and_25_sub_event_types(ontology_graph: Graph) -> None:
    g = ontology_graph
    concepts = _in_scheme(g, ACLED.scheme)
    assert all((c, RDF.type, SKOS.Concept) in g for c in concepts)
    tops = {c for c in concepts if g.value(c, SKOS.broader) is None}
    subs = concepts - tops
    assert len(tops) == 6 and len(subs) == 25
    assert set(g.objects(ACLED.scheme, SKOS.hasTopConcept)) == tops
    found: dict[str, set[str]] = {}
    for sub in subs:
        (broader,) = g.objects(sub, SKOS.broader)
        assert broader in tops, sub
        assert _notation(g, sub) == _en(g, sub)
        found.setdefault(_en(g, broader), set()).add(_notation(g, sub))
    assert found == ACLED_TYPES
    assert {_notation(g, t) for t in tops} == set(ACLED_TYPES)


def test_cameo_has_its_20_root_codes(ontology_graph: Graph) -> None:
    g = ontology_graph
    concepts = _in_scheme(g, CAMEO.scheme)
    assert all((c, RDF.type, SKOS.Concept) in g for c in concepts)
    roots = {c for c in concepts if g.value(c, SKOS.broader) is None}
    assert sorted(_notation(g, r) for r in roots) == [f"{n:02d}" for n in range(1, 21)]
    assert set(g.objects(CAMEO.scheme, SKOS.hasTopConcept)) == roots
    for root in roots:
        assert _en(g, root).isupper(), root  # root names are upper case in the codebook
    for code in concepts - roots:
        (root,) = g.objects(code, SKOS.broader)
        assert _notation(g, code).startswith(_notation(g, root)), code  # 145 is under 14


def _acled_matches(g: Graph, concept: URIRef, props: tuple[URIRef, ...] = MATCHES) -> set[URIRef]:
    acled = _in_scheme(g, ACLED.scheme)
    return {t for p in props for t in g.objects(concept, p) if t in acled}


def test_no_event_type_is_exactly_two_acled_concepts(ontology_graph: Graph) -> None:
    for concept in _in_scheme(ontology_graph, KGET.scheme):
        assert len(_acled_matches(ontology_graph, concept, (SKOS.exactMatch,))) <= 1, concept


def test_umbrella_and_undecided_types_count_under_no_acled_type(ontology_graph: Graph) -> None:
    """unrest is an umbrella (it would be counted beside its sub-events); an armed attack, a seizure, a
    blockade and looting are coded by ACLED from the event (target, means, context), not from kg's type."""
    g = ontology_graph
    assert _acled_matches(g, KGET.unrest) == set()
    assert {t for p in MATCHES for t in g.objects(KGET.unrest, p)} == set()  # nor CAMEO
    for name in ("armed-attack", "seizure", "blockade", "looting"):
        assert _acled_matches(g, KGET[name], COUNTING_MATCHES) == set(), name


def test_blockade_is_protest_obstruction_in_cameo(ontology_graph: Graph) -> None:
    """CAMEO 144 Obstruct passage, block (14 PROTEST), not 191 Impose blockade (19 FIGHT, armed forces)."""
    g = ontology_graph
    targets = {t for p in COUNTING_MATCHES for t in g.objects(KGET.blockade, p)}
    assert targets == {CAMEO["144"]}
    assert g.value(CAMEO["144"], SKOS.broader) == CAMEO["14"]


def test_every_mapping_target_is_a_concept_of_a_scheme(ontology_graph: Graph) -> None:
    g = ontology_graph
    for prop in (*MATCHES, SKOS.relatedMatch):
        for source, target in g.subject_objects(prop):
            if str(target).startswith(VOCAB):
                assert (target, RDF.type, SKOS.Concept) in g, (source, target)
                assert g.value(target, SKOS.inScheme) is not None, target


# --------------------------------------------------------------------------------------------------
# precisions, statuses, qualifiers

PRECISION_CODES = [
    (UCDP["date-prec"], 5, KGP.scheme),
    (ACLED["time-precision"], 3, KGP.scheme),
    (UCDP["where-prec"], 7, KGG.scheme),
    (ACLED["geo-precision"], 3, KGG.scheme),
]


@pytest.mark.parametrize(("scheme", "count", "kg_scheme"), PRECISION_CODES, ids=lambda x: str(x).rsplit("/", 2)[-2:][0])
def test_every_dataset_precision_code_maps_to_one_kg_concept_of_its_own(
    ontology_graph: Graph, scheme: URIRef, count: int, kg_scheme: URIRef
) -> None:
    """Without loss: each code has exactly one kg concept, and no two codes of a dataset share one."""
    g = ontology_graph
    codes = _in_scheme(g, scheme)
    assert sorted(_notation(g, c) for c in codes) == [str(n) for n in range(1, count + 1)]
    kg_concepts = _in_scheme(g, kg_scheme)
    image = {}
    for code in codes:
        mapped = {k for k in kg_concepts for p in (SKOS.exactMatch, SKOS.closeMatch) if (k, p, code) in g}
        assert len(mapped) == 1, (code, mapped)
        image[code] = mapped.pop()
    assert len(set(image.values())) == len(codes)


def test_precision_concepts_keep_the_existing_ones(ontology_graph: Graph) -> None:
    g = ontology_graph
    assert {"day", "days", "week", "month", "year", "start-of-year"} == {
        _notation(g, c) for c in _in_scheme(g, KGP.scheme)
    }
    assert (KGP.day, SKOS.exactMatch, UCDP["date-prec-1"]) in g
    assert (KGP.days, SKOS.exactMatch, UCDP["date-prec-2"]) in g
    assert (KGG.country, SKOS.exactMatch, UCDP["where-prec-6"]) in g


def test_figure_statuses_are_wikidata_ranks_and_number_unknown_is_a_qualifier(ontology_graph: Graph) -> None:
    g = ontology_graph
    wikibase = "http://wikiba.se/ontology#"
    ranks = {_notation(g, c): str(g.value(c, SKOS.closeMatch)) for c in _in_scheme(g, KGS.scheme)}
    assert ranks == {
        "current": wikibase + "PreferredRank",
        "superseded": wikibase + "NormalRank",
        "withdrawn": wikibase + "DeprecatedRank",
    }
    assert _notation(g, KGQ.unknown) == "unknown"
    assert g.value(KGQ.unknown, SKOS.inScheme) == KGQ.scheme


def test_every_concept_and_scheme_has_english_and_indonesian_labels(ontology_graph: Graph) -> None:
    g = ontology_graph
    things = set(g.subjects(RDF.type, SKOS.Concept)) | set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(things) > 150
    for thing in things:
        languages = Counter(getattr(label, "language", None) for label in g.objects(thing, SKOS.prefLabel))
        assert languages["en"] == 1 and languages["id"] == 1, (thing, languages)
