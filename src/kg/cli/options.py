"""Options shared by several subcommands, and turning them into Settings."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.config import Settings


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """--base, --articles, --registry, --dist."""
    parser.add_argument("--base", help="base IRI of the data (default: $KG_BASE_IRI or https://w3id.org/conflict-kg/)")
    parser.add_argument("--articles", type=Path, help="folder of article folders (default: the bundled data/articles)")
    parser.add_argument("--registry", type=Path, help="registry of shared entities (default: data/registry.yaml)")
    parser.add_argument("--dist", type=Path, help="output folder (default: dist/)")


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the project's kg.toml with the command-line overrides applied."""
    from kg.project import load_settings

    overrides: dict[str, object] = {}
    for option, field in (
        ("base", "base"),
        ("articles", "articles_dir"),
        ("registry", "registry_file"),
        ("dist", "dist_dir"),
    ):
        value = getattr(args, option, None)
        if value is not None:
            overrides[field] = value
    return load_settings(overrides)
