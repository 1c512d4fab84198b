"""A second app over the same test database with compiled plans on (CSRGRAPH_COMPILED_PLANS), for the `compiled`
path of paths.py: each test's requests on that path go to it."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graph.app import create_app
from graph.settings import Settings
from tests.api.differential import paths
from tests.conftest import SECRET, Api
from tests.lifespan import lifespan


@pytest.fixture(scope="session")
async def compiled_app(database: Any) -> AsyncIterator[Any]:
    application = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                                      event_poll_seconds=3600, compiled_plans=True))
    async with lifespan(application) as manager:
        yield manager.app


@pytest.fixture(autouse=True)
async def compiled_client(api: Api, compiled_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=compiled_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://csrgraph.test") as client:
        paths.COMPILED[api.client] = client
        yield client
        del paths.COMPILED[api.client]
