"""A stopping worker stops within its budget, whatever its background work does, and says what it left running."""

import asyncio
import logging
import time
from contextlib import suppress

from graph import app as app_module
from graph.app import create_app
from graph.settings import Settings
from graph.shutdown import settle
from graph.socket_guard import SocketGuard
from tests.conftest import SECRET
from tests.lifespan import lifespan


async def stubborn(release: asyncio.Event) -> None:
    """Background work that swallows its cancellation (as asyncio.wait_for can on Python 3.11) and runs on until
    `release` (the test lets it end, or the test's event loop would wait for it for ever)."""
    while not release.is_set():
        with suppress(asyncio.CancelledError):
            await release.wait()


async def test_settle_waits_for_work_that_ends_and_names_what_did_not(caplog):
    finished = asyncio.create_task(asyncio.sleep(0.01), name="quick")
    release = asyncio.Event()
    hanging = asyncio.create_task(stubborn(release), name="stubborn")
    await asyncio.sleep(0)  # it has started
    hanging.cancel()
    with caplog.at_level(logging.WARNING, logger="csrgraph.shutdown"):
        started = time.monotonic()
        assert await settle([finished], 5.0, "quick work") is True
        assert await settle([hanging], 0.2, "the guard") is False
    assert time.monotonic() - started < 5.0
    assert finished.done()
    assert not hanging.done()
    (record,) = caplog.records
    assert "the guard still running after 0.2 s" in record.getMessage()
    assert "stubborn" in record.getMessage()
    release.set()
    await hanging


async def test_the_app_stops_within_its_budget_though_a_background_task_never_ends(database, monkeypatch, caplog):
    # given an app whose socket guard ignores being cancelled, with a short stop budget
    release = asyncio.Event()
    monkeypatch.setattr(SocketGuard, "run", lambda self: stubborn(release))
    monkeypatch.setattr(app_module, "STOP_SECONDS", 0.5)
    application = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False))
    with caplog.at_level(logging.WARNING, logger="csrgraph.shutdown"):
        # when it starts and stops
        async with lifespan(application):
            started = time.monotonic()
        stopped_in = time.monotonic() - started
    # then it stopped within about its budget, and said what it stopped without
    assert stopped_in < 0.5 + app_module.DISPOSE_SECONDS + 2.0, stopped_in
    release.set()
    assert any("background tasks still running" in r.getMessage() and "stubborn" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]
