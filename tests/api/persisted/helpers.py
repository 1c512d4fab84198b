"""The SPA's documents (spa/), registering documents as `csrgraph documents add` does, and apps in each mode."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from graph.app import create_app
from graph.persisted.known import DocumentChecker, checker_for
from graph.schema import make_schema
from graph.settings import Settings
from resolvers.persisted.registry import NewDocument, add_trusted, add_untrusted
from tests.conftest import SECRET, Api, token_for
from tests.lifespan import lifespan

SPA_DIR = Path(__file__).resolve().parents[3] / "spa"
MANIFEST_PATH = SPA_DIR / "persisted-query-manifest.json"
SPA = {operation["name"]: operation for operation in json.loads(MANIFEST_PATH.read_text())["operations"]}
GQL = "application/graphql-response+json"


def spa_id(name: str) -> str:
    return "sha256:" + SPA[name]["id"]


@cache
def checker() -> DocumentChecker:
    settings = Settings(database_url="", secret="")
    return checker_for(make_schema(settings), settings)


async def register(database: Any, *texts: str, trusted: bool = True) -> list[str]:
    """Register the texts (validated first, as the command line does); their ids."""
    documents = [checker().prepare(text, trusted=trusted) for text in texts]
    async with database.sessionmaker() as session, session.begin():
        if trusted:
            await add_trusted(session, [NewDocument(d.sha256, d.text, d.name, "graphql") for d in documents])
        for d in documents if not trusted else ():
            await add_untrusted(session, NewDocument(d.sha256, d.text, d.name, "apq"))
    return [d.id for d in documents]


async def register_spa(database: Any) -> None:
    await register(database, *(operation["body"] for operation in SPA.values()))


def auth(user: Any, **headers: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token_for(user)}", **headers}


@asynccontextmanager
async def app_in(database: Any, mode: str, clock: Any = None, **settings: Any) -> AsyncIterator[Api]:
    """An app (one worker) with CSRGRAPH_DOCUMENTS=mode over the test database, and a client of it."""
    application = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                                      documents=mode, **settings), **({"clock": clock} if clock else {}))
    async with (
        lifespan(application) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://csrgraph.test") as client,
    ):
        yield Api(client)


class DocumentIdApi(Api):
    """GraphQL over HTTP as an SPA with registered documents sends it: each document registered, then named by id.

    A document that does not validate is never registered; it goes as text, so the test sees the same errors.
    """

    def __init__(self, client: httpx.AsyncClient, database: Any):
        super().__init__(client)
        self.database, self.ids = database, {}

    async def post(self, query: str, variables: dict | None = None, *, user: Any = None,
                   headers: dict | None = None) -> httpx.Response:
        from graph.persisted.known import DocumentRefused

        if query not in self.ids:
            try:
                [self.ids[query]] = await register(self.database, query)
            except DocumentRefused:
                return await super().post(query, variables, user=user, headers=headers)
        all_headers = {"authorization": f"Bearer {token_for(user)}"} if user else {}
        all_headers.update(headers or {})
        return await self.client.post("/graphql", json={"documentId": self.ids[query], "variables": variables or {}},
                                      headers=all_headers)
