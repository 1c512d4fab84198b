"""An open websocket stops serving its user once they are signed out: deactivated, or their token expired.

Minimal by design (the call-centre work closes the whole socket): every operation sent over the socket
(SignedInOverWebsocket) and every running subscription, every CHECK_SECONDS, asks the auth cache again. A
deactivated user's subscriptions end within USER_TTL_SECONDS + CHECK_SECONDS (12 s), or CHECK_SECONDS after
deactivateUser ran on the same worker; the client gets one error (code UNAUTHENTICATED, reason
USER_DEACTIVATED or TOKEN_EXPIRED), then `complete`.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.context import Context

CHECK_SECONDS = 2.0
T = TypeVar("T")


async def while_signed_in(context: Context, queue: asyncio.Queue[T]) -> AsyncIterator[T]:
    """The queue's items for as long as the socket's user stays signed in."""
    while True:
        try:
            item = await asyncio.wait_for(queue.get(), CHECK_SECONDS)
        except TimeoutError:
            await ensure_signed_in(context)
            continue
        await ensure_signed_in(context)  # nothing reaches a user signed out since the last check
        yield item


async def ensure_signed_in(context: Any) -> None:
    """Raise the refusal (a GraphQL error) if the socket's user is signed out; HTTP requests have no check."""
    signed_out = getattr(context, "signed_out", None)
    refusal: dict[str, Any] | None = await signed_out() if signed_out else None
    if refusal is not None:
        raise GraphQLError(f"Signed out: {refusal['message']}", extensions=refusal["extensions"])


class SignedInOverWebsocket(SchemaExtension):
    """Each operation sent over an open websocket (query, mutation, a new subscription) checks its user first."""

    async def on_execute(self) -> AsyncIterator[None]:  # on_execute: its errors become results for every kind
        await ensure_signed_in(self.execution_context.context)
        yield
