"""`kg review` in-process (Starlette's TestClient): what a decision writes back, what it refuses.

The draft is made by `kg extract` from a small invented English article in a project made by `kg init`;
the expected files are written here from the draft's own lines, by hand rules, never from kg's output.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from kg.cli import main
from kg.extract.engine import confidence_of
from kg.review.app import ReviewSettings, create_app
from servers import free_port

KEY = "testville-protest"
#: an invented article, written for these tests (no source, no licence to carry)
ARTICLE = """\
Protest in Testville turns violent
By Testville Herald March 02, 2026

Police in Testville said on Monday that 12 people were injured when a protest outside the town hall turned violent.

Protesters attacked the police station in Testville on Tuesday, Mayor Jane Doe said. \
"More than 30 people were arrested," she said.
"""
REGISTRY = """\
# The entities the invented article names.
people:
  - id: jane-doe
    label: {en: Jane Doe}
    nationality: testland
    positions: [{position: mayor-of-testville, start: '2020-01-01'}]
states:
  - {id: testland, label: {en: Testland}, territory: testland-country}
organisations:
  - {id: testville-herald, label: {en: Testville Herald}}
groups: []
places:
  - {id: testland-country, type: country, label: {en: Testland}}
  - {id: testville, type: city, label: {en: Testville}, within: testland-country}
positions:
  - {id: mayor-of-testville, label: {en: Mayor of Testville}, of: testland}
