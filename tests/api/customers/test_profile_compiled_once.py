"""Over customers of many account counts (every expanding IN list of the profile's statements at many lengths), the
SPA's CustomerProfile, read again, has SQLite compile none of its statements again on a connection that compiled it
(db/engine.SQLITE_CACHED_STATEMENTS; a statement whose SQL held a value would be compiled per customer). SQLite calls
a connection's authorizer while it compiles a statement, never while it runs one (tests/resolvers/
test_statement_cache.py): the calls between a statement's before and after cursor-execute events are its compilation."""

import sqlite3
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from graph.app import create_app
from graph.settings import Settings
from tests.api.customers.test_alerts import gid
from tests.api.customers.test_profile_statements import PROFILE
from tests.conftest import SECRET, Api
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer
from tests.lifespan import lifespan

ACCOUNT_COUNTS = range(1, 14)  # past the profile's page of accounts


class Compilations:
    """Which SQL texts SQLite compiled on which connection (of those opened in the block), while `counting`."""

    def __init__(self) -> None:
        self.compiled: Counter[tuple[int, str]] = Counter()
        self.running: dict[int, str] = {}  # connection -> the statement between its cursor-execute events
        self.counting = False  # the app's start-up (its schema checks, pragmas) is not the profile's

    def __enter__(self) -> "Compilations":
        event.listen(Pool, "connect", self._connected)
        event.listen(Engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(Pool, "connect", self._connected)
        event.remove(Engine, "before_cursor_execute", self._before)

    def _connected(self, dbapi_connection: Any, _record: object) -> None:
        raw: sqlite3.Connection = dbapi_connection._connection._conn  # aiosqlite's sqlite3 connection
        raw.set_authorizer(lambda *_: self._compiling(id(raw)))

    def _compiling(self, connection: int) -> int:
        statement = self.running.pop(connection, None)
        if statement is not None:  # a statement's first authorizer call: one compilation
            self.compiled[connection, statement] += 1
        return sqlite3.SQLITE_OK

    def _before(self, conn: Any, _cursor: object, statement: str, *_: object) -> None:
        if self.counting:
            raw = conn.connection.dbapi_connection._connection._conn
            self.running[id(raw)] = statement


async def test_the_profile_read_again_compiles_no_statement_twice(database, session, tenant) -> None:
    if database.backend != "sqlite":
        pytest.skip("SQLite's statement cache")
    # given customers of 1..13 accounts, each account on a plan of its own
    customers = []
    for count in ACCOUNT_COUNTS:
        customer = await make_customer(session, tenant, f"Accounts {count}")
        for _ in range(count):
            await make_account(session, customer, plan=await make_rate_plan(session, tenant.client.id), history=1)
        customers.append(customer)
    await session.commit()
    with Compilations() as seen:
        app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                                  event_poll_seconds=3600))
        async with lifespan(app) as manager, httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app),
                                                               base_url="http://t") as client:
            api = Api(client)
            seen.counting = True
            # when every profile is read three times over
            for _ in range(3):
                for customer in customers:
                    data = await api.run(PROFILE, {"id": gid("Customer", customer.id)}, user=tenant.agent)
                    assert data["node"]["id"] == gid("Customer", customer.id)
    # then each text was compiled at most once on each connection, and the IN lists took many lengths
    assert max(seen.compiled.values()) == 1, seen.compiled.most_common(3)
    assert len({text for _, text in seen.compiled}) > 30
