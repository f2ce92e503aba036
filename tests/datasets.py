"""What the dataset-import tests share: rows of files mapped into an rdflib graph, in-process."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.mapping import RegistryTerms, map_dataset_reports
from kg.sources.dataset import Dataset, Imported, import_files

BASE = "https://example.org/kg/"
NO_REGISTRY = RegistryTerms({}, {}, {})


def import_graph(
    dataset: Dataset, files: Sequence[Path], release: str, registry: RegistryTerms = NO_REGISTRY
) -> tuple[Imported, Graph]:
    """The rows of `files` as one release: what was imported and refused, and the graph of the reports."""
    imported = import_files(dataset, list(files), release, registry)
    triples: set[tuple[URIRef, URIRef, URIRef | Literal]] = set()
    map_dataset_reports(imported.release, imported.reports, registry, BASE, triples)
    graph = Graph()
    for t in triples:
        graph.add(t)
    return imported, graph
