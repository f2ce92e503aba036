"""Drafts link to known events (issue 16): a drafted event that is of one type family with an event another
annotation reports, overlaps its period and lies at its place (or in it, or around it) names that event
(`event:`) instead of minting a new one; the draft and the annotation it names load together.

The registry, the annotations and the sentences are invented; expected links are written by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import ruritania
from kg.annotation import LoadedRegistry, load_article, load_corpus, load_registry
from kg.extract import draft_article, load_known_events
from kg.extract.engine import DraftOptions, extract

REGISTRY = ruritania.REGISTRY

KNOWN = """\
document: {{id: {doc}, title: Known, language: en, text: article.txt, publisher: voa,
           published: "2023-03-08", curated: "2023-03-08"}}
events:
  - id: riots
    type: {type}
    label: {{en: Riots}}
    date: "{date}"
    precision: day
    location: {place}
    evidence: "Riots shook the city."
"""
UNREST = """\
  - id: unrest
    event: ruritanian-unrest-2023
    date: "2023-03"
    precision: month
    location: ruritania
    evidence: "The unrest went on."
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> LoadedRegistry:
    file = tmp_path_factory.mktemp("registry") / "registry.yaml"
    file.write_text(REGISTRY, encoding="utf-8")
    return load_registry(file)


def _known(
    folder: Path,
    doc: str = "known",
    type_: str = "riot",
    date: str = "2023-03-04",
    place: str = "strelsau",
    unrest: bool = False,
) -> Path:
    """A known annotation: it declares a riot (of `type_`, on `date`, at `place`) and, with `unrest`, reports
    the registry's unrest in Ruritania in March 2023."""
    folder = folder / doc
    folder.mkdir()
    (folder / "article.txt").write_text("Riots shook the city. The unrest went on.", encoding="utf-8")
    text = KNOWN.format(doc=doc, type=type_, date=date, place=place) + (UNREST if unrest else "")
    (folder / "annotation.yaml").write_text(text, encoding="utf-8")
    return folder / "annotation.yaml"


def _links(text: str, files: list[Path], registry: LoadedRegistry) -> dict[str, str | None]:
    """type@place → the event the drafted report names (None: a new event)."""
    known = load_known_events(files, registry)
    opts = DraftOptions("en", dt.date(2023, 3, 8), "draft", "article.txt", "voa", "draft", known)  # type: ignore[arg-type]
    ann = extract(text, registry.registry, opts)
    return {f"{ev.type}@{ev.location}": ev.event for ev in ann.events}


@pytest.mark.parametrize(
    ("known", "expected"),
    [
        # a riot at Strelsau on 4 March: the draft's riot there that day is a report of it
        ({}, "known/riots"),
        # a protest is of the riot's family; a summit is not
        ({"type_": "protest"}, "known/riots"),
        ({"type_": "summit"}, None),
        # another month, another city: no link
        ({"date": "2023-04-04"}, None),
        ({"place": "zenda"}, None),
    ],
)
def test_a_drafted_event_names_the_known_event_it_fits(
    known: dict[str, str], expected: str | None, registry: LoadedRegistry, tmp_path: Path
) -> None:
    links = _links("Riots broke out in Strelsau on 4 March 2023.", [_known(tmp_path, **known)], registry)
    assert links == {"riot@strelsau": expected}


def test_two_known_events_that_fit_equally_leave_the_choice_to_the_curator(
    registry: LoadedRegistry, tmp_path: Path
) -> None:
    files = [_known(tmp_path, "known-a"), _known(tmp_path, "known-b")]
    assert _links("Riots broke out in Strelsau on 4 March 2023.", files, registry) == {"riot@strelsau": None}


def test_a_registry_event_a_report_places_is_known_by_its_registry_key(
    registry: LoadedRegistry, tmp_path: Path
) -> None:
    """The known annotation reports ruritanian-unrest-2023 in Ruritania in March 2023; a draft's unrest in
    Zenda (in Ruritania) that month names it; the riot at Strelsau names the known riot."""
    links = _links(
        "Riots broke out in Strelsau on 4 March 2023. Unrest spread in Zenda in March 2023.",
        [_known(tmp_path, unrest=True)],
        registry,
    )
    # the riot fits both, at the very place of the known riot and inside the unrest's country: the place wins
    assert links == {"riot@strelsau": "known/riots", "unrest@zenda": "ruritanian-unrest-2023"}


def test_the_draft_that_names_a_known_event_loads_with_it(registry: LoadedRegistry, tmp_path: Path) -> None:
    known = _known(tmp_path)
    folder = tmp_path / "draft"
    folder.mkdir()
    (folder / "article.txt").write_text("Riots broke out in Strelsau on 4 March 2023.", encoding="utf-8")
    registry_file = tmp_path / "registry.yaml"
    registry_file.write_text(REGISTRY, encoding="utf-8")
    text = draft_article(
        folder / "article.txt",
        registry_file,
        lang="en",
        dateline="2023-03-08",
        publisher="voa",
        output=folder / "annotation.yaml",
        events=[tmp_path / "known"],
    )
    (folder / "annotation.yaml").write_text(text, encoding="utf-8")
    draft = load_article(folder / "annotation.yaml", registry)
    assert [ev.event for ev in draft.annotation.events] == ["known/riots"]
    corpus = load_corpus(registry_file, [known, folder / "annotation.yaml"])  # `kg validate` of both
    assert len(corpus.articles) == 2


def test_cli_extract_events_names_the_known_event(tmp_path: Path) -> None:
    """The command's wiring: `kg extract ARTICLE --events DIR` writes a draft whose event names the known one."""
    import subprocess
    import sys

    _known(tmp_path)
    registry_file = tmp_path / "registry.yaml"
    registry_file.write_text(REGISTRY, encoding="utf-8")
    article = tmp_path / "draft.txt"
    article.write_text("Riots broke out in Strelsau on 4 March 2023.", encoding="utf-8")
    args = ["--registry", str(registry_file), "--lang", "en", "--dateline", "2023-03-08", "--publisher", "voa"]
    done = subprocess.run(
        [sys.executable, "-m", "kg", "extract", str(article), *args, "--events", str(tmp_path / "known")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "event: known/riots" in done.stdout
