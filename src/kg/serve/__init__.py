"""HTTP serving of the published graph: SPARQL endpoint, stored-query API, linked-data pages, dumps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.serve.app import ServeSettings, create_app

__all__ = ["ServeSettings", "create_app"]


def __getattr__(name: str) -> Any:
    # lazy, so that the query workers (kg.serve.worker_main) do not import Starlette and Jinja2
    if name in __all__:
        from kg.serve import app

        return getattr(app, name)
    raise AttributeError(name)
