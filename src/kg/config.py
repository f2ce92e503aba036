"""Settings of a kg run; every field is described, every default can be overridden by the CLI."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

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

#: The inputs of a project that declares none: the bundled registry and articles (the bundled kg.toml
#: adds six UCDP GED rows and the links kg link made of data/links.yaml).
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
    #: Curated link decisions for `kg link` (kg.toml's `links`); None: links.yaml at the project's root, if any.
    links_file: Path | None = None

    def inputs(self) -> tuple[SourceConfig, ...]:
        """The sources with the paths the path fields give (--registry, --articles).

        A registry or articles other than the declared ones (a flag names them) are read alone: the
        project's datasets and links are of its own registry and articles (its links name their events).
        """
        own = all(
            Path(getattr(self, PATH_FIELDS[s.type])).resolve() == s.path.resolve()
            for s in self.sources
            if s.type in PATH_FIELDS
        )
        return tuple(
            SourceConfig(s.name, s.type, getattr(self, PATH_FIELDS[s.type])) if s.type in PATH_FIELDS else s
            for s in self.sources
            if own or s.type in PATH_FIELDS
        )

    def __post_init__(self) -> None:
        from kg.errors import KGError

        if not _BASE_IRI.match(self.base):
            raise KGError(
                f"base IRI {self.base!r} is not an absolute http(s) IRI ending in '/' without spaces or <>\"{{}}|^`\\",
                field="base",
                hint="pass e.g. --base https://example.org/kg/",
            )


@dataclass(frozen=True)
class ServerLimits:
    """The bounds `kg serve` enforces beyond a query's time and rows; each is a `kg serve` flag (README, "Limits")."""

    #: the whole server (main process and query workers) stays under this many MB of resident memory:
    #: worker_memory_mb defaults to what is left of it after the main process's share, split between workers
    memory_mb: int = 1024
    #: resident memory (MB) a query worker may reach while answering; it is killed and replaced, the request
    #: gets 503. 0: derived from memory_mb
    worker_memory_mb: int = 0
    #: largest request body (a POSTed query), read in chunks and refused with 413 as soon as it is passed
    max_body_bytes: int = 1 << 20
    #: largest request line plus headers; a longer head is answered 400 (uvicorn's h11_max_incomplete_event_size)
    max_header_bytes: int = 16 << 10
    #: seconds a client has to send a request's line and headers (from connecting, or from the end of the
    #: previous answer) and then its body; a slow head closes the connection, a slow body gets 408
    request_timeout_s: float = 10.0
    #: seconds an idle keep-alive connection stays open (uvicorn's timeout_keep_alive)
    idle_timeout_s: float = 5.0
    #: connections and requests at once; more are answered 503 (uvicorn's limit_concurrency)
    max_connections: int = 64
    #: seconds a query answer may take to reach the client; a slower client is disconnected. Dumps may take
    #: longer but are cut when the client reads nothing for this long
    send_timeout_s: float = 10.0
    #: largest answer a worker may produce (bytes of the rendered result); a larger one is answered 503
    max_answer_bytes: int = 16 << 20
    #: bytes of answers being sent at once; an answer that does not fit is answered 503 until others are sent
    max_sending_bytes: int = 128 << 20
    #: bytes of answers the answer cache keeps (besides its entry count)
    cache_bytes: int = 64 << 20
    #: extra query workers kept for clients with nothing running, so that one client's slow queries cannot
    #: lock every other client out (a client is an IP address)
    reserved_workers: int = 1
    #: deepest nesting of a query text (brackets plus a run of `! - + ^`), refused before any parser runs
    max_query_depth: int = 32

    #: resident memory (MB) counted for the main process before any answer: Python, Starlette, the templates
    MAIN_BASE_MB: ClassVar[int] = 128

    def worker_cap_mb(self, workers: int) -> int:
        """The per-worker memory cap: worker_memory_mb, or memory_mb less the main process's share, split."""
        if self.worker_memory_mb:
            return self.worker_memory_mb
        main = self.MAIN_BASE_MB + (self.cache_bytes + self.max_sending_bytes) // (1 << 20)
        return max(64, (self.memory_mb - main) // (workers + self.reserved_workers))
