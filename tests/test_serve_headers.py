"""The pages a browser shows: no link runs code, and every response carries the security headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg.serve import ServeSettings, create_app
from kg.serve.resource import Linker

BASE = "https://w3id.org/conflict-kg/"
SUMMIT_PATH = "/id/event/csto-kazakhstan-2022-01-10/csto-summit"
#: IRIs a browser would run or open as a document of ours if they were links
UNSAFE = ("javascript:alert(1)", "JavaScript:alert(2)", "data:text/html,hello", "vbscript:msgbox", "file:///etc/passwd")
#: IRIs that stay links
SAFE = ("https://example.org/a", "http://example.org/b", "mailto:someone@example.org")


@pytest.fixture(scope="module")
def client(built_dist: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ServeSettings(dist_dir=built_dist, workers=1))) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "iri", [*UNSAFE, "java\tscript:alert(3)", " javascript:alert(4)", "\x01http://x/", "urn:x:y", ""]
)
def test_only_web_and_mail_iris_become_links(iri: str) -> None:
    assert Linker(BASE).href(iri) == ""


@pytest.mark.parametrize("iri", [*SAFE, "HTTPS://example.org/c"])
def test_web_and_mail_iris_link_to_themselves(iri: str) -> None:
    assert Linker(BASE).href(iri) == iri


def test_result_tables_link_no_script(client: TestClient) -> None:
    values = " ".join(f"<{iri}>" for iri in (*UNSAFE, *SAFE))
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"
    response = client.post("/sparql", data={"query": query, "format": "html"})
    assert response.status_code == 200, response.text
    page = response.text.lower()
    for scheme in ("javascript:", "data:", "vbscript:", "file:"):
        assert f'href="{scheme}' not in page
    for iri in UNSAFE:
        assert iri in response.text  # shown as text
    for iri in SAFE:
        assert f'<a href="{iri}">' in response.text


HTML_PAGES = [
    "/",
    "/query",
    "/queries",
    f"{SUMMIT_PATH}",
    "/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20kgo%3ASummit%20%7D&format=html",
    "/queries/meeting-participants?meeting=not%20an%20iri&format=html",  # the form again, with the error
]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_html_page_forbids_script_framing_and_sniffing(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html"), path
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    # nothing the policy would block: no inline script or style, and the stylesheet is served
    assert "<script" not in response.text and "<style" not in response.text and " style=" not in response.text
    assert '<link rel="stylesheet" href="/style.css">' in response.text


def test_the_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/style.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert "body {" in response.text


@pytest.mark.parametrize(
    ("path", "accept", "status"),
    [
        ("/sparql?query=ASK%20%7B%7D", "application/sparql-results+json", 200),
        ("/sparql?query=SELECT%20*%20%7B%7D", "text/csv", 200),
        ("/sparql?query=SELECT", "application/sparql-results+json", 400),
        ("/queries", "application/json", 200),
        (f"/doc{SUMMIT_PATH}", "text/turtle", 200),
        ("/id/nothing/here", "text/turtle", 404),
        (SUMMIT_PATH, "text/turtle", 303),
        ("/dumps/kg.ttl", "*/*", 200),
        ("/.well-known/void", "text/turtle", 200),
        ("/style.css", "*/*", 200),
        ("/no/such/route", "*/*", 404),
    ],
)
def test_every_response_says_nosniff(client: TestClient, path: str, accept: str, status: int) -> None:
    response = client.get(path, headers={"Accept": accept}, follow_redirects=False)
    assert response.status_code == status, response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
