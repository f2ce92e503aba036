"""Shared fixtures: the seed corpus, its graph, the ontology and shapes, and one built dist/."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg import pipeline
from kg.config import Settings
from kg.mapping import Mapped
from kg.project import load_settings

CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The bundled project's settings (its kg.toml: registry, articles, UCDP rows, links); output in built_dist."""
    return load_settings()


@pytest.fixture(scope="session")
def seed_mapped(settings: Settings) -> Mapped:
    """The seed corpus mapped to RDF (not validated)."""
    return pipeline.map_corpus(settings)


@pytest.fixture(scope="session")
def seed_graph(seed_mapped: Mapped) -> Graph:
    """The seed data graph."""
    return seed_mapped.graph


@pytest.fixture(scope="session")
def ontology_graph(settings: Settings) -> Graph:
    """Ontology + vocabularies."""
    return pipeline.load_ontology(settings)


@pytest.fixture(scope="session")
def shapes_graph(settings: Settings) -> Graph:
    """SHACL shapes."""
    return pipeline.load_shapes(settings)


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full `kg build` of the seed into a temporary dist/ folder (built once per session)."""
    dist = tmp_path_factory.mktemp("dist")
    pipeline.build(load_settings({"dist_dir": dist}))
    return dist


@pytest.fixture(scope="session")
def published_graph(built_dist: Path) -> Graph:
    """dist/kg.ttl + dist/ontology.ttl loaded into one in-memory graph, as `kg query` sees it."""
    from kg.store import open_graph, published_files

    return open_graph(published_files(built_dist))


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """`kg build --store`: the seed's dist/ and the on-disk Oxigraph store built with it (open it read-only)."""
    from kg.cli import main

    root = tmp_path_factory.mktemp("seed-with-store")
    dist, store = root / "dist", root / "store"
    assert main(["build", "--dist", str(dist), "--store", str(store)]) == 0
    return dist, store
