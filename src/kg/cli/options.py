"""Options shared by several subcommands, finding the project, and turning both into Settings.

The order, first wins: a flag (--base, --articles, --registry, --dist), then $KG_BASE_IRI for the
base, then the kg.toml of $KG_HOME, else the nearest kg.toml in the working folder or above it,
else the bundled data (said on stderr); then the built-in defaults.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.config import Settings
    from kg.project import Project


def jobs_count(text: str) -> int:
    """A --jobs value: a whole number, 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return int(text)


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """--base, --articles, --registry, --dist."""
    parser.add_argument("--base", help="base IRI of the data (default: $KG_BASE_IRI, the project's kg.toml)")
    parser.add_argument("--articles", type=Path, help="folder of article folders (default: the project's)")
    parser.add_argument("--registry", type=Path, help="registry of shared entities (default: the project's)")
    parser.add_argument("--dist", type=Path, help="output folder (default: the project's dist/)")


class _Version(argparse.Action):
    """`kg --version`: the version and the project a command run here would use."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from kg import __version__

        print(f"kg {__version__}; {project().describe()}")
        parser.exit()


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """--version and --verbose, which name the project in use."""
    parser.add_argument("--version", action=_Version, help="print kg's version and the project in use, and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="say on stderr which project is used")


def project() -> Project:
    """The project of a command run in the working folder."""
    from kg.project import locate_project

    return locate_project()


def announce_project(args: argparse.Namespace) -> None:
    """With --verbose, name the project on stderr before the command runs."""
    if getattr(args, "verbose", False):
        print(f"kg {args.command}: {project().describe()}", file=sys.stderr)


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the project's kg.toml with the command-line overrides applied.

    Outside any project the bundled data is used, and stderr says so unless both --articles and
    --registry name the inputs.
    """
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
    found = project()
    named = getattr(args, "articles", None) is not None and getattr(args, "registry", None) is not None
    if found.found_by == "bundled" and not named and not getattr(args, "verbose", False):
        print(
            f"kg {args.command}: no kg.toml in {Path.cwd()} or a folder above it: using the bundled data "
            f"in {found.root} (`kg init DIR` starts a project of your own)",
            file=sys.stderr,
        )
    return found.settings(overrides)
