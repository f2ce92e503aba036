"""Errors the server answers with an HTTP status, and the status of each (SPARQL 1.1 Protocol §2.1.4)."""

from __future__ import annotations

from kg.errors import KGError, QueryError
from kg.queries import QueryRefused as QueryRefused  # raised by the SPARQL check, answered here


class QueryTimeout(QueryError):
    """A query ran past the server's time limit and was stopped."""


class WorkerOutOfMemory(KGError):
    """A query needed more memory than a worker may use; the worker was stopped."""


class AnswerTooLarge(KGError):
    """A rendered answer is larger than the server sends."""


class BodyTooLarge(QueryError):
    """A request body is larger than the server reads."""


class BodyTimeout(QueryError):
    """A request body did not arrive within the server's time limit."""


class ServerBusy(KGError):
    """Every query worker stayed busy for longer than the time limit."""


class NotAcceptable(KGError):
    """No representation the client accepts can be made for this result."""


class ResourceNotFound(KGError):
    """No resource with this IRI is in the graph."""


class WorkerFailed(KGError):
    """A query worker process died or could not start."""


class WorkerProblem(KGError):
    """An error a query worker reported, carrying the HTTP status the worker chose for it."""

    def __init__(self, message: str, status: int) -> None:
        self.status = status
        super().__init__(message)


#: error class → HTTP status; the most specific class wins (looked up along the MRO)
STATUS: dict[type[BaseException], int] = {
    QueryRefused: 400,  # a query the endpoint will not run is a bad request, said in one line
    QueryTimeout: 503,
    WorkerOutOfMemory: 503,
    AnswerTooLarge: 503,
    BodyTooLarge: 413,
    BodyTimeout: 408,
    QueryError: 400,  # syntax errors and bad parameters: "400 Bad Request" per the Protocol
    NotAcceptable: 406,
    ResourceNotFound: 404,
    ServerBusy: 503,
    WorkerFailed: 500,
    KGError: 500,
}


def status_of(exc: BaseException) -> int:
    """The HTTP status for an error raised while answering a request."""
    if isinstance(exc, WorkerProblem):
        return exc.status
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500
