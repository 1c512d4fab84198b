"""Bearer tokens: who a token signs in, and the answer when it signs nobody in (graph/front_door.py asks for one).

Two kinds of bearer token, told apart by their (unverified) `iss` claim before anything in them is trusted:
- local tokens (`csrgraph token`; iss "csrgraph"): HS256 with the service's secret, verified here;
- provider tokens (iss: the URL of an issuer some client configured): verified against that provider's keys
  (graph/provider_tokens.py). An issuer is a URL, so it is never "csrgraph".
Each way accepts only its own algorithms, so a token cannot borrow the other's: HS256 signed with a provider's
public key goes the provider way and is refused there, and `none` is refused by both.

A verified token is remembered for the auth cache's lifetime (never past its exp), and so is the account it
names: a deactivated user is locked out within USER_TTL_SECONDS (graph/caches.py, 10 s) on every worker, and
at once on the worker that deactivated them.
"""

import json
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from starlette.types import Send

from db.engine import make_sessionmaker
from db.models import Client, User
from graph.caches import TtlCache
from graph.oidc import REFETCH_FLOOR_SECONDS, KeySets
from graph.provider_tokens import ProviderTokens
from graph.scope_keys import REQUEST_ID_KEY, USER_KEY
from graph.tokens import Refused, VerifiedToken, refusal_error
from resolvers.admin import sign_in
from resolvers.admin.errors import SignInRefusal
from resolvers.admin.queries import user_by_email
from resolvers.context import RequestScope, Viewer

ALGORITHM = "HS256"
ISSUER = "csrgraph"
BEARER = "bearer"  # the auth cache's key of a verified token: (BEARER, the Authorization header that carried it)


def issue_token(secret: str, user: User, ttl: timedelta) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user.id), "cid": user.client_id, "iss": ISSUER, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def bearer(header: str | None) -> str | None:
    scheme, _, token = (header or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Authenticator:
    """Turns a bearer token into the active user it names and their client, for one app (worker)."""

    def __init__(self, secret: str, key_sets: KeySets):
        self.secret, self.providers = secret, ProviderTokens(key_sets)

    async def sign_in(self, state: Mapping[str, Any], header: str | None) -> tuple[User, Client]:
        """Raises Refused; `state` is the app's lifespan state (caches and session factories)."""
        return self.remembered(state, header) or await self.admit(state, await self.verify(state, header))

    def remembered(self, state: Mapping[str, Any], header: str | None) -> tuple[User, Client] | None:
        """`sign_in` when the auth cache holds both the header's verified token and the account it names (an SPA's
        every request but one in USER_TTL_SECONDS), without its three coroutines; None otherwise. Raises Refused."""
        cache: TtlCache = state["user_cache"]
        verified: VerifiedToken | None = cache.get((BEARER, header)) if header else None
        if verified is None:
            return None
        account = cache.get(verified.user_id)
        return admitted(verified, account) if account is not None else None

    async def verify(self, state: Mapping[str, Any], header: str | None) -> VerifiedToken:
        """The token in the header, verified (remembered for the auth cache's lifetime); raises Refused."""
        cache: TtlCache = state["user_cache"]
        # an SPA sends the same header with every request: remembered by it, so its token is not even taken apart again
        verified = cache.get((BEARER, header)) if header else None
        if verified is None:
            token = bearer(header)
            if token is None:
                raise Refused(SignInRefusal.MISSING_TOKEN)
            verified = await self._verify(state, token)
            cache.put((BEARER, header), verified)
        return verified

    async def admit(self, state: Mapping[str, Any], verified: VerifiedToken) -> tuple[User, Client]:
        """The active user a verified token names, and their client, while the token lasts; raises Refused."""
        cache: TtlCache = state["user_cache"]
        account = cache.get(verified.user_id)
        if account is None and time.time() < verified.expires:
            async with state["sessionmaker"]() as session:
                account = await sign_in.account(session, verified.user_id)
            if account is not None:
                cache.put(verified.user_id, account)
        return admitted(verified, account)

    async def _verify(self, state: Mapping[str, Any], token: str) -> VerifiedToken:
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})  # only to choose the way
        except jwt.InvalidTokenError:
            raise Refused(SignInRefusal.INVALID_TOKEN) from None
        if unverified.get("iss") == ISSUER:
            return self._verify_local(token)
        return await self.providers.verify(state, token, unverified)

    def _verify_local(self, token: str) -> VerifiedToken:
        try:
            claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM], issuer=ISSUER,
                                options={"require": ["exp", "sub"]})
            return VerifiedToken(int(claims["sub"]), float(claims["exp"]), local=True)
        except jwt.ExpiredSignatureError:
            raise Refused(SignInRefusal.TOKEN_EXPIRED) from None
        except (jwt.InvalidTokenError, ValueError, TypeError):
            raise Refused(SignInRefusal.INVALID_TOKEN) from None


def admitted(verified: VerifiedToken, account: sign_in.Account | None) -> tuple[User, Client]:
    """Who a verified token signs in, given the account it names as last read; raises Refused. The one rule for
    HTTP requests, websocket connections and the sockets already open (graph/socket_guard.py)."""
    if time.time() >= verified.expires:
        raise Refused(SignInRefusal.TOKEN_EXPIRED)
    if account is None:
        raise Refused(SignInRefusal.UNKNOWN_USER)
    if not account.user.active:
        raise Refused(SignInRefusal.USER_DEACTIVATED)
    if verified.local and not account.local_tokens:
        raise Refused(SignInRefusal.LOCAL_TOKENS_DISABLED)
    return account.user, account.client


async def refuse(send: Send, refused: Refused) -> None:
    """The 401 (or 503: a provider's keys out of reach) for a request whose token signs nobody in; nothing runs."""
    body = json.dumps({"errors": [refusal_error(refused)]}).encode()
    challenge = 'Bearer realm="csrgraph"'
    if refused.reason is not SignInRefusal.MISSING_TOKEN and refused.status == 401:
        challenge += ', error="invalid_token"'  # RFC 6750: the token was there but signs nobody in
    headers = [(b"content-type", b"application/json"), (b"www-authenticate", challenge.encode()),
               (b"content-length", str(len(body)).encode())]
    if refused.status == 503:
        headers.append((b"retry-after", str(int(REFETCH_FLOOR_SECONDS)).encode()))
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def request_scope(request: Any) -> RequestScope:
    """The scope of a request the front door let in (graph/front_door.py): it left (User, Client) in the ASGI scope."""
    user, client = request.scope[USER_KEY]
    viewer = Viewer(user_id=user.id, tenant_id=client.id, role=user.role, email=user.email)
    return RequestScope(viewer=viewer, request_id=request.scope.get(REQUEST_ID_KEY, ""),
                        statements=request.state.statements)


async def user_scope(engine: Any, email: str, slug: str) -> RequestScope | None:
    """The scope of an active user of the client `slug`, for command-line work; None (said on stderr) if none."""
    async with make_sessionmaker(engine)() as session:
        user = await user_by_email(session, email)
        found = await sign_in.account(session, user.id) if user else None
    if found is None or not found.user.active or found.client.slug != slug:
        print(f"csrgraph: no active user {email!r} in client {slug!r}", file=sys.stderr)
        return None
    user, client = found.user, found.client
    return RequestScope(Viewer(user.id, client.id, user.role, user.email), request_id=f"cli-{slug}")
