"""`kg link`: propose links between reports of the same event; curated decisions in links.yaml win."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.cli.options import jobs_count


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "link",
        help="link reports of the same real-world event across sources (writes dist/links.nq and link-proposals.json)",
    )
    p.add_argument("--dist", type=Path, help="folder of the published build, read and written (default: the project's)")
    p.add_argument(
        "--links",
        type=Path,
        help="curated decisions (default: kg.toml's links, else links.yaml in the project's folder when there is one)",
    )
    p.add_argument("--data", type=Path, action="append", default=[], help="more RDF to link (repeatable)")
    p.add_argument(
        "--rows",
        nargs=2,
        action="append",
        default=[],
        metavar=("DATASET", "FILE"),
        help="link a dataset file's rows (ucdp, acled or gdelt; repeatable), read straight into records without a "
        "build or an import: for millions of rows. Only these rows and --data are linked unless --with-build; "
        "the proposals list the pairs scoring at least the threshold",
    )
    p.add_argument("--with-build", action="store_true", help="with --rows, link the published build's reports too")
    p.add_argument("--base", help="base IRI of the data (default: $KG_BASE_IRI, the project's kg.toml)")
    p.add_argument(
        "--jobs",
        type=jobs_count,
        metavar="N",
        help="processes scoring the candidate pairs of --rows (default: one per core from 20,000 reports; 1: none); "
        "each holds a share of the report table, so memory grows with N",
    )


def run(args: argparse.Namespace) -> int:
    from kg.atomic import write_outputs
    from kg.cli.options import project, settings_from
    from kg.link import link_files, link_graph
    from kg.link.decisions import DEFAULT_FILE, LinkDecisionError
    from kg.store import published_files, read_rdf

    settings = settings_from(args)
    decisions = args.links or settings.links_file
    if decisions is None:
        default = project().root / DEFAULT_FILE
        decisions = default if default.is_file() else None
    elif not decisions.is_file():
        hint = "write it, or name another with --links or kg.toml's links"
        raise LinkDecisionError("no such file", file=decisions, hint=hint)
    nq, js = settings.dist_dir / "links.nq", settings.dist_dir / "link-proposals.json"
    if args.rows:
        rows = [(name, Path(file)) for name, file in args.rows]
        graph = read_rdf(published_files(settings.dist_dir)) if args.with_build else None
        if args.data:
            graph = read_rdf(args.data, into=graph)
        streamed, reports, below = link_files(
            settings.base, rows, settings.registry_file, settings.ontology_files, graph, decisions, args.jobs
        )
        write_outputs({nq: streamed.nquads, js: streamed.proposals}, make_folders=True)  # made as written
        print(
            f"kg link: {reports} report(s), {streamed.links} link(s), {streamed.curated} of them curated, making "
            f"{streamed.events} "
            f"event(s) of several; {below} candidate pair(s) below the threshold left out; wrote {nq} and {js}"
        )
        return 0
    graph = read_rdf(published_files(settings.dist_dir))
    read_rdf(args.data, into=graph)  # N-Quads and TriG (kg import's releases) with their named graphs
    out = link_graph(graph, settings.base, decisions, read_rdf([settings.shapes_file]))
    write_outputs({nq: out.nquads, js: out.proposals})
    print(
        f"kg link: {out.links} link(s), {out.curated} of them curated, making {out.events} event(s) of several; "
        f"wrote {nq} and {js}"
    )
    return 0
