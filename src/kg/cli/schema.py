"""`kg schema annotation|registry`: print the JSON Schema of an input file format."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kg.atomic import write_output

#: the names of kg.annotation.SCHEMAS, here so that `kg schema --help` need not import pydantic
SCHEMA_NAMES = ("annotation", "registry")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of the annotation or registry YAML format")
    p.add_argument("name", choices=SCHEMA_NAMES, help="which file format")
    p.add_argument("-o", "--output", type=Path, help="write the schema to this file (default, or -: stdout)")


def json_schema(name: str) -> dict[str, Any]:
    """kg.annotation.json_schema, imported when it is used (pydantic is not needed for `--help`)."""
    from kg.annotation import json_schema as schema_of

    return schema_of(name)


def run(args: argparse.Namespace) -> int:
    text = json.dumps(json_schema(args.name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_output(args.output, text.encode())
    return 0
