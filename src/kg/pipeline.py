"""The order of the stages, once: annotations → graph → SHACL → (reasoning) → dumps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg import paths
from kg.annotation import Corpus, load_corpus, parse_iso_day
from kg.atomic import write_files_atomically
from kg.config import Settings
from kg.errors import ValidationFailed
from kg.exporters.rdf import DatasetInfo, render_dumps
from kg.mapping import Mapped, build_graph
from kg.namespaces import KGO
from kg.reasoning import INFERRED_FILE, Inference, ReasonerSettings
from kg.reasoning import reason as run_reasoner
from kg.store import read_rdf
from kg.validation import Report, validate_graph


def load_ontology(settings: Settings) -> Graph:
    """The ontology and vocabularies as one graph."""
    return read_rdf(settings.ontology_files)


def load_shapes(settings: Settings) -> Graph:
    """The SHACL shapes graph."""
    return read_rdf([settings.shapes_file])


def load_inputs(settings: Settings, annotation_files: list[Path] | None = None) -> Corpus:
    """Load and check the registry and the article annotations."""
    files = annotation_files if annotation_files is not None else paths.annotation_files(settings.articles_dir)
    return load_corpus(settings.registry_file, files)


def map_corpus(settings: Settings, annotation_files: list[Path] | None = None) -> Mapped:
    """Load the annotations and map them to the data graph (no validation)."""
    return build_graph(load_inputs(settings, annotation_files), settings.base)


def check(mapped: Mapped, settings: Settings) -> Report:
    """Validate a mapped graph against the shapes, with the ontology merged in."""
    return validate_graph(mapped.graph, load_shapes(settings), load_ontology(settings), mapped.origins)


def infer(mapped: Mapped, settings: Settings, options: ReasonerSettings | None = None) -> Inference:
    """Reason over a mapped graph with the ontology; raise InconsistentGraph naming the clashes."""
    return run_reasoner(mapped.graph, load_ontology(settings), mapped.origins, options)


def dataset_info(corpus: Corpus, graph: Graph, settings: Settings) -> DatasetInfo:
    """What VoID says about the build; the date comes from the inputs, never from the clock."""
    dates = [parse_iso_day(a.annotation.document.curated) for a in corpus.articles]
    generated = max(dates) if dates else dt.date(1970, 1, 1)
    sources = tuple(sorted(s for s in graph.subjects(RDF.type, KGO.SourceDocument) if isinstance(s, URIRef)))
    examples = tuple(sorted(s for s in graph.subjects(RDF.type, KGO.Summit) if isinstance(s, URIRef)))[:3]
    return DatasetInfo(settings.base, settings.license, generated, sources, examples)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    mapped: Mapped
    report: Report
    files: tuple[Path, ...]


def build(
    settings: Settings,
    annotation_files: list[Path] | None = None,
    reason: bool = False,
    shacl_engine: str = "pyshacl",
    store: Path | None = None,
) -> BuildResult:
    """Run every stage and write the dumps; refuse to write anything if the graph does not conform.

    `shacl_engine` names a `kg.validation_fast.ENGINES` entry; `store` also loads the published
    files into a persistent Oxigraph store folder.
    """
    from kg.validation_fast import get_engine

    corpus = load_inputs(settings, annotation_files)
    mapped = build_graph(corpus, settings.base)
    ontology = load_ontology(settings)
    report = get_engine(shacl_engine)(mapped.graph, load_shapes(settings), ontology, mapped.origins)
    if not report.conforms:
        raise ValidationFailed(
            f"the graph does not conform to {settings.shapes_file}: {len(report.violations)} violation(s); "
            "no dumps were written",
            report.lines(),
        )
    payloads = render_dumps(mapped.graph, dataset_info(corpus, mapped.graph, settings), ontology)
    if reason:  # asserted + inferred, or nothing if the graph is inconsistent
        payloads[INFERRED_FILE] = infer(mapped, settings).turtle(settings.base)
    files = {settings.dist_dir / name: data for name, data in payloads.items()}
    write_files_atomically(files, stale=[settings.dist_dir / paths.INFERRED_NAME])
    if store is not None:
        from kg.store import load_store, published_files

        load_store(store, published_files(settings.dist_dir, include_inferred=INFERRED_FILE in payloads))
    return BuildResult(mapped, report, tuple(sorted(files)))
