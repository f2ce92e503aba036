"""`kg review`: a local page that turns a draft annotation into a curated one, fact by fact.

`facts` lists a draft's facts with their spans in the article (pure); `decide` applies a curator's
decision to the YAML file, keeping its comments and order, re-validates it and writes it atomically;
`app` is the small Starlette app of its own (kg serve stays read-only).
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import KGError


def draft_folders(articles_dir: Path) -> list[Path]:
    """The article folders under `articles_dir` whose annotation says `status: draft`, sorted."""
    from kg.annotation import read_yaml_fast
    from kg.paths import ANNOTATION_NAME

    folders = []
    for file in sorted(articles_dir.glob(f"*/{ANNOTATION_NAME}")):
        try:
            data, _ = read_yaml_fast(file)
        except KGError:
            folders.append(file.parent)  # a draft that does not load is one to review too: the page says why
            continue
        document = data.get("document") if isinstance(data, dict) else None
        if isinstance(document, dict) and document.get("status") == "draft":
            folders.append(file.parent)
    if not folders:
        raise KGError(
            "no draft annotation (status: draft) in the articles folder",
            file=articles_dir,
            hint="name the article folders to review: kg review FOLDER…",
        )
    return folders
