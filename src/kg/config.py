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

    def __post_init__(self) -> None:
        from kg.errors import KGError

        if not _BASE_IRI.match(self.base):
            raise KGError(
                f"base IRI {self.base!r} is not an absolute http(s) IRI ending in '/' without spaces or <>\"{{}}|^`\\",
                field="base",
                hint="pass e.g. --base https://example.org/kg/",
            )
