"""Subscriptions end when their socket's user is signed out: deactivated, or their token expired.

Minimal by design (the call-centre work closes the whole socket): each subscription checks, through the auth
cache, when it starts and every CHECK_SECONDS while it runs. A deactivated user's subscriptions end within
USER_TTL_SECONDS + CHECK_SECONDS (12 s), or CHECK_SECONDS after deactivateUser ran on the same worker; the
client gets one error (code UNAUTHENTICATED, reason USER_DEACTIVATED or TOKEN_EXPIRED), then `complete`.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from graphql import GraphQLError

from graph.context import Context

CHECK_SECONDS = 2.0
T = TypeVar("T")


async def while_signed_in(context: Context, queue: asyncio.Queue[T]) -> AsyncIterator[T]:
    """The queue's items for as long as the socket's user stays signed in."""
    await _still_signed_in(context)
    while True:
        try:
            item = await asyncio.wait_for(queue.get(), CHECK_SECONDS)
        except TimeoutError:
            await _still_signed_in(context)
            continue
        await _still_signed_in(context)  # nothing reaches a user signed out since the last check
        yield item


async def _still_signed_in(context: Context) -> None:
    refusal: dict[str, Any] | None = await context.signed_out() if context.signed_out else None
    if refusal is not None:
        raise GraphQLError(f"Signed out: {refusal['message']}", extensions=refusal["extensions"])