events: []
"""
#: a curator's comment put into the draft by hand: it must survive every decision
COMMENT = "# Checked against the print edition of 2 March."
ORIGIN = "http://127.0.0.1:8001"


def make_draft_project(root: Path) -> Path:
    """`kg init` a project in `root`, add the registry and the article, draft it with `kg extract`; the folder."""
    assert main(["init", str(root)]) == 0
    (root / "data" / "registry.yaml").write_text(REGISTRY, encoding="utf-8")
    folder = root / "data" / "articles" / KEY
    folder.mkdir()
    (folder / "article.en.txt").write_text(ARTICLE, encoding="utf-8")
    annotation = folder / "annotation.yaml"
    registry = root / "data" / "registry.yaml"
    assert main(["extract", str(folder / "article.en.txt"), "--registry", str(registry), "-o", str(annotation)]) == 0
    text = annotation.read_text(encoding="utf-8")
    assert "status: draft" in text
    annotation.write_text(text.replace("\ndocument:\n", f"\n{COMMENT}\ndocument:\n", 1), encoding="utf-8")
    return folder


def review_settings(root: Path, today: dt.date = dt.date(2026, 3, 5)) -> ReviewSettings:
    from kg.project import load_settings

    s = load_settings(file=root / "kg.toml")
    return ReviewSettings(
        [s.articles_dir / KEY],
        s.registry_file,
        s.base,
        s.ontology_files,
        s.shapes_file,
        token="t0k",
        today=lambda: today,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review-template") / "project"
    make_draft_project(root)
    return root


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(template, root)
    return root


@pytest.fixture
def client(project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(review_settings(project)), base_url=ORIGIN) as c:
        yield c


def annotation_of(project: Path) -> Path:
    return project / "data" / "articles" / KEY / "annotation.yaml"


def page_digest(client: TestClient) -> str:
    page = client.get(f"/doc/{KEY}")
    assert page.status_code == 200
    found = re.search(r'name="digest" value="([0-9a-f]{64})"', page.text)
    assert found is not None
    return found.group(1)


def post(client: TestClient, fields: dict[str, str], *, origin: str | None = ORIGIN, token: str | None = "t0k"):  # type: ignore[no-untyped-def]
    data = {"digest": page_digest(client), **fields}
    if token is not None:
        data["token"] = token
    headers = {"Origin": origin} if origin is not None else {}
    return client.post(f"/doc/{KEY}/decide", data=data, headers=headers, follow_redirects=False)


def record_lines(text: str, section: str, first_line: str) -> tuple[int, int]:
    """The line range [start, end) of the list item of `section` that begins with `first_line` (by hand)."""
    lines = text.splitlines()
    top = lines.index(f"{section}:")
    start = lines.index(first_line, top)
    end = start + 1
    while end < len(lines) and not lines[end].startswith("- ") and not re.match(r"^[a-z_]+:", lines[end]):
        end += 1
    return start, end


def test_a_decision_keeps_the_files_comments_order_and_the_other_facts(client: TestClient, project: Path) -> None:
    file = annotation_of(project)
    before = file.read_text(encoding="utf-8")
    lines = before.splitlines()
    # the draft's second figure counts the arrested; its lines as kg extract wrote them
    start, end = record_lines(before, "figures", "- id: arrested-2")
    figure = lines[start:end]
    # its confidence is the counting rule's precision measured on the development texts
    assert "  qualifier: exact" in figure and f"  confidence: {confidence_of('figure.counted-after')}" in figure

    answer = post(
        client,
        {"fact": "figures.1", "action": "edit", "f-counts": "arrested", "f-value": "30", "f-qualifier": "more-than",
         "f-event": "protest-1", "f-according_to": "claim-1"},
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    # expected, by hand: the qualifier line changed in place, according_to added before the evidence,
    # rule and confidence gone; every other line of the file (comments included) exactly as it was
    edited = []
    for line in figure:
        if line.startswith("  rule:") or line.startswith("  confidence:"):
            continue
        if line == '  evidence: 30 people were arrested,"' or line.startswith("  evidence:"):
            edited.append("  according_to: [claim-1]")
        edited.append("  qualifier: more-than" if line == "  qualifier: exact" else line)
    expected = [*lines[:start], *edited, *lines[end:]]
    assert file.read_text(encoding="utf-8").splitlines() == expected
    assert COMMENT in file.read_text(encoding="utf-8")


def test_accept_removes_only_rule_and_confidence_and_reject_removes_the_record(
    client: TestClient, project: Path
) -> None:
    file = annotation_of(project)
    before = file.read_text(encoding="utf-8").splitlines()
    assert post(client, {"fact": "figures.0", "action": "accept"}).status_code == 303
    after_accept = file.read_text(encoding="utf-8").splitlines()
    start, end = record_lines("\n".join(before), "figures", "- id: injured-1")
    dropped = [i for i in range(start, end) if before[i].startswith(("  rule:", "  confidence:"))]
    assert len(dropped) == 2
    assert after_accept == [line for i, line in enumerate(before) if i not in dropped]

    assert post(client, {"fact": "groups.0", "action": "reject"}).status_code == 422  # police is a role's actor
    assert post(client, {"fact": "events.0.roles.0", "action": "reject"}).status_code == 303
    after_reject = file.read_text(encoding="utf-8")
    assert "actor: police\n" not in after_reject  # (the police station the protesters attacked stays a target)
    assert after_reject.count("role.participant-in-sentence") == 0
    assert COMMENT in after_reject


def test_a_cross_site_post_is_refused_and_changes_nothing(client: TestClient, project: Path) -> None:
    file = annotation_of(project)
    before = file.read_bytes()
    accept = {"fact": "figures.0", "action": "accept"}
    for kwargs in (
        {"origin": "http://evil.example"},  # another site's page posting to the loopback
        {"origin": "http://127.0.0.1:9999"},  # another port of this machine is another origin
        {"origin": "null"},
        {"origin": None},  # no Origin at all
        {"token": None},  # the page's origin, but no token
        {"token": "guessed"},
    ):
        answer = post(client, accept, **kwargs)  # type: ignore[arg-type]
        assert answer.status_code == 403, kwargs
        assert answer.text.startswith("refused:")
        assert file.read_bytes() == before
    # a name rebound to 127.0.0.1 by another site: its Host is not one the server answers to
    rebound = client.get(f"/doc/{KEY}", headers={"Host": "evil.example"})
    assert rebound.status_code == 400
    assert post(client, accept).status_code == 303  # the same decision from the page itself is written
    assert file.read_bytes() != before


def test_an_invalid_edit_is_shown_beside_its_fact_and_not_written(client: TestClient, project: Path) -> None:
    file = annotation_of(project)
    before = file.read_bytes()
    # a figure with no number must say `qualifier: unknown`: the loader's rule
    answer = post(
        client,
        {"fact": "figures.0", "action": "edit", "f-counts": "injured", "f-value": "", "f-qualifier": "exact",
         "f-event": "protest-1", "f-according_to": ""},
    )  # fmt: skip
    assert answer.status_code == 422
    assert file.read_bytes() == before
    fact = answer.text.split('id="fact-figures.0"', 1)[1].split("</section>", 1)[0]
    assert "figures.0.value: `value` is given exactly when the qualifier is not &#39;unknown&#39;" in fact
    assert '<details class="edit" open>' in fact  # the form stays open with what was entered

    # a meeting without two attendees: a SHACL shape's message (kgsh:MeetingShape), not the loader's
    answer = post(
        client,
        {"fact": "events.0", "action": "edit", "f-type": "meeting", "f-date": "2026-03-02", "f-precision": "day",
         "f-location": "testville", "f-according_to": ""},
    )  # fmt: skip
    assert answer.status_code == 422
    assert "a meeting has at least two attendees" in answer.text.split('id="fact-events.0"', 1)[1]
    assert file.read_bytes() == before


def test_a_page_made_from_an_older_file_cannot_write(client: TestClient, project: Path) -> None:
    file = annotation_of(project)
    stale = page_digest(client)
    file.write_text(file.read_text(encoding="utf-8") + "# edited elsewhere\n", encoding="utf-8")
    before = file.read_bytes()
    answer = client.post(
        f"/doc/{KEY}/decide",
        data={"token": "t0k", "digest": stale, "fact": "figures.0", "action": "accept"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert answer.status_code == 409
    assert "the file changed since the page was shown" in answer.text
    assert file.read_bytes() == before


def test_curated_only_when_every_fact_is_decided(client: TestClient, project: Path) -> None:
    file = annotation_of(project)
    answer = post(client, {"fact": "document", "action": "curate"})
    assert answer.status_code == 422
    assert "are not decided yet" in answer.text
    while True:
        page = client.get(f"/doc/{KEY}").text
        left = re.search(r'class="fact \w+ draft" id="fact-([\w.]+)"', page)
        if left is None:
            break
        assert post(client, {"fact": left.group(1), "action": "accept"}).status_code == 303
    assert post(client, {"fact": "document", "action": "curate"}).status_code == 303
    text = file.read_text(encoding="utf-8")
    document = text.split("\ndocument:\n", 1)[1].split("\ngroups:", 1)[0].splitlines()
    assert "  status: draft" not in document
    assert "  curated: '2026-03-05'" in document
    assert not re.search(r"^ *(- )?(rule|confidence):", text, re.MULTILINE)
    assert COMMENT in text


def test_headers_forbid_inline_code_and_framing(client: TestClient) -> None:
    page = client.get(f"/doc/{KEY}")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["referrer-policy"] == "same-origin"  # keeps Origin on the page's own POSTs
    assert '<script src="/static/review.js"' in page.text and "<script>" not in page.text
    assert client.get("/static/review.js").headers["content-type"].startswith("text/javascript")


@pytest.mark.slow
def test_kg_review_serves_the_projects_drafts_on_the_loopback(project: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "review", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                answer = httpx.get(url + "/", timeout=2, follow_redirects=True)
                break
            except httpx.HTTPError:
                assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
                import time

                time.sleep(0.1)
        assert answer.status_code == 200
        assert str(answer.url) == f"{url}/doc/{KEY}"  # the one draft of the project
        assert "Protest in Testville turns violent" in answer.text
    finally:
        process.terminate()
        process.wait(20)


def test_the_index_lists_every_document_under_review(project: Path) -> None:
    import dataclasses

    folder = annotation_of(project).parent
    other = folder.parent / "second-copy"
    shutil.copytree(folder, other)
    settings = dataclasses.replace(review_settings(project), folders=[folder, other])
    with TestClient(create_app(settings), base_url=ORIGIN) as client:
        index = client.get("/")
        assert index.status_code == 200
        rows = re.findall(r'<tr><td><a href="/doc/([\w-]+)">', index.text)
        assert rows == [KEY, "second-copy"]
        assert client.get("/doc/second-copy").status_code == 200
        assert client.get("/doc/not-there").status_code == 404


def test_a_port_in_use_is_one_error_line() -> None:
    import socket

    from kg.review.app import listen
    from kg.review.decide import ReviewError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ReviewError, match=rf"cannot listen on 127.0.0.1:{port}: .* — choose another --port"):
            listen("127.0.0.1", port)


#: an annotation laid out by hand (invented): mappings in flow style wrapped over several lines, comments
HAND_WRAPPED = """\
# top comment
document: {id: x, title: T, language: en, text: a.txt, publisher: p, published: '2026-01-01',
           curated: '2026-01-02'}
