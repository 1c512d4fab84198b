"""Providers' key sets without a server (no database): fetched once for many waiting requests, again past their
maximum age or on an unknown kid but never under the floor, kept when the provider fails."""

import asyncio

import pytest
from jwt.algorithms import RSAAlgorithm

from graph.oidc import KeySets, ProviderUnavailable, UnknownSigningKey
from tests.api.admin.conftest import FakeClock
from tests.idp import Realm

ISSUER = "https://idp.example.com"


class Provider:
    """Serves a realm's documents to KeySets' fetch function, counting fetches, or failing when down."""

    def __init__(self) -> None:
        self.realm = Realm("https://unused.example")
        self.realm.issuer = ISSUER
        self.kid = self.realm.add_key()
        self.fetches, self.down = 0, False

    async def fetch(self, url: str) -> dict:
        await asyncio.sleep(0.01)  # let concurrent lookups pile up behind the first
        if self.down:
            raise ValueError("provider down")
        if url.endswith("openid-configuration"):
            return {**self.realm.discovery(), "jwks_uri": f"{ISSUER}/keys"}
        self.fetches += 1
        return self.realm.jwks()


@pytest.fixture
def provider() -> Provider:
    return Provider()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_many_requests_at_once_fetch_once(provider, clock):
    keys = KeySets(provider.fetch, clock=clock)
    found = await asyncio.gather(*(keys.key_for(ISSUER, provider.kid) for _ in range(20)))
    assert provider.fetches == 1
    assert len({id(k) for k in found}) == 1
    assert found[0].algorithm_name == "RS256"


async def test_unknown_kids_refetch_at_most_once_per_floor(provider, clock):
    keys = KeySets(provider.fetch, clock=clock, floor=60)
    await keys.key_for(ISSUER, provider.kid)
    for n in range(10):
        with pytest.raises(UnknownSigningKey):
            await keys.key_for(ISSUER, f"unknown-{n}")
        clock.advance(5)  # 50 s in all: still under the floor
    assert provider.fetches == 1
    clock.advance(10)
    with pytest.raises(UnknownSigningKey):
        await keys.key_for(ISSUER, "unknown-again")
    assert provider.fetches == 2


async def test_a_set_past_its_age_is_fetched_again_and_kept_if_that_fails(provider, clock):
    keys = KeySets(provider.fetch, clock=clock, floor=60, max_age=3600)
    await keys.key_for(ISSUER, provider.kid)
    clock.advance(3600)
    provider.down = True
    assert (await keys.key_for(ISSUER, provider.kid)) is not None  # the failed fetch kept the old set
    provider.down = False
    clock.advance(60)
    await keys.key_for(ISSUER, provider.kid)
    assert provider.fetches == 2


async def test_no_key_ever_fetched_is_the_provider_unavailable(provider, clock):
    provider.down = True
    with pytest.raises(ProviderUnavailable):
        await KeySets(provider.fetch, clock=clock).key_for(ISSUER, provider.kid)


@pytest.mark.parametrize("jwk_change", [
    {"use": "enc"},  # an encryption key
    {"alg": "RS512"},  # an algorithm this service does not accept
])
async def test_only_signing_keys_of_accepted_algorithms_are_kept(provider, clock, jwk_change):
    original = provider.realm.jwks

    provider.realm.jwks = lambda: {"keys": [{**k, **jwk_change} for k in original()["keys"]]}
    with pytest.raises(ProviderUnavailable):
        await KeySets(provider.fetch, clock=clock).key_for(ISSUER, provider.kid)


async def test_a_symmetric_key_in_the_set_is_never_used(provider, clock):
    secret = {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac", "alg": "HS256"}
    public = {**RSAAlgorithm.to_jwk(provider.realm.keys[provider.kid].public_key(), as_dict=True), "kid": provider.kid}
    provider.realm.jwks = lambda: {"keys": [secret, public]}
    keys = KeySets(provider.fetch, clock=clock)
    with pytest.raises(UnknownSigningKey):
        await keys.key_for(ISSUER, "hmac")
