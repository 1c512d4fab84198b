"""graph/limits.py ConcurrencyLimitMiddleware: at most `limit` GraphQL requests over HTTP in the app at once, in
arrival order; websockets, lifespan and other paths never wait; 0 is no limit."""

import asyncio

import pytest

from graph.limits import ConcurrencyLimitMiddleware


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


@pytest.mark.parametrize(
    ("limit", "requests", "expected_most"), [(1, 4, 1), (2, 5, 2), (3, 3, 3), (0, 6, 6), (8, 3, 3)]
)
async def test_no_more_than_the_limit_run_at_once_and_in_order(limit, requests, expected_most):
    app = Recorder()
    limited = ConcurrencyLimitMiddleware(app, limit=limit)
    scopes = [{"type": "http", "path": "/graphql", "n": n} for n in range(requests)]
    calls = [asyncio.create_task(limited(scope, None, None)) for scope in scopes]
    await asyncio.sleep(0.05)
    assert app.inside == expected_most
    app.release.set()
    await asyncio.gather(*calls)
    assert app.most == expected_most
    assert app.entered == list(range(requests))


@pytest.mark.parametrize("scope", [{"type": "websocket", "path": "/graphql"}, {"type": "lifespan"},
                                   {"type": "http", "path": "/documents/7"}, {"type": "http", "path": "/exports/3"}])
async def test_a_full_worker_still_takes_websockets_and_file_routes(scope):
    app = Recorder()
    limited = ConcurrencyLimitMiddleware(app, limit=1)
    held = asyncio.create_task(limited({"type": "http", "path": "/graphql", "n": 0}, None, None))
    await asyncio.sleep(0.01)
    await asyncio.wait_for(limited({**scope, "n": 1}, None, None), timeout=1)
    assert app.entered == [0, 1]
    app.release.set()
    await held
