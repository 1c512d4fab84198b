"""Fixtures: the suite runs once per backend (SQLite, PostgreSQL) against the real app over HTTP.

Tests isolate themselves by tenant: each creates its own client (tenant) with unique slugs,
and everything the API shows is scoped to the caller's client, so one migrated database per
backend serves the whole session.
"""

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import make_engine, make_sessionmaker
from db.migrate import migrate
from db.models import User
from graph.app import create_app
from graph.auth import issue_token
from graph.settings import Settings
from tests.factories.accounts import ensure_reference_data
from tests.factories.admin import Tenant, make_tenant
from tests.lifespan import lifespan

SECRET = "test-secret-not-for-production-0123456789"
POSTGRES_URL = os.environ.get("CSRGRAPH_TEST_POSTGRES_URL")
WANTED = os.environ.get("CSRGRAPH_TEST_BACKENDS", "sqlite,postgresql").split(",")


def backend_params() -> list[Any]:
    params = []
    for name in WANTED:
        if name == "postgresql" and not POSTGRES_URL:
            reason = "PostgreSQL: set CSRGRAPH_TEST_POSTGRES_URL or run `make test`"
            params.append(pytest.param(name, marks=pytest.mark.skip(reason=reason)))
        else:
            params.append(name)
    return params


@dataclass
class Database:
    backend: str
    url: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]


@pytest.fixture(scope="session", params=backend_params())
async def database(request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="csrgraph-test-"))
        url = f"sqlite+aiosqlite:///{folder / 'test.db'}"
    else:
        url = POSTGRES_URL
        await _reset_postgres(url)
    engine = make_engine(url)
    await migrate(engine)
    db = Database(request.param, url, engine, make_sessionmaker(engine))
    async with db.sessionmaker() as session, session.begin():
        await ensure_reference_data(session)
    yield db
    await engine.dispose()


async def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(scope="session")
async def app(database: Database) -> AsyncIterator[Any]:
    # The outbox runs in its own tests; here it would deliver test mail in the background. The event feed
    # reads the log only when a mutation here commits, so its polls never show in statement counts. Text always
    # runs Strawberry's way here (known_texts off), and registered documents on graphql-core's executor (compiled
    # plans off): the references the differential tests hold the other paths to.
    async with started_app(database.url, known_texts=False, compiled_plans=False) as application:
        yield application


@asynccontextmanager
async def started_app(database_url: str, **settings: Any) -> AsyncIterator[Any]:
    """The app over the test database, started: no outbox, no polls of the event log, no statistics pass (its
    statements would land in a test's count; tests/test_statistics.py runs it); `settings` override."""
    settings = {"statistics_minutes": 0, **settings}
    application = create_app(Settings(database_url=database_url, secret=SECRET, outbox_enabled=False,
                                      event_poll_seconds=3600, **settings))
    async with lifespan(application) as manager:
        yield manager.app


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A session for arranging data; commits so the app (other connections) sees it."""
    async with database.sessionmaker() as s:
        yield s
        await s.commit()


def token_for(user: User, ttl: timedelta = timedelta(hours=1), secret: str = SECRET) -> str:
    return issue_token(secret, user, ttl)


class Api:
    """GraphQL over HTTP against the app, as a given user."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client

    async def post(self, query: str, variables: dict | None = None, *, user: User | None = None,
                   headers: dict | None = None) -> httpx.Response:
        all_headers = {"authorization": f"Bearer {token_for(user)}"} if user else {}
        all_headers.update(headers or {})
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                      headers=all_headers)

    async def run(self, query: str, variables: dict | None = None, *, user: User) -> dict:
        """Execute and return `data`, failing the test on any GraphQL error."""
        response = await self.post(query, variables, user=user)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def errors(self, query: str, variables: dict | None = None, *, user: User) -> list[dict]:
        body = (await self.post(query, variables, user=user)).json()
        assert body.get("errors"), body
        return body["errors"]


@pytest.fixture
async def api(app: Any) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://csrgraph.test") as client:
        yield Api(client)


@pytest.fixture
def cli(database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `csrgraph ARGS` against the test database (in a thread: the command runs its own event loop)."""
    from graph.cli import main

    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("CSRGRAPH_SECRET", SECRET)

    async def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = await asyncio.to_thread(main, list(args))
        out, err = capsys.readouterr()
        return code, out.strip(), err.strip()

    return run


@pytest.fixture
async def tenant(session: AsyncSession) -> Tenant:
    tenant = await make_tenant(session)
    await session.commit()
    return tenant


@pytest.fixture
async def other_tenant(session: AsyncSession) -> Tenant:
    tenant = await make_tenant(session)
    await session.commit()
    return tenant


class SqlCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        """Statements that read or write data for the request: not the BEGINs SQLite sessions issue, nor the event
        feed's reads of the log after a commit (graph/event_feed.py: they run beside the request, a batch of
        events each, for every subscriber of the worker)."""
        return sum(1 for s in self.statements if not s.lstrip().upper().startswith("BEGIN") and not _feed_read(s))


def _feed_read(statement: str) -> bool:
    flat = " ".join(statement.split())
    return flat.startswith("SELECT domain_events.id, domain_events.client_id") and "WHERE domain_events.id >" in flat


@pytest.fixture
def count_sql(database: Database):
    """`with count_sql() as counter:` counts the SQL statements any engine runs inside the block.

    It listens on the Engine class because the app under test owns its own engine.
    """

    @contextmanager
    def counting():
        counter = SqlCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        event.listen(Engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(Engine, "before_cursor_execute", record)

    return counting
