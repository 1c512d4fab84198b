"""Bearer tokens (signed JWTs) and the middleware that lets only authenticated requests in."""

import json
import logging
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from starlette.types import ASGIApp, Receive, Scope, Send

from db.engine import make_sessionmaker
from db.models import Client, User
from graph.ide import wants_ide
from resolvers.admin.queries import active_user_with_client, user_by_email
from resolvers.context import RequestScope, Viewer

log = logging.getLogger("csrgraph.auth")
ALGORITHM = "HS256"
ISSUER = "csrgraph"
USER_KEY = "csrgraph.user"  # where the middleware leaves (User, Client) in the ASGI scope


def issue_token(secret: str, user: User, ttl: timedelta) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(user.id), "cid": user.client_id, "iss": ISSUER, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(secret: str, token: str) -> int | None:
    """The user ID a valid, unexpired token names; None for anything else."""
    verified = _verify(secret, token)
    return verified[0] if verified else None


def _verify(secret: str, token: str) -> tuple[int, float] | None:
    """(user ID, expiry as a POSIX timestamp) of a valid, unexpired token."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "sub"]})
        return int(claims["sub"]), float(claims["exp"])
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None


def _cached_user_id(cache: Any, secret: str, token: str) -> int | None:
    """user_id_from_token, remembered for the cache's TTL (an SPA sends the same token with every request);
    never past the token's own expiry."""
    known = cache.get(("token", token))
    if known is None:
        known = _verify(secret, token)
        if known is None:
            return None
        cache.put(("token", token), known)
    user_id, expires = known
    return user_id if time.time() < expires else None


def bearer(header: str | None) -> str | None:
    scheme, _, token = (header or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authenticate(scope: Scope, secret: str, header: str | None) -> tuple[User, Client] | None:
    """The active user a valid token names, from a short-lived cache or the database."""
    token = bearer(header)
    state = scope["state"]
    user_id = _cached_user_id(state["user_cache"], secret, token) if token else None
    if user_id is None:
        return None
    found = state["user_cache"].get(user_id)
    if found is None:
        async with state["sessionmaker"]() as session:
            found = await active_user_with_client(session, user_id)
        if found is not None:
            state["user_cache"].put(user_id, found)
    return found


class BearerAuthMiddleware:
    """Every HTTP request but the open paths needs a valid token; otherwise 401 and nothing runs."""

    def __init__(self, app: ASGIApp, secret: str, open_paths: tuple[str, ...] = ("/healthz", "/static/")):
        self.app, self.secret, self.open_paths = app, secret, open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._is_open(scope):
            await self.app(scope, receive, send)  # websockets authenticate in connection_init
            return
        found = await authenticate(scope, self.secret, _header(scope, b"authorization"))
        if found is None:
            await _unauthorized(send)
            return
        scope[USER_KEY] = found
        await self.app(scope, receive, send)

    def _is_open(self, scope: Scope) -> bool:
        path = scope["path"]
        if path == "/healthz" or any(path.startswith(p) for p in self.open_paths if p.endswith("/")):
            return True
        # The GraphiQL page itself holds no data; the queries it sends carry the token.
        return path == "/graphql" and wants_ide(scope)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def _unauthorized(send: Send) -> None:
    body = json.dumps({"errors": [{"message": "Authentication required: send Authorization: Bearer TOKEN.",
                                   "extensions": {"code": "UNAUTHENTICATED"}}]}).encode()
    headers = [(b"content-type", b"application/json"), (b"www-authenticate", b'Bearer realm="csrgraph"'),
               (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 401, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def request_scope(request: Any) -> RequestScope:
    """The scope of a request this middleware let in: it left (User, Client) in the ASGI scope."""
    user, client = request.scope[USER_KEY]
    viewer = Viewer(user_id=user.id, tenant_id=client.id, role=user.role, email=user.email)
    return RequestScope(viewer=viewer, request_id=request.headers.get("x-request-id", "")[:64])


async def user_scope(engine: Any, email: str, slug: str) -> RequestScope | None:
    """The scope of an active user of the client `slug`, for command-line work; None (said on stderr) if none."""
    async with make_sessionmaker(engine)() as session:
        user = await user_by_email(session, email)
        found = await active_user_with_client(session, user.id) if user else None
    if found is None or found[1].slug != slug:
        print(f"csrgraph: no active user {email!r} in client {slug!r}", file=sys.stderr)
        return None
    user, client = found
    return RequestScope(Viewer(user.id, client.id, user.role, user.email), request_id=f"cli-{slug}")
