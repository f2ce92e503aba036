"""Settings of a kg run; every field is described, every default can be overridden by the CLI."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg import paths
from kg.namespaces import DEFAULT_BASE

#: An http(s) IRI ending in "/" with none of the characters RFC 3987 forbids in IRIs.
_BASE_IRI = re.compile(r"^https?://[^\s<>\"{}|^`\\/][^\s<>\"{}|^`\\]*/$")


def _default_base() -> str:
    return os.environ.get("KG_BASE_IRI", DEFAULT_BASE)


@dataclass(frozen=True)
class SourceConfig:
    """One input a project declares: its name, its type (a key of `kg.sources.SOURCES`) and its path."""

    name: str
    type: str
    path: Path


#: The Settings field that holds the path of the source of a type, for the types a CLI flag overrides.
PATH_FIELDS = {"registry": "registry_file", "articles": "articles_dir"}

#: The inputs of a project that declares none: the bundled registry and articles.
DEFAULT_SOURCES = (
    SourceConfig("registry", "registry", paths.REGISTRY_FILE),
    SourceConfig("articles", "articles", paths.ARTICLES_DIR),
)


@dataclass(frozen=True)
class Settings:
    """Inputs and outputs of a build."""

    #: Base IRI of the published data; instance IRIs are `<base>id/<kind>/<key>`. Must end in `/`.
    base: str = field(default_factory=_default_base)
    #: Folder of article folders, each with `annotation.yaml` and its article text.
    articles_dir: Path = paths.ARTICLES_DIR
    #: Registry of shared entities (people, states, organisations, places, positions).
    registry_file: Path = paths.REGISTRY_FILE
    #: The OWL ontology and the SKOS vocabularies.
    ontology_files: tuple[Path, ...] = (paths.ONTOLOGY_FILE, paths.VOCAB_FILE)
    #: SHACL shapes the graph must conform to before dumps are written.
    shapes_file: Path = paths.SHAPES_FILE
    #: Where dumps and exports are written.
    dist_dir: Path = paths.DIST_DIR
    #: Licence of the published dumps (DCAT requires it on every distribution).
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    #: The inputs, in build order (a source comes after those it needs). The registry's and the
    #: articles' paths are `registry_file` and `articles_dir`, which the CLI flags override.
    sources: tuple[SourceConfig, ...] = DEFAULT_SOURCES

    def inputs(self) -> tuple[SourceConfig, ...]:
        """The sources with the paths the path fields give (--registry, --articles)."""
        return tuple(
            SourceConfig(s.name, s.type, getattr(self, PATH_FIELDS[s.type])) if s.type in PATH_FIELDS else s
            for s in self.sources
        )

    def __post_init__(self) -> None:
        from kg.errors import KGError

        if not _BASE_IRI.match(self.base):
            raise KGError(
                f"base IRI {self.base!r} is not an absolute http(s) IRI ending in '/' without spaces or <>\"{{}}|^`\\",
                field="base",
                hint="pass e.g. --base https://example.org/kg/",
            )
