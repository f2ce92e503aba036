"""The one place that knows where the bundled ontology, data and queries live."""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    """$KG_HOME, else the checkout this module sits in (src/kg → ../..), else the copy in the wheel."""
    here = Path(__file__).resolve().parent
    candidates = [Path(p) for p in (os.environ.get("KG_HOME"),) if p]
    candidates += [here.parents[1], here / "_bundled"]
    for root in candidates:
        if (root / "ontology" / "kg.ttl").is_file():
            return root
    return candidates[0]


#: Folder holding ontology/, data/ and queries/.
PROJECT_ROOT = _find_root()

ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kg.ttl"
VOCAB_FILE = ONTOLOGY_DIR / "vocab.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
RULES_DIR = ONTOLOGY_DIR / "rules"

DATA_DIR = PROJECT_ROOT / "data"
REGISTRY_FILE = DATA_DIR / "registry.yaml"
ARTICLES_DIR = DATA_DIR / "articles"
ANNOTATION_NAME = "annotation.yaml"

QUERIES_DIR = PROJECT_ROOT / "queries"
DIST_DIR = Path("dist")
#: Inferred triples written by `kg reason` / `kg build --reason`; any other build removes it as stale.
INFERRED_NAME = "kg-inferred.ttl"


def cache_dir(dist_dir: Path) -> Path:
    """The build cache inside an output folder (chunks, state, folder digests)."""
    return dist_dir / ".kg-cache"


def push_records_dir(dist_dir: Path) -> Path:
    """Where `kg push` records what it left in each store, inside the build cache."""
    return cache_dir(dist_dir) / "push"


def annotation_files(articles_dir: Path = ARTICLES_DIR) -> list[Path]:
    """Return every article annotation under `articles_dir`, sorted for a stable build order."""
    return sorted(articles_dir.glob(f"*/{ANNOTATION_NAME}"))
