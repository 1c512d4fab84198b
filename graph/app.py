"""The Starlette application factory; the lifespan owns the engine, the session factories and the app's caches."""

import asyncio
import contextlib
import gc
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from db.engine import (
    check_sqlite_pragmas,
    is_sqlite,
    make_engine,
    make_read_sessionmaker,
)
from db.maintenance import keep_statistics_current, statistics_pass
from db.writes import Writes
from graph import event_trace
from graph.auth import Authenticator
from graph.billing import files as billing_files
from graph.caches import REFERENCE_TTL_SECONDS, USER_TTL_SECONDS, TtlCache
from graph.commlog.bulk_notes import files as bulk_files
from graph.commlog.letters.files import ROUTE_PATH as DOCUMENT_PATH
from graph.commlog.letters.files import download_document
from graph.core.plain_fields import read_plain_fields_directly
from graph.customers.imports import files as import_files
from graph.event_feed import POLL_SECONDS, SAFETY_POLL_SECONDS, EventFeed
from graph.exports import ROUTES as EXPORT_ROUTES
from graph.front_door import FrontDoor
from graph.oidc import KeySets
from graph.persisted.known import checker_for
from graph.persisted.registry import KnownDocuments, RegistryRefused
from graph.persisted.seen_texts import SeenTexts
from graph.schema import make_schema
from graph.settings import Settings
from graph.shutdown import settle
from graph.socket_guard import SocketGuard
from graph.view import GraphQLView
from resolvers.commlog.letters.outbox import make_transport, run_outbox
from resolvers.statements import StatementCache

STATIC = Path(__file__).parent / "static"
STOP_SECONDS = 5.0  # a stopping worker's wait for its background tasks (the event feed's thread: 3 s of it)
DISPOSE_SECONDS = 2.0  # then for closing its pool's connections
STATISTICS_TASK = "sqlite statistics"  # the task that keeps the planner's statistics current (db/maintenance.py)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "worker": os.getpid()})  # which worker answered (several share a port)


_frozen = False


def freeze_startup_objects() -> None:
    """Take what exists at startup (modules, the schema, SQLAlchemy's mappers: some 200,000 objects) out of
    the cyclic garbage collector's sight. Otherwise each full collection walks them all: about 10 ms every
    request of a large response (bench nested), not for garbage but for objects that live as long as the
    process. Once per process, after collecting, so garbage is not frozen; later garbage stays collectable."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


def create_app(settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> Starlette:
    """The app; `clock` times the auth cache and the providers' key refetches (tests pass one they can move)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict]:
        freeze_startup_objects()
        engine = make_engine(settings.database_url, **settings.engine_options())
        await check_sqlite_pragmas(engine)  # refuse to serve without WAL, FULL sync, foreign keys
        sessionmaker = make_read_sessionmaker(engine)
        writes = Writes(engine, wait_seconds=settings.write_wait_seconds)  # every write of this worker
        try:  # a registered document the schema no longer serves stops the start
            documents = await KnownDocuments.started(checker, sessionmaker, writes, clock=clock)
        except RegistryRefused:
            await engine.dispose()
            raise
        poll = settings.event_poll_seconds or (POLL_SECONDS if is_sqlite(engine) else SAFETY_POLL_SECONDS)
        feed = EventFeed(sessionmaker, poll)
        await feed.start()
        guard = SocketGuard(sessionmaker)
        stop = asyncio.Event()
        reading = feed.run() if is_sqlite(engine) else feed.run_in_thread(settings.database_url)
        tasks = [asyncio.create_task(reading), asyncio.create_task(guard.run())]
        if event_trace.ENABLED:
            tasks.append(asyncio.create_task(event_trace.watch_loop_lag()))
        if is_sqlite(engine) and settings.statistics_minutes > 0:  # PostgreSQL's autovacuum analyzes by itself
            interval = settings.statistics_minutes * 60
            # the first pass before serving (tens of ms on a million customers): the first requests are planned on
            # current statistics, and none runs beside it
            await statistics_pass(writes, interval)
            tasks.append(asyncio.create_task(keep_statistics_current(writes, interval, stop, first_pass=False),
                                             name=STATISTICS_TASK))
        outbox = None
        if settings.outbox_enabled:
            outbox = asyncio.create_task(run_outbox(
                writes, make_transport(settings), settings.outbox_interval_seconds, stop))
        try:
            yield {
                "engine": engine,
                "sessionmaker": sessionmaker,
                "documents": documents,
                "texts": SeenTexts(checker) if settings.known_texts else None,  # text seen before: the fast path
                "writes": writes,
                "feed": feed,
                "socket_guard": guard,
                "reference_cache": TtlCache(REFERENCE_TTL_SECONDS),
                "user_cache": TtlCache(USER_TTL_SECONDS, clock=clock),
                "statements": StatementCache(),  # statements built once for every request (resolvers/statements.py)
            }
        finally:  # each step bounded (graph/shutdown.py): a stop that hangs stops no server
            stop.set()
            for task in tasks:
                task.cancel()
            await settle([*tasks, *([outbox] if outbox else [])], STOP_SECONDS, "background tasks")
            await settle([engine.dispose()], DISPOSE_SECONDS, "closing the database connections")

    schema = make_schema(settings)
    read_plain_fields_directly(schema)
    authenticator = Authenticator(settings.secret, KeySets(clock=clock))
    graphql = GraphQLView(
        schema, authenticator=authenticator, documents_mode=settings.documents, graphql_ide=None,
        allow_queries_via_get=True,
        multipart_uploads_enabled=True, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        allowed_origins=settings.allowed_origins,
    )
    checker = checker_for(schema, settings)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),  # first: the router tries routes in order
        Route("/healthz", healthz, methods=["GET"]),
        WebSocketRoute("/graphql", graphql),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *bulk_files.ROUTES,
        *import_files.ROUTES,
        *billing_files.ROUTES,
        *EXPORT_ROUTES,
        Route(DOCUMENT_PATH, download_document, methods=["GET"]),
    ]
    # One callable in front of the routes (request id and line, limits, CORS, the token), and GET and POST /graphql
    # straight from it to the view (graph/front_door.py)
    front_door = Middleware(FrontDoor, graphql=graphql, authenticator=authenticator,
                            concurrent_requests=settings.concurrent_requests, max_body_bytes=settings.max_body_bytes,
                            max_upload_bytes=settings.max_upload_bytes, allowed_origins=settings.allowed_origins)
    return App(routes=routes, middleware=[front_door], lifespan=lifespan)


class App(Starlette):
    """Starlette with the front door outermost. Starlette puts its ServerErrorMiddleware around every app, whose only
    work for HTTP is the last resort for a fault (a 500), which the front door does already, with the request id
    (graph/request_log.py); it passes other scopes on untouched. Left out, every request is spared a layer and a
    wrapper of each `send` (tests/test_private_internals.py pins the stack's shape)."""

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        handled = any(key in (500, Exception) for key in self.exception_handlers)  # none: the front door's 500
        if type(stack) is ServerErrorMiddleware and isinstance(stack.app, FrontDoor) and not (self.debug or handled):
            return stack.app
        return stack


def from_environ() -> Starlette:
    """Factory for `uvicorn --factory graph.app:from_environ` (and several workers)."""
    return create_app(Settings.from_environ())
