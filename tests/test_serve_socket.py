"""`kg serve` over a real socket: uvicorn on a free loopback port, and a tiny run of the load test."""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import uvicorn

from kg.serve import ServeSettings, create_app

LOAD_SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "load_serve.py"


def _load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_serve", LOAD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_serve"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


load_serve = _load_module()


@pytest.fixture(scope="module")
def server_url(built_dist: Path) -> Iterator[str]:
    """uvicorn serving the build on 127.0.0.1:<free port> in a thread; stopped afterwards."""
    port = load_serve.free_port()
    config = uvicorn.Config(
        create_app(ServeSettings(dist_dir=built_dist, workers=2, timeout_s=10)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        load_serve.wait_until_up(f"{url}/queries", timeout_s=120)
        yield url
    finally:
        server.should_exit = True
        thread.join(30)
    assert not thread.is_alive(), "uvicorn did not stop"


@pytest.mark.slow
def test_real_socket(server_url: str) -> None:
    response = httpx.get(f"{server_url}/sparql", params={"query": "ASK { ?s a kgo:Summit }"}, timeout=30)
    assert response.status_code == 200 and response.json()["boolean"] is True
    redirect = httpx.get(f"{server_url}/id/place/kazakhstan", headers={"Accept": "text/turtle"}, timeout=30)
    assert redirect.status_code == 303 and redirect.headers["location"] == "/doc/id/place/kazakhstan"
    document = httpx.get(
        f"{server_url}/id/place/kazakhstan", headers={"Accept": "text/turtle"}, follow_redirects=True, timeout=30
    )
    assert document.status_code == 200 and "Kazakhstan" in document.text


@pytest.mark.slow
def test_tiny_load_run_has_no_errors(server_url: str) -> None:
    result = load_serve.run_load(server_url, clients=16, requests_per_client=3, max_seconds=60)
    assert result.requests == 48
    assert result.errors == 0, result.error_samples


def test_security_headers_over_the_socket(server_url: str) -> None:
    """What a browser gets from uvicorn: the page and an answer carry the headers, a script IRI is no link."""
    page = httpx.get(f"{server_url}/query", headers={"Accept": "text/html"}, timeout=30)
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    query = "SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <https://example.org/a> } }"
    table = httpx.get(f"{server_url}/sparql", params={"query": query, "format": "html"}, timeout=30)
    assert table.status_code == 200 and "default-src 'none'" in table.headers["content-security-policy"]
    assert 'href="javascript:' not in table.text and '<a href="https://example.org/a">' in table.text
    answer = httpx.get(f"{server_url}/sparql", params={"query": "ASK {}"}, timeout=30)
    assert answer.status_code == 200 and answer.headers["x-content-type-options"] == "nosniff"
    empty = httpx.get(f"{server_url}/sparql?query=", timeout=30)
    assert (
        empty.status_code == 400 and empty.text == "the query is empty — send ?query=SELECT … (SPARQL 1.1 Protocol)\n"
    )