figures:
  - {id: f1, event: e, counts: killed, value: 12, qualifier: exact,
     group: {en: rioters}, evidence: "12 total killed", rule: r, confidence: 0.5}
  - {id: f2, event: e, counts: injured, value: 3, qualifier: exact,
     evidence: "3 injured"}
claims:
  - id: c1   # a claim
    speaker: s
    rule: r
    evidence: x
"""


def test_records_a_decision_does_not_touch_keep_their_hand_made_layout(tmp_path: Path) -> None:
    from kg.review.decide import Document, apply

    file = tmp_path / "annotation.yaml"
    file.write_text(HAND_WRAPPED, encoding="utf-8")
    document = Document.read(file)
    apply(document, "claims.0", "accept", {})
    # ruamel alone would put the document record and both figures on one line each
    assert document.dump().decode() == HAND_WRAPPED.replace("    rule: r\n", "")

    document = Document.read(file)
    apply(document, "figures.0", "accept", {})
    lines = document.dump().decode().splitlines()
    assert lines[:3] == HAND_WRAPPED.splitlines()[:3]  # the document record, away from the change, as written
    assert (
        lines[4]
        == "  - {id: f1, event: e, counts: killed, value: 12, qualifier: exact, group: {en: rioters}, "
        + 'evidence: "12 total killed"}'
    )
    assert lines[-4:] == HAND_WRAPPED.splitlines()[-4:]  # the claim, with its comment
