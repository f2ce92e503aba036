"""`kg import`: rows of an event dataset (UCDP GED …) → one named graph of reports, as N-Quads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.atomic import write_outputs
from kg.cli.options import settings_from
from kg.sources.dataset import RowError, datasets, import_dataset, slug


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="import rows of an event dataset (UCDP GED) as reports in one named graph per release (N-Quads)",
        description="Map every row of the files to a report of an event, validate them with the shapes and "
        "write the release's named graph as N-Quads. A refused row is one line on stderr (file:line:column: "
        "what is wrong); the other rows are imported, and the exit code is 1.",
    )
    p.add_argument("dataset", choices=sorted(datasets()), help="the dataset the files are rows of")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files of the dataset (one release)")
    p.add_argument("--release", help="release key, the name of the named graph (default: the first file's name)")
    p.add_argument("--strict", action="store_true", help="stop at the first refused row and write nothing")
    p.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="N-Quads file to write (default: DIST/DATASET-RELEASE.nq)"
    )
    p.add_argument("--base", help="base IRI of the data (default: $KG_BASE_IRI or https://w3id.org/conflict-kg/)")
    p.add_argument("--registry", type=Path, help="registry of shared entities (default: data/registry.yaml)")
    p.add_argument("--dist", type=Path, help="output folder (default: dist/)")


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    release = args.release or slug(args.files[0].stem)

    def refused(error: RowError) -> None:
        print(error.render(), file=sys.stderr)

    result = import_dataset(
        args.dataset,
        args.files,
        release,
        settings.registry_file,
        settings.base,
        settings.shapes_file,
        settings.ontology_files,
        strict=args.strict,
        on_refused=refused,
    )
    output = args.output or settings.dist_dir / f"{result.release.dataset}-{result.release.release}.nq"
    write_outputs({output: result.nquads}, make_folders=args.output is None)
    n = len(result.refused)
    print(
        f"kg import: {result.reports} row(s) imported, {n} refused; {result.triples} triples in <{result.graph}>",
        file=sys.stderr,
    )
    print(output)
    return 1 if n else 0
