"""Identity providers' signing keys, per issuer: discovery document and JWKS, fetched without blocking the loop.

- The keys come from the issuer's discovery document (`ISSUER/.well-known/openid-configuration`, whose `issuer`
  must be the configured one) and its `jwks_uri`, fetched with httpx (async, with a timeout, no redirects).
  PyJWT parses them (PyJWK) and verifies tokens with them. Only signing keys (`use` absent or `sig`) of an
  algorithm the provider declares and this service allows (RS256, ES256) are kept; each key is bound to its
  algorithm, so a token's `alg` header cannot pick another (HS256 with the public key, `none`).
- A token whose `kid` is not in the set makes it be fetched again, so a key rotation needs no restart; but
  never more often than once per `floor` seconds per issuer (a stream of made-up kids cannot hammer the
  provider). A set older than `max_age` is fetched again when next used, so keys the provider removed stop
  working.
- The provider down: keys already fetched keep working (a failed fetch keeps them). A token that needs a key
  which could not be fetched is answered 503 IDENTITY_PROVIDER_UNAVAILABLE, not 401: the token may be fine
  and the SPA should retry rather than sign the user out.
"""

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from jwt import PyJWK, PyJWTError

from resolvers.rules.identity import issuer_problem

log = logging.getLogger("csrgraph.oidc")

ALLOWED_ALGORITHMS = ("RS256", "ES256")
REFETCH_FLOOR_SECONDS = 60.0
MAX_AGE_SECONDS = 3600.0
FETCH_TIMEOUT_SECONDS = 5.0
MAX_DOCUMENT_BYTES = 256 * 1024

FetchJson = Callable[[str], Awaitable[dict[str, Any]]]


class ProviderUnavailable(Exception):
    """No key could be fetched for the issuer (the provider is down, or publishes nothing usable)."""


class UnknownSigningKey(Exception):
    """The issuer's freshly fetched set has no key with the token's kid."""


@dataclass
class _IssuerKeys:
    keys: dict[str | None, PyJWK] = field(default_factory=dict)
    fetched_at: float | None = None  # the last successful fetch
    tried_at: float | None = None  # the last attempt, successful or not: the floor counts from here
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class KeySets:
    """The signing keys of every issuer a token has named, one set per issuer, for one app (worker)."""

    def __init__(self, fetch_json: FetchJson | None = None, clock: Callable[[], float] = time.monotonic,
                 floor: float = REFETCH_FLOOR_SECONDS, max_age: float = MAX_AGE_SECONDS):
        self.fetch_json, self.clock, self.floor, self.max_age = fetch_json or fetch_json_document, clock, floor, max_age
        self._issuers: dict[str, _IssuerKeys] = {}

    async def key_for(self, issuer: str, kid: str | None) -> PyJWK:
        """The issuer's signing key `kid` (bound to its algorithm); fetched again as the module says."""
        state = self._issuers.setdefault(issuer, _IssuerKeys())
        key = _pick(state.keys, kid)
        if key is None or self._stale(state):
            await self._refresh(issuer, state)
            key = _pick(state.keys, kid)
        if key is not None:
            return key
        if state.fetched_at is None:
            raise ProviderUnavailable(issuer)
        raise UnknownSigningKey(kid)

    def _stale(self, state: _IssuerKeys) -> bool:
        return state.fetched_at is None or self.clock() - state.fetched_at >= self.max_age

    async def _refresh(self, issuer: str, state: _IssuerKeys) -> None:
        async with state.lock:  # one fetch at a time per issuer; who waited finds the new set
            now = self.clock()
            if state.tried_at is not None and now - state.tried_at < self.floor:
                return
            state.tried_at = now
            try:
                state.keys = await self._download(issuer)
            except (httpx.HTTPError, ValueError) as error:
                log.warning("identity provider %s: keys not fetched (%s); keeping %d known keys",
                            issuer, error, len(state.keys))
                return
            state.fetched_at = now

    async def _download(self, issuer: str) -> dict[str | None, PyJWK]:
        discovery = await self.fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if discovery.get("issuer") != issuer:
            raise ValueError("the discovery document names another issuer")
        declared = discovery.get("id_token_signing_alg_values_supported") or ["RS256"]  # RS256: OIDC's default
        algorithms = [a for a in ALLOWED_ALGORITHMS if isinstance(declared, list) and a in declared]
        jwks_uri = discovery.get("jwks_uri")
        if not isinstance(jwks_uri, str) or issuer_problem(jwks_uri) is not None:
            raise ValueError("the discovery document has no https jwks_uri")
        keys = _signing_keys((await self.fetch_json(jwks_uri)).get("keys"), algorithms)
        if not keys:
            raise ValueError(f"the JWKS has no signing key for {', '.join(algorithms) or 'RS256 or ES256'}")
        return keys


def _pick(keys: dict[str | None, PyJWK], kid: str | None) -> PyJWK | None:
    """The key named `kid`; a token without a kid may use the only key of a one-key set."""
    if kid is None and len(keys) == 1:
        return next(iter(keys.values()))
    return keys.get(kid)


def _signing_keys(jwks: Any, algorithms: list[str]) -> dict[str | None, PyJWK]:
    keys: dict[str | None, PyJWK] = {}
    for jwk in jwks if isinstance(jwks, list) else []:
        if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig" or jwk.get("kty") not in ("RSA", "EC"):
            continue  # encryption keys, and symmetric (oct) keys that would make HMAC possible
        try:
            key = PyJWK(jwk)
        except PyJWTError:
            continue  # a key type or curve PyJWT cannot use
        if key.algorithm_name in algorithms:
            keys[jwk.get("kid")] = key
    return keys


async def fetch_json_document(url: str) -> dict[str, Any]:
    """GET a JSON object, bounded in time and size."""
    async with (
        httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False) as client,
        client.stream("GET", url, headers={"accept": "application/json"}) as response,
    ):
        response.raise_for_status()
        body = b""
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_DOCUMENT_BYTES:
                raise ValueError(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes")
    document = json.loads(body)
    if not isinstance(document, dict):
        raise ValueError(f"{url} is not a JSON object")
    return document
