"""`kg status [--json]`: what the project holds and what is left (drafts, sources, the last build)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from kg.cli.options import add_input_options

if TYPE_CHECKING:
    from kg.project import Status


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "status",
        help="what the project holds: documents and facts (curated vs draft), sources, whether the build is stale",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object, for scripts")
    add_input_options(p)


#: what a chunk of a source type is, in the plain-text report
UNITS = {"registry": "file", "articles": "article(s)", "links": "file", "ucdp": "file(s)", "acled": "file(s)"}
UNITS["gdelt"] = "file(s)"


def render_text(status: Status) -> str:
    """The plain-text report: one fact per line, what is left last."""
    docs = status.documents
    unreadable = f", {docs['unreadable']} unreadable" if docs["unreadable"] else ""
    lines = [
        f"project   {status.project} ({status.found_by})",
        f"documents {docs['curated'] + docs['draft']}: {docs['curated']} curated, {docs['draft']} draft{unreadable}",
    ]
    for section, counts in status.facts.items():
        lines.append(f"  {section:<9} {counts['curated']} curated, {counts['draft']} draft")
    for s in status.sources:
        unit = UNITS.get(s.type, "chunk(s)")
        count = s.problem or (f"{s.chunks} {unit}" if s.exists else "missing")
        if s.releases:
            count += f", release(s) {', '.join(s.releases)}"
        lines.append(f"source    {s.name} ({s.type}) {s.path}: {count}")
    build = status.build
    if build.built is None:
        lines.append(f"build     none in {build.dist} (run kg build)")
    else:
        state = f"stale: {len(build.newer)} input(s) changed since" if build.newer else "up to date"
        lines.append(f"build     {build.dist}/void.ttl written {build.built}: {state}")
        lines += [f"  newer   {f}" for f in build.newer]
    links = status.links
    if links is not None:
        decided = f"{links.accepted} accepted, {links.rejected} rejected"
        decided = f"{links.problem}" if links.problem else decided
        ran = (
            "kg link not run"
            if links.proposed is None
            else f"last kg link: {links.proposed} proposed, {links.curated} from decisions"
        )
        lines.append(f"links     {links.file or 'no decisions file'}: {decided}; {ran}")
    lines += [f"draft     {key}" for key in status.drafts]
    lines += [f"unreadable {line}" for line in status.unreadable]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from kg.cli.options import project, settings_from
    from kg.project import project_status

    status = project_status(project(), settings_from(args))
    if args.json:
        print(json.dumps(status.as_json(), indent=2, sort_keys=True))
    else:
        print(render_text(status), end="")
    return 0
