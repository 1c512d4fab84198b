"""Fixtures of the user and sign-in tests: the test identity provider, and an app whose clock a test moves."""

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from graph.app import create_app
from graph.settings import Settings
from tests.conftest import SECRET, Api
from tests.idp import IdentityProviderServer, Realm
from tests.lifespan import lifespan

AUDIENCE = "csr-spa"
VIEWER = "{ viewer { user { email } role client { slug } } }"
CONFIGURE = """mutation($input: ConfigureIdentityProviderInput!) { configureIdentityProvider(input: $input) {
  identityProvider { issuer audience emailClaim roleSource roleClaim roleMapping { value role }
                     justInTimeProvisioning provisionedRole localTokens }
  userErrors { field code message } } }"""


class FakeClock:
    """A monotonic clock that only moves when told: times the auth cache and the key refetch floor."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def idp() -> Iterator[IdentityProviderServer]:
    with IdentityProviderServer() as server:
        yield server


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
async def clocked_app(database, clock) -> AsyncIterator[Any]:
    application = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False), clock=clock)
    async with lifespan(application) as manager:
        yield manager.app


@pytest.fixture
async def clocked_api(clocked_app) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=clocked_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://csrgraph.test") as client:
        yield Api(client)


async def configure(api: Api, admin: Any, realm: Realm, audience: str = AUDIENCE, **fields: Any) -> dict:
    """Point the admin's client at `realm` (configureIdentityProvider); returns the payload."""
    variables = {"input": {"issuer": realm.issuer, "audience": audience, **fields}}
    return (await api.run(CONFIGURE, variables, user=admin))["configureIdentityProvider"]


async def sign_in(api: Api, token: str) -> httpx.Response:
    return await api.post(VIEWER, headers={"authorization": f"Bearer {token}"})


def reason(response: httpx.Response) -> str:
    """The refusal's reason (and that it is a refusal the way clients expect it)."""
    error = response.json()["errors"][0]
    code = error["extensions"]["code"]
    assert code == ("UNAUTHENTICATED" if response.status_code == 401 else error["extensions"]["reason"]), error
    return error["extensions"]["reason"]
