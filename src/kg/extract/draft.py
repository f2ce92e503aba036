"""A draft annotation as text: kg's own YAML format, or Turtle through kg's own mapping (pure)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.annotation import Annotation, Corpus, LoadedRegistry, load_article
from kg.errors import MissingExtra
from kg.extract.lexicon import lexicon_version
from kg.mapping import build_graph

_LAST = ("rule", "confidence")


def _ordered(value: Any) -> Any:
    """The dumped records with `rule` and `confidence` after the fact's own fields, occurrences spelled out."""
    if isinstance(value, dict):
        if set(value) == {"quote"}:  # a repeated quote's first occurrence: say which, as a curator would
            return {"quote": value["quote"], "occurrence": 1}
        head = {k: _ordered(v) for k, v in value.items() if k not in _LAST}
        return {**head, **{k: value[k] for k in _LAST if k in value}}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def annotation_data(ann: Annotation) -> dict[str, Any]:
    """The annotation as the plain data of its YAML file (defaults left out)."""
    data: dict[str, Any] = _ordered(ann.model_dump(mode="json", by_alias=True, exclude_defaults=True))
    return data


def draft_yaml(ann: Annotation) -> str:
    """The draft as kg annotation YAML, with a header saying what it is and how to curate it.

    Written with PyYAML's C emitter where it is built (ruamel's pure-Python one took two thirds of a
    draft's time); every string that YAML could read as another type is quoted, so kg reads back the
    same records.
    """
    try:
        import yaml
    except ImportError:
        raise MissingExtra(
            "kg extract needs PyYAML", hint="install the extract extra: pip install 'kg-conflict[extract]'"
        ) from None

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(annotation_data(ann), Dumper=dumper, sort_keys=False, allow_unicode=True, width=4096)
    header = (
        f"# Draft annotation proposed by `kg extract` (lexicons {lexicon_version()}), not curated.\n"
        "# Every fact names the rule that proposed it and a confidence. To curate: check each fact against\n"
        "# its evidence, fix or delete it, then remove `status: draft` and the `rule`/`confidence` fields.\n"
    )
    return header + str(body)


def check_draft(ann: Annotation, annotation_file: Path, registry: LoadedRegistry) -> Any:
    """Check the draft exactly as `kg validate` checks an annotation file; return the loaded Article."""
    data = annotation_data(ann)
    read: Callable[[Path], tuple[Any, dict[Any, int]]] = lambda _file: (data, {})  # noqa: E731
    return load_article(annotation_file, registry, read)


def draft_turtle(ann: Annotation, annotation_file: Path, registry: LoadedRegistry, base: str) -> str:
    """The draft as Turtle: kg's mapping of the checked draft with the registry it refers to (self-contained)."""
    article = check_draft(ann, annotation_file, registry)
    graph: Graph = build_graph(Corpus(registry, (article,)), base).graph
    return graph.serialize(format="turtle")
