"""New people as draft entities (issue 16): a speaker the registry does not know becomes a person of the
draft (`people:`, with its span and rule), which `kg validate` accepts and `kg build` maps as a kgo:Person
with kgo:curationStatus "draft"; and the annotation format's `people:` section itself (loader checks).

The sentences and the registry are invented for these tests; expected values are written by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

import ruritania
from kg.annotation import Corpus, LoadedRegistry, load_article, load_registry
from kg.errors import AnnotationError
from kg.extract.draft import check_draft, draft_yaml
from kg.extract.engine import DraftOptions, extract
from kg.mapping import build_graph
from kg.namespaces import KGO
from kg.validation import validate_graph

REGISTRY = ruritania.REGISTRY
BASE = "https://example.org/kg/"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> LoadedRegistry:
    file = tmp_path_factory.mktemp("registry") / "registry.yaml"
    file.write_text(REGISTRY, encoding="utf-8")
    return load_registry(file)


def _draft(lang: str, text: str, registry: LoadedRegistry, folder: Path) -> tuple[str, Path]:
    """The draft of `text` as YAML, written beside the text in `folder`; returns the YAML and its file."""
    (folder / "article.txt").write_text(text, encoding="utf-8")
    opts = DraftOptions(lang, dt.date(2023, 3, 6), "invented", "article.txt", "voa", "invented")  # type: ignore[arg-type]
    ann = extract(text, registry.registry, opts)
    check_draft(ann, folder / "annotation.yaml", registry)
    yaml_text = draft_yaml(ann)
    (folder / "annotation.yaml").write_text(yaml_text, encoding="utf-8")
    return yaml_text, folder / "annotation.yaml"


@pytest.mark.parametrize(
    ("lang", "text", "person", "label"),
    [
        # titles before the name are left out of it
        (
            "en",
            "Riots broke out in Strelsau. Police spokesman Brigadier General Anton Wirawan said that 12 people "
            "were arrested in the city.",
            "anton-wirawan",
            "Anton Wirawan",
        ),
        (
            "id",
            "Kerusuhan terjadi di Strelsau. Menurut Kombes Budi Santoso, lima orang ditangkap di kota itu.",
            "budi-santoso",
            "Budi Santoso",
        ),
    ],
)
def test_a_speaker_the_registry_lacks_is_a_draft_person_with_the_claim(
    lang: str, text: str, person: str, label: str, registry: LoadedRegistry, tmp_path: Path
) -> None:
    _, file = _draft(lang, text, registry, tmp_path)
    ann = load_article(file, registry).annotation  # what `kg validate` loads
    assert [(p.id, p.label.get(lang)) for p in ann.people] == [(person, label)]
    assert ann.people[0].rule is not None and ann.people[0].rule.startswith("person.new-speaker@")
    assert [c.speaker for c in ann.claims] == [person]


def test_a_registry_person_or_a_title_alone_is_no_new_person(registry: LoadedRegistry, tmp_path: Path) -> None:
    text = (
        "Riots broke out in Strelsau. Rudolf Rassendyll said that the city was calm. "
        "The Regional Police Chief said that shops were closed."
    )
    _, file = _draft("en", text, registry, tmp_path)
    ann = load_article(file, registry).annotation
    assert ann.people == []
    assert [c.speaker for c in ann.claims] == ["rudolf-rassendyll"]


def test_kg_build_maps_a_draft_person_as_a_draft_kgo_person(
    registry: LoadedRegistry, tmp_path: Path, shapes_graph: Graph, ontology_graph: Graph
) -> None:
    text = "Riots broke out in Strelsau. Police spokesman Anton Wirawan said that 12 people were arrested."
    _, file = _draft("en", text, registry, tmp_path)
    article = load_article(file, registry)
    graph = build_graph(Corpus(registry, (article,)), BASE).graph
    report = validate_graph(graph, shapes_graph, ontology_graph)
    assert report.conforms, report.lines()
    people = set(graph.subjects(RDF.type, KGO.Person)) - {
        s for s in graph.subjects(RDF.type, KGO.Person) if "/person/rudolf-rassendyll" in str(s)
    }
    assert [str(p) for p in people] == [f"{BASE}id/person/invented/anton-wirawan"]
    (person,) = people
    assert (person, KGO.curationStatus, Literal("draft")) in graph
    assert (person, RDFS.label, Literal("Anton Wirawan", lang="en")) in graph
    assert (person, KGO.evidence, None) in graph


PERSON_ANNOTATION = """\
document: {{id: invented, title: Invented, language: en, text: article.txt, publisher: voa,
           published: "2023-03-06", curated: "2023-03-06"}}
people:
  - {{id: anton-wirawan, label: {{en: Anton Wirawan}}, evidence: "Anton Wirawan"}}
events:
  - id: riots
    type: riot
    label: {{en: Riots in Strelsau}}
    date: "2023-03-06"
    precision: day
    location: strelsau
    evidence: "Riots broke out in Strelsau."
    roles:
      - {{role: participant, actor: {actor}, evidence: "Anton Wirawan"}}
"""


def test_an_annotation_names_its_own_people_and_a_misspelt_one_is_an_error(
    registry: LoadedRegistry, tmp_path: Path
) -> None:
    (tmp_path / "article.txt").write_text("Riots broke out in Strelsau. Anton Wirawan was there.", encoding="utf-8")
    file = tmp_path / "annotation.yaml"
    file.write_text(PERSON_ANNOTATION.format(actor="anton-wirawan"), encoding="utf-8")
    assert load_article(file, registry).annotation.people[0].id == "anton-wirawan"
    file.write_text(PERSON_ANNOTATION.format(actor="anton-wirawn"), encoding="utf-8")
    with pytest.raises(AnnotationError, match="anton-wirawn"):
        load_article(file, registry)
