"""Open websockets end with their sign-in: when the token expires, and soon after the user is signed out.

A websocket signs in once, at connection_init, and may stay open for hours; HTTP requests are checked
every time. `watch` closes a socket at its token's `exp`, and every CHECK_SECONDS (at once when poked: this
worker changed users or sign-in settings) one query per worker reads the accounts of the watched sockets
afresh and applies the sign-in rules again (graph/auth.py: admitted). A socket whose token no longer signs
anyone in is closed: 4403 for a deactivated (or vanished) user, 4401 for anything else (an expired token,
local tokens turned off: sign in again), with the SignInRefusal as the close reason, as HTTP's 401 body
names it. Closing the socket ends every subscription on it and leaves nothing to send operations over.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.websockets import WebSocket, WebSocketState

from graph.auth import admitted
from graph.caches import USER_TTL_SECONDS
from graph.tokens import Refused, VerifiedToken
from resolvers.admin import sign_in
from resolvers.admin.errors import SignInRefusal

log = logging.getLogger("csrgraph.auth")
CHECK_SECONDS = USER_TTL_SECONDS / 2  # another worker's deactivation closes sockets within the auth cache's lifetime
FORBIDDEN = frozenset({SignInRefusal.USER_DEACTIVATED, SignInRefusal.UNKNOWN_USER})  # 4403; any other refusal 4401


@dataclass
class Watched:
    verified: VerifiedToken
    expiry: asyncio.TimerHandle


class SocketGuard:
    """One per app (lifespan state): the signed-in websockets of this worker."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], interval: float = CHECK_SECONDS):
        self.sessionmaker, self.interval = sessionmaker, interval
        self._watched: dict[WebSocket, Watched] = {}
        self._wake = asyncio.Event()
        self._closing: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks

    def watch(self, websocket: WebSocket, verified: VerifiedToken) -> None:
        """Close `websocket` at the token's expiry, or once its user is signed out."""
        delay = max(0.0, verified.expires - time.time())
        expiry = asyncio.get_running_loop().call_later(
            delay, self._close_soon, websocket, Refused(SignInRefusal.TOKEN_EXPIRED))
        self._watched[websocket] = Watched(verified, expiry)

    def poke(self) -> None:
        """Check the watched sockets now: users or sign-in settings changed."""
        self._wake.set()

    async def run(self) -> None:
        """Check the watched sockets every `interval` seconds and whenever poked, until cancelled."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()
            try:
                await self.check()
            except Exception:  # the database may be restarting: keep guarding, try at the next turn
                log.exception("checking the signed-in websockets failed")

    async def check(self) -> None:
        self._forget([ws for ws in self._watched if _closed(ws)])
        users = {w.verified.user_id for w in self._watched.values()}
        if not users:
            return
        async with self.sessionmaker() as session:
            accounts = await sign_in.accounts(session, users)
        for websocket, watched in list(self._watched.items()):
            try:
                admitted(watched.verified, accounts.get(watched.verified.user_id))
            except Refused as refused:
                self._close_soon(websocket, refused)

    def watching(self) -> int:
        return len(self._watched)

    def _close_soon(self, websocket: WebSocket, refused: Refused) -> None:
        self._forget([websocket])
        code = 4403 if refused.reason in FORBIDDEN else 4401
        task = asyncio.get_running_loop().create_task(_close(websocket, code, refused.reason.value))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

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
