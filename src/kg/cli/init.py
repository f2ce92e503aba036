"""`kg init DIR`: start a project (kg.toml, an empty registry, data/articles/, a README)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "init",
        help="start a project in DIR: kg.toml, an empty registry, data/articles/, a README",
        description="Write a new kg project into DIR (created if missing). Every kg command run in DIR or below "
        "then uses it. Refuses a folder that already has a kg.toml; keeps any other file already there.",
    )
    p.add_argument("dir", type=Path, help="the project's folder")
    p.add_argument("--example", action="store_true", help="copy the bundled articles and registry as a worked example")


def run(args: argparse.Namespace) -> int:
    from kg.project import create_project

    done = create_project(args.dir, example=args.example)
    for file in done.kept:
        print(f"kg init: kept {file} as it was", file=sys.stderr)
    what = f"{len(done.written)} files, with the bundled example" if args.example else "an empty project"
    print(
        f"kg init: {what} in {args.dir}; next: cd {args.dir} && kg add ARTICLE.txt --id KEY --lang en", file=sys.stderr
    )
    return 0
