"""Mask unexpected errors: the client gets "Unexpected error." and a request id, the log the trace.

Only those are logged, once each, with their traceback: client errors (validation, NOT_FOUND, bad input,
userErrors) are the client's to read, and the request line (graph/request_log.py) shows their status.
"""

import logging
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from graph.logs import fields

log = logging.getLogger("csrgraph.errors")
MASKED_MESSAGE = "Unexpected error."


def is_unexpected(error: GraphQLError) -> bool:
    """Faults are masked; client errors (validation, auth, bad input) raised as GraphQLError are not."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class QuietSchema(strawberry.Schema):
    """A schema that leaves error logging to MaskUnexpectedErrors (Strawberry logs every error, a client's too)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        pass


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED_MESSAGE)

    def on_operation(self) -> Iterator[None]:
        """MaskErrors' hook, which runs its check of the result only when there may be something to mask: most
        answers have no errors, and that check is an isinstance against a runtime-checkable Protocol (about a
        twentieth of a small text request's CPU)."""
        masking = super().on_operation()
        next(masking)
        yield
        result = self.execution_context.result
        if getattr(result, "errors", None) or getattr(result, "initial_result", None) is not None:
            next(masking, None)  # MaskErrors masks them (otherwise its hook is closed unfinished when this one returns)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked(error, getattr(getattr(self.execution_context.context, "scope", None), "request_id", None))


def mask_unexpected(errors: list[GraphQLError], request_id: str | None) -> list[GraphQLError]:
    """The errors a client may read: faults masked (and logged), the client's own errors as they are."""
    return [masked(error, request_id) if is_unexpected(error) else error for error in errors]


def masked(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """Log a fault with its traceback under the request id; the client's version says only that and the id."""
    path = ".".join(str(p) for p in error.path or ())
    log.error("unexpected error", exc_info=error.original_error, extra=fields(request_id=request_id, path=path))
    return GraphQLError(
        message=MASKED_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )
