"""Apps over the same test database beside the reference (text always Strawberry's way): one with compiled plans on
(CSRGRAPH_COMPILED_PLANS) for the `compiled` and `text-compiled` paths of paths.py, one with only text seen before run
as a known document (CSRGRAPH_KNOWN_TEXTS, on in both) for `text-known`: each test's requests on a path go to its
app."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.api.differential import paths
from tests.conftest import Api, started_app


@pytest.fixture(scope="session")
async def compiled_app(database: Any) -> AsyncIterator[Any]:
    async with started_app(database.url, compiled_plans=True) as application:
        yield application


@pytest.fixture(scope="session")
async def known_text_app(database: Any) -> AsyncIterator[Any]:
    async with started_app(database.url, known_texts=True) as application:
        yield application


@pytest.fixture(autouse=True)
async def compiled_client(api: Api, compiled_app: Any, known_text_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(compiled_app) as client, _client(known_text_app) as known_text:
        paths.COMPILED[api.client], paths.KNOWN_TEXT[api.client] = client, known_text
        yield client
        del paths.COMPILED[api.client], paths.KNOWN_TEXT[api.client]


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://csrgraph.test")
