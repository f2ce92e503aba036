"""The review page's Starlette app: one page per draft, a form per decision, nothing served but the drafts.

Writes are refused unless they come from the page itself: every POST must carry the token this run put
into the page (a fresh random one per run) and an `Origin` header naming the host the request was sent
to; and the `Host` header must be one the server listens as (on the loopback: 127.0.0.1, localhost or
::1), so a page of another site cannot reach it by rebinding a name to 127.0.0.1. A refused request is
403 and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import anyio
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.annotation import load_registry, read_yaml_fast
from kg.atomic import write_outputs
from kg.errors import KGError
from kg.paths import ANNOTATION_NAME
from kg.review.decide import Checker, Document, ReviewError, apply, curate, decide, digest, undecided
from kg.review.facts import EDITABLE, FIELD_LABELS, choices, group_by_event, list_facts, segments
from kg.serve.app import SecurityHeaders

#: the addresses that mean "this machine only"; Host names accepted when listening on one of them
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: bytes of a decision's form (a handful of short fields)
MAX_FORM_BYTES = 64 * 1024

#: headers on every response: the script and stylesheet are files of this server (no inline code), forms
#: post only here, no other site may frame the page; `same-origin` keeps the Origin header on the page's
#: own POSTs (with `no-referrer` browsers send `Origin: null`, which the write check refuses)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class ReviewSettings:
    """What `kg review` serves: annotation folders, the registry and shapes to check against, where it listens."""

    folders: Sequence[Path]
    registry_file: Path
    base: str
    ontology_files: Sequence[Path]
    shapes_file: Path
    host: str = "127.0.0.1"
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    today: Callable[[], dt.date] = dt.date.today


def allowed_hosts(host: str) -> list[str]:
    """Host names a request may name: the loopback's names when listening there, else the address given."""
    if host in LOOPBACK:
        return sorted(LOOPBACK | {"[::1]"})
    if host in ("0.0.0.0", "::", ""):
        return ["*"]  # listening everywhere: every name of the machine; the token and Origin still guard writes
    return [host, f"[{host}]"] if ":" in host else [host]


class Review:
    """State of the app: the documents by key, the checker, the templates, messages for the next page."""

    def __init__(self, settings: ReviewSettings) -> None:
        from kg.store import read_rdf

        self.settings = settings
        self.documents: dict[str, Path] = {}
        for folder in settings.folders:
            file = folder / ANNOTATION_NAME
            if not file.is_file():
                raise ReviewError("no annotation.yaml in the folder", file=folder, hint="name an article's folder")
            if folder.name in self.documents:
                raise ReviewError(f"two folders are named {folder.name!r}", file=folder, hint="review them one by one")
            self.documents[folder.name] = file
        load_registry(settings.registry_file)  # a broken registry is one line now, not an error on every page
        self.checker = Checker(
            settings.registry_file, settings.base, read_rdf([settings.shapes_file]), read_rdf(settings.ontology_files)
        )
        self.lock = anyio.Lock()
        self.notes: dict[str, str] = {}  # document key → what the last decision did, shown once
        self.templates = Environment(
            loader=PackageLoader("kg.review", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        body = self.templates.get_template(template).render(token=self.settings.token, **context)
        return HTMLResponse(body, status_code=status)

    def write(self, file: Path, content: bytes) -> None:
        write_outputs({file: content})


def _review(request: Request) -> Review:
    review: Review = request.app.state.review
    return review


def _file(review: Review, key: str) -> Path:
    try:
        return review.documents[key]
    except KeyError:
        raise ReviewError(f"no document {key!r} is under review") from None


def refusal(request: Request, form: Mapping[str, Any], token: str) -> str | None:
    """Why a POST must be refused as cross-site (None: it comes from the page)."""
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    if origin is None:
        return "the request has no Origin header"
    if origin != f"{request.url.scheme}://{host}":
        return f"the request comes from {origin}, not from this page"
    given = form.get("token")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), token.encode()):
        return "the request does not carry this page's token"
    return None


