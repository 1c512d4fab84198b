"""The concurrency limit (graph/limits.py ConcurrencyLimit, applied by graph/front_door.py): at most `limit` GraphQL
requests over HTTP in the app at once, in arrival order; websockets, lifespan and other paths never wait; 0 is no
limit."""

import asyncio
from types import SimpleNamespace

import pytest

from graph.front_door import FrontDoor
from graph.limits import ConcurrencyLimit


class Recorder:
    """An ASGI app that notes how many requests are inside at once and the order they entered."""

    def __init__(self) -> None:
        self.inside = self.most = 0
        self.entered: list[int] = []
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        self.entered.append(scope["n"])
        if scope.get("path") == "/graphql" and scope["type"] == "http":  # a request at work until released
            await self.release.wait()
        self.inside -= 1


class SignsEveryoneIn:
    async def sign_in(self, state, header):
        return SimpleNamespace(id=1), SimpleNamespace(id=1)


def front_door(app: Recorder, limit: int) -> FrontDoor:
    return FrontDoor(app, graphql=app, authenticator=SignsEveryoneIn(), concurrent_requests=limit,
                     max_body_bytes=1024, max_upload_bytes=1024)


def request(path: str, n: int, kind: str = "http") -> dict:
    return {"type": kind, "path": path, "n": n, "method": "POST", "headers": [], "state": {}}


async def no_send(message) -> None:
    pass


@pytest.mark.parametrize(
    ("limit", "requests", "expected_most"), [(1, 4, 1), (2, 5, 2), (3, 3, 3), (0, 6, 6), (8, 3, 3)]
)
async def test_no_more_than_the_limit_run_at_once_and_in_order(limit, requests, expected_most):
    app = Recorder()
    door = front_door(app, limit)
    calls = [asyncio.create_task(door(request("/graphql", n), None, no_send)) for n in range(requests)]
    await asyncio.sleep(0.05)
    assert app.inside == expected_most
    app.release.set()
    await asyncio.gather(*calls)
    assert app.most == expected_most
    assert app.entered == list(range(requests))


@pytest.mark.parametrize("scope", [request("/graphql", 1, "websocket"), {"type": "lifespan", "n": 1},
                                   request("/documents/7", 1), request("/exports/3", 1)])
async def test_a_full_worker_still_takes_websockets_and_file_routes(scope):
    app = Recorder()
    door = front_door(app, 1)
    held = asyncio.create_task(door(request("/graphql", 0), None, no_send))
    await asyncio.sleep(0.01)
    await asyncio.wait_for(door(scope, None, no_send), timeout=1)
    assert app.entered == [0, 1]
    app.release.set()
    await held


async def test_the_limit_awaits_each_request_in_a_slot():
    limit, order = ConcurrencyLimit(1), []

    async def step(n: int) -> None:
        order.append(("in", n))
        await asyncio.sleep(0.01)
        order.append(("out", n))

    await asyncio.gather(limit.run(step(0)), limit.run(step(1)))
    assert order == [("in", 0), ("out", 0), ("in", 1), ("out", 1)]
