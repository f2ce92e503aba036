"""`kg add ARTICLE.txt --id KEY --lang id|en [...]`: an article and its draft annotation in the project."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.project import Drafter, DraftRequest


def _extract_draft(request: DraftRequest) -> dict[str, list[Any]]:
    """`--draft extract`: the facts `kg extract` proposes (spaCy is imported only when it is chosen)."""
    from kg.extract import draft_sections

    return draft_sections(request)


def drafters() -> dict[str, Drafter]:
    """The project's drafters and the extractor's: name → drafter, for `kg add --draft`."""
    from kg.project import DRAFTERS

    return {**DRAFTERS, "extract": _extract_draft}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser(
        "add",
        help="copy an article's text into the project with a draft annotation.yaml to complete",
        description="Copy ARTICLE into <articles>/<KEY>/article.<LANG>.txt and write annotation.yaml beside it: "
        "the document record from the options, an empty events list. `kg validate` then says what is left.",
    )
    p.add_argument("article", type=Path, help="the article's text, UTF-8, copied byte for byte")
    p.add_argument("--id", required=True, dest="key", metavar="KEY", help="the article's key, e.g. voa-2022-01-07")
    p.add_argument("--lang", required=True, help="language of the text: id or en (BCP 47)")
    p.add_argument("--title", help="the article's title")
    p.add_argument("--published", help="day of publication, YYYY-MM-DD")
    p.add_argument("--publisher", help="registry key of the organisation that published it")
    p.add_argument("--url", help="where it was published")
    p.add_argument("--licence", help="IRI of the licence the text is published under")
    p.add_argument(
        "--draft",
        choices=sorted(drafters()),
        default="none",
        help="what proposes the facts: none (an empty list, the default) or extract (`kg extract`'s draft)",
    )
    p.add_argument("--articles", type=Path, help="folder of article folders (default: the project's)")


def run(args: argparse.Namespace) -> int:
    from kg.cli.options import project
    from kg.errors import KGError
    from kg.project import DOCUMENT_OPTIONS, add_article

    found = project()
    if found.found_by == "bundled" and args.articles is None:
        raise KGError(
            f"no kg.toml in {Path.cwd()} or a folder above it, and kg add does not write into the bundled data",
            hint="run `kg init DIR` and add the article from inside DIR, or pass --articles",
        )
    settings = found.settings({"articles_dir": args.articles})
    document = {"id": args.key, "language": args.lang}
    document |= {name: getattr(args, name) for name in DOCUMENT_OPTIONS if getattr(args, name) is not None}
    annotation = add_article(
        settings.articles_dir,
        args.article,
        document,
        registry_file=settings.registry_file,
        draft=drafters()[args.draft],
    )
    print(annotation)
    print("kg add: complete the annotation, then run kg validate", file=sys.stderr)
    return 0