async def _form(request: Request) -> dict[str, str]:
    """The fields of a form POST (application/x-www-form-urlencoded, the browser's default), read up to
    MAX_FORM_BYTES; parsed here, which needs no multipart parser."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise ReviewError(f"a decision is a form (application/x-www-form-urlencoded), not {kind or 'no body'!r}")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise ReviewError(f"a decision is at most {MAX_FORM_BYTES} bytes")
    pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=64)
    return dict(pairs)


def _page_context(review: Review, key: str, file: Path) -> dict[str, Any]:
    content = file.read_bytes()
    data, _ = read_yaml_fast(file)
    if not isinstance(data, dict):
        raise ReviewError("an annotation must be a mapping with a `document` section", file=file, line=1)
    found = data.get("document")
    record: dict[str, Any] = found if isinstance(found, dict) else {}
    text_name = str(record.get("text", ""))
    text_file = file.parent / text_name
    text = text_file.read_text(encoding="utf-8") if text_name and text_file.is_file() else ""
    facts = list_facts(data, text)
    lang = str(record.get("language", "en"))
    registry = load_registry(review.settings.registry_file).registry
    return {
        "key": key,
        "file": file,
        "record": record,
        "digest": digest(content),
        "facts": facts,
        "groups": group_by_event(facts),
        "segments": segments(text, facts),
        "choices": choices(data, registry, lang),
        "editable": EDITABLE,
        "field_labels": FIELD_LABELS,
        "left": sum(not f.decided for f in facts),
        "is_draft": record.get("status") == "draft",
    }


async def index(request: Request) -> Response:
    """The documents under review, with how many facts each has left to decide."""
    review = _review(request)
    rows = []
    for key, file in review.documents.items():
        document = Document.read(file)
        status = document.data.get("document", {}).get("status")
        rows.append((key, file, len(undecided(document)), status))
    if len(rows) == 1:
        return RedirectResponse(f"/doc/{rows[0][0]}", status_code=303)
    return review.render("index.html", title="kg review", rows=rows)


async def page(request: Request, *, status: int = 200, failed: Mapping[str, Any] | None = None) -> Response:
    """The review page of one document."""
    review = _review(request)
    key = request.path_params["key"]
    try:
        file = _file(review, key)
    except ReviewError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=404)
    context = await anyio.to_thread.run_sync(_page_context, review, key, file)
    note = review.notes.pop(key, None) if failed is None else None
    return review.render("review.html", status=status, title=f"Review {key}", note=note, failed=failed, **context)


async def decide_fact(request: Request) -> Response:
    """Accept, edit or reject one fact; 303 back to the page when written, the page with the messages when not."""
    review = _review(request)
    key = request.path_params["key"]
    try:
        form = await _form(request)
    except (ReviewError, ValueError) as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400)
    why = refusal(request, form, review.settings.token)
    if why is not None:
        return PlainTextResponse(f"refused: {why}\n", status_code=403)
    try:
        file = _file(review, key)
    except ReviewError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=404)
    ref, action = form.get("fact", ""), form.get("action", "")
    if ref == "document" and action == "curate":
        today = review.settings.today()

        def change(document: Document) -> None:
            curate(document, today)

        done = f"marked curated ({today.isoformat()}); the annotation conforms"
    else:
        fields = {name[2:]: value for name, value in form.items() if name.startswith("f-")}

        def change(document: Document) -> None:
            apply(document, ref, action, fields)

        done = {"accept": "accepted", "reject": "rejected", "edit": "edited and accepted"}.get(action, action)
        done = f"{ref} {done}; the annotation conforms"
    async with review.lock:
        try:
            outcome = await anyio.to_thread.run_sync(
                decide, file, form.get("digest", ""), change, review.checker, review.write
            )
        except ReviewError as exc:
            status = 409 if "changed since" in exc.message else 422
            return await page(request, status=status, failed={"ref": ref, "messages": [exc.render()], "form": form})
    if not outcome.written:
        shown = [m.replace(f"{file}:", f"{file.name}:") for m in outcome.messages]  # the page names the file once
        failed = {"ref": ref, "messages": shown, "form": form}
        return await page(request, status=422, failed=failed)
    review.notes[key] = done
    return RedirectResponse(f"/doc/{key}#next", status_code=303)


async def static(request: Request) -> Response:
    """The page's script and stylesheet (files, so the Content-Security-Policy needs nothing inline)."""
    name = request.path_params["name"]
    media = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}
    if name not in media:
        return PlainTextResponse("not found\n", status_code=404)
    review = _review(request)
    loader = review.templates.loader
    assert loader is not None
    return Response(loader.get_source(review.templates, name)[0], media_type=media[name])


def create_app(settings: ReviewSettings) -> Starlette:
    """The review app for `settings` (checks the folders and the registry now)."""
    review = Review(settings)

    async def refused_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, KGError)
        return PlainTextResponse(f"{exc}\n", status_code=400)

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/doc/{key}", page),
            Route("/doc/{key}/decide", decide_fact, methods=["POST"]),
            Route("/static/{name}", static),
        ],
        middleware=[
            Middleware(SecurityHeaders, headers=SECURITY_HEADERS),
            Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings.host)),
        ],
        exception_handlers={KGError: refused_error},
    )
    app.state.review = review
    return app


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port for serve_review; an address that cannot be bound is one ReviewError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ReviewError(f"cannot listen on {host}:{port}: {exc.strerror}", hint="choose another --port") from None
    return sock


def serve_review(app: Starlette, sock: socket.socket) -> None:
    """Serve the app on a bound socket until interrupted."""
    import uvicorn

    try:
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
    finally:
        sock.close()
