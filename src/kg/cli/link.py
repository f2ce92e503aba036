"""`kg link`: propose links between reports of the same event; curated decisions in links.yaml win."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "link",
        help="link reports of the same real-world event across sources (writes dist/links.nq and link-proposals.json)",
    )
    p.add_argument("--dist", type=Path, help="folder of the published build, read and written (default: the project's)")
    p.add_argument(
        "--links",
        type=Path,
        help="curated decisions (default: links.yaml in the project's folder, when there is one)",
    )
    p.add_argument("--data", type=Path, action="append", default=[], help="more RDF to link (repeatable)")
    p.add_argument("--base", help="base IRI of the data (default: $KG_BASE_IRI, the project's kg.toml)")


def _read_union(file: Path, graph: Graph) -> None:
    """Add a file's triples to `graph`; the quads of every named graph too (N-Quads, TriG: `kg import`
    writes one named graph per release), which kg.store.read_rdf would leave out of a plain graph."""
    from rdflib import Dataset

    from kg.store import rdf_format, read_rdf

    fmt = rdf_format(file)
    if fmt not in ("nquads", "trig"):
        read_rdf([file], into=graph)
        return
    ds = Dataset()
    read_rdf([file], into=ds)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))


def run(args: argparse.Namespace) -> int:
    from kg.atomic import write_outputs
    from kg.cli.options import project, settings_from
    from kg.link import link_graph
    from kg.link.decisions import DEFAULT_FILE
    from kg.store import published_files, read_rdf

    settings = settings_from(args)
    graph = read_rdf(published_files(settings.dist_dir))
    for file in args.data:
        _read_union(file, graph)
    decisions = args.links
    if decisions is None:
        default = project().root / DEFAULT_FILE
        decisions = default if default.is_file() else None
    out = link_graph(graph, settings.base, decisions)
    nq, js = settings.dist_dir / "links.nq", settings.dist_dir / "link-proposals.json"
    write_outputs({nq: out.nquads, js: out.proposals})
    print(
        f"kg link: {out.links} link(s), {out.curated} of them curated, making {out.events} event(s) of several; "
        f"wrote {nq} and {js}"
    )
    return 0
