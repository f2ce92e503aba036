"""`kg schema annotation|registry`: print the JSON Schema of an input file format."""

from __future__ import annotations

import argparse
import json

from kg.annotation import SCHEMAS, json_schema


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of the annotation or registry YAML format")
    p.add_argument("name", choices=sorted(SCHEMAS), help="which file format")


def run(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(args.name), indent=2, sort_keys=True, ensure_ascii=False))
    return 0
