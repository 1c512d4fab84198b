"""Mask unexpected errors: the client gets "Unexpected error." and a request id, the log the trace."""

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

log = logging.getLogger("csrgraph.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """Faults are masked; client errors (validation, auth, bad input) raised as GraphQLError are not."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(getattr(self.execution_context.context, "scope", None), "request_id", None)
        log.error("unexpected error in request %s at %s", request_id, error.path, exc_info=error.original_error)
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
