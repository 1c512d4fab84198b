"""Open websockets end with their sign-in: when the token expires, and soon after the user is deactivated.

A websocket authenticates once, at connection_init, and may stay open for hours; HTTP requests are
checked every time. `watch` closes a socket at its token's `exp` (4401: sign in again), and every
CHECK_SECONDS one query per worker reads which watched users are still `active` and closes the sockets
of the others (4403). Anything that signs a websocket in (a bearer token, an IdP sign-in) calls `watch`.
"""

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.websockets import WebSocket, WebSocketState

from graph.caches import USER_TTL_SECONDS
from resolvers.admin.queries import active_user_ids

CHECK_SECONDS = USER_TTL_SECONDS / 2  # a deactivated user's sockets close within the user cache's lifetime
EXPIRED = (4401, "Token expired: sign in again.")
DEACTIVATED = (4403, "This user is no longer active.")


@dataclass
class Watched:
    user_id: int
    expiry: asyncio.TimerHandle


class SocketGuard:
    """One per app (lifespan state): the signed-in websockets of this worker."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]):
        self.sessionmaker = sessionmaker
        self._watched: dict[WebSocket, Watched] = {}

    def watch(self, websocket: WebSocket, user_id: int, expires_at: float | None) -> None:
        """Close `websocket` at `expires_at` (POSIX seconds, the token's exp; None: now) or once the user is inactive."""
        loop = asyncio.get_running_loop()
        expiry = loop.call_later(max(0.0, (expires_at or 0.0) - time.time()), self._close_soon, websocket, EXPIRED)
        self._watched[websocket] = Watched(user_id, expiry)

    async def run(self) -> None:
        """Check the watched users every CHECK_SECONDS, until cancelled."""
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            await self.check()

    async def check(self) -> None:
        self._forget(ws for ws in list(self._watched) if _closed(ws))
        users = {w.user_id for w in self._watched.values()}
        if not users:
            return
        async with self.sessionmaker() as session:
            active = await active_user_ids(session, users)
        for websocket, watched in list(self._watched.items()):
            if watched.user_id not in active:
                self._close_soon(websocket, DEACTIVATED)

    def watching(self) -> int:
        return len(self._watched)

    def _close_soon(self, websocket: WebSocket, why: tuple[int, str]) -> None:
        self._forget([websocket])
        asyncio.get_running_loop().create_task(_close(websocket, *why))

    def _forget(self, websockets: Iterable[WebSocket]) -> None:
        for websocket in websockets:
            watched = self._watched.pop(websocket, None)
            if watched is not None:
                watched.expiry.cancel()


def _closed(websocket: WebSocket) -> bool:
    return WebSocketState.DISCONNECTED in (websocket.client_state, websocket.application_state)


async def _close(websocket: Any, code: int, reason: str) -> None:
    if not _closed(websocket):
        with contextlib.suppress(RuntimeError):  # it closed on its own meanwhile
            await websocket.close(code=code, reason=reason)
