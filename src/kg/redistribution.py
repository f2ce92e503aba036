"""Publishing rows of datasets whose terms forbid redistribution (ACLED) is an explicit choice.

`kg build` records each dataset release's terms in void.ttl (kgo:redistributable); `kg push` and
`kg serve` read them there and refuse a build holding restricted rows unless given the flag below.
Kept apart from the dataset sources so that the command line can name the flag without loading them.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import KGError

#: the flag of `kg push` and `kg serve` that publishes rows of datasets whose terms forbid it, and its help
RESTRICTED_FLAG = "--include-restricted"
RESTRICTED_HELP = (
    "also publish a build holding rows of datasets whose terms forbid redistributing them (ACLED): "
    "without it kg refuses, since serving or pushing such rows passes them on; give it only for a "
    "private store or server, or with the data owner's permission"
)


def restricted_releases(dist: Path) -> list[str]:
    """The dataset releases in a build (its void.ttl) whose terms forbid redistribution (kgo:redistributable false)."""
    from rdflib import Graph, Literal

    from kg.namespaces import KGO

    void = dist / "void.ttl"
    if not void.is_file():
        return []
    graph = Graph().parse(void, format="turtle")
    return sorted(str(s) for s in graph.subjects(KGO.redistributable, Literal(False)))


def check_redistribution(dist: Path, included: bool, command: str) -> None:
    """Refuse to publish a build with restricted dataset rows unless `--include-restricted` was given."""
    restricted = restricted_releases(dist)
    if restricted and not included:
        raise KGError(
            f"the build in {dist} holds rows of {', '.join(restricted)}, whose terms forbid redistributing them",
            hint=f"`kg {command} {RESTRICTED_FLAG}` publishes them anyway: only for a private store or with "
            "the data owner's permission",
        )
