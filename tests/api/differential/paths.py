"""The ways a document can run, each answering the same request; the reference is the first.

A new way (the compiled plans, say) is one more line in PATHS: every differential test then holds it to the
reference's bytes.
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.api.persisted.helpers import GQL, SPA, auth, spa_id

Send = Callable[[httpx.AsyncClient, str, dict], Awaitable[httpx.Response]]


def _text(client: httpx.AsyncClient, name: str, variables: dict, headers: dict) -> Awaitable[httpx.Response]:
    return client.post("/graphql", json={"query": SPA[name]["body"], "variables": variables}, headers=headers)


def _registered(client: httpx.AsyncClient, name: str, variables: dict, headers: dict) -> Awaitable[httpx.Response]:
    return client.post("/graphql", json={"documentId": spa_id(name), "variables": variables}, headers=headers)


# The app with compiled plans on (conftest.py) beside each test's app: the client to it, by the test's client.
COMPILED: dict[httpx.AsyncClient, httpx.AsyncClient] = {}


def _compiled(client: httpx.AsyncClient, name: str, variables: dict, headers: dict) -> Awaitable[httpx.Response]:
    """The registered document on an app with compiled plans on (graph/compiled): planned operations skip the
    executor, the others run as on `registered`."""
    return _registered(COMPILED[client], name, variables, headers)


# The app where text seen before runs as a known document (graph/persisted/seen_texts.py), by the test's client.
KNOWN_TEXT: dict[httpx.AsyncClient, httpx.AsyncClient] = {}
UNKNOWN_OPERATION = "NotInTheDocument"


async def _seen_text(client: httpx.AsyncClient, name: str, variables: dict, headers: dict) -> httpx.Response:
    """The text on its second sight, so it runs as a known document (the request line says `document: seen`). The
    first sight names an operation the text lacks: refused before it runs (a write is not made twice)."""
    warm = {"query": SPA[name]["body"], "operationName": UNKNOWN_OPERATION}
    assert (await client.post("/graphql", json=warm, headers=headers)).status_code == 400
    return await _text(client, name, variables, headers)


def _text_known(client: httpx.AsyncClient, name: str, variables: dict, headers: dict) -> Awaitable[httpx.Response]:
    return _seen_text(KNOWN_TEXT[client], name, variables, headers)


def _text_compiled(client: httpx.AsyncClient, name: str, variables: dict,
                   headers: dict) -> Awaitable[httpx.Response]:
    """Text seen before on the app with compiled plans on: its document's planned operations skip the executor."""
    return _seen_text(COMPILED[client], name, variables, headers)


PATHS: dict[str, Callable[..., Awaitable[httpx.Response]]] = {
    "text": _text,  # the reference: Strawberry parses, validates and executes the text (known_texts off)
    "registered": _registered,  # the SPA's registered document named by its id (graph/persisted/fast_path.py)
    "compiled": _compiled,
    "text-known": _text_known,  # the text again: run as a known document (graph/persisted/seen_texts.py)
    "text-compiled": _text_compiled,
}
REFERENCE = next(iter(PATHS))
VIEWS = ["CustomerProfile", "ArTab", "CommunicationLogTab", "Timeline", "AccountsTab"]


def answer(response: httpx.Response) -> tuple[int, str, bytes]:
    """What a client receives: status, media type and the body's bytes (data and errors)."""
    return response.status_code, response.headers["content-type"], response.content


async def run(client: httpx.AsyncClient, user: Any, path: str, name: str, variables: dict) -> tuple[int, str, bytes]:
    return answer(await PATHS[path](client, name, variables, auth(user, accept=GQL, **{"x-request-id": "diff"})))


async def same_everywhere(client: httpx.AsyncClient, user: Any, name: str, variables: dict) -> dict:
    """Run a read on every path; assert each answers the reference's bytes; the reference's JSON."""
    reference = await run(client, user, REFERENCE, name, variables)
    for path in list(PATHS)[1:]:
        assert await run(client, user, path, name, variables) == reference, (path, name, variables, reference)
    return json.loads(reference[2])


async def views(client: httpx.AsyncClient, user: Any, book: dict) -> list[dict]:
    """A customer's views as the reference reads them (to see what a write changed, or that it changed nothing)."""
    return [json.loads((await run(client, user, REFERENCE, name, {"id": book["id"]}))[2]) for name in VIEWS]
