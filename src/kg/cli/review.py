"""`kg review [ARTICLE_FOLDER…]`: a local page to accept, edit or reject the facts of draft annotations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli.options import settings_from


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "review",
        help="a page to accept, edit or reject the facts of draft annotations, written back to annotation.yaml",
        description="Serve a page per draft: the article with every draft fact highlighted, grouped by event. "
        "Each decision is checked like `kg validate` and written back to annotation.yaml, comments kept; an "
        "invalid one is shown beside its fact and not written. Listens on 127.0.0.1 unless --host says otherwise.",
    )
    p.add_argument(
        "folders",
        nargs="*",
        type=Path,
        metavar="ARTICLE_FOLDER",
        help="folders holding annotation.yaml (default: the project's articles whose annotation says status: draft)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8001, help="port (default: 8001)")
    p.add_argument("--registry", type=Path, help="registry of shared entities (default: the project's)")
    p.add_argument("--articles", type=Path, help="folder of article folders (default: the project's)")
    p.add_argument("--base", help="base IRI the annotations are checked under (default: the project's)")


def run(args: argparse.Namespace) -> int:
    from kg.review import draft_folders
    from kg.review.app import ReviewSettings, create_app, listen, serve_review

    settings = settings_from(args)
    folders = list(args.folders) or draft_folders(settings.articles_dir)
    app = create_app(
        ReviewSettings(
            folders,
            settings.registry_file,
            settings.base,
            settings.ontology_files,
            settings.shapes_file,
            host=args.host,
        )
    )
    sock = listen(args.host, args.port)
    print(f"kg review: http://{args.host}:{args.port}/ ({len(folders)} document(s))", file=sys.stderr)
    serve_review(app, sock)
    return 0
