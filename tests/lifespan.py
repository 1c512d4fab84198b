"""The app's lifespan for tests, with start-up and shutdown time for a busy machine."""

from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp

from graph.app import DISPOSE_SECONDS, STOP_SECONDS

# asgi-lifespan's default of 5 s ran out on PostgreSQL while other suites shared the machine's two cores
STARTUP_SECONDS = 60
# The app bounds its own shutdown (graph/shutdown.py: STOP_SECONDS + DISPOSE_SECONDS, 7 s), past asgi-lifespan's
# default of 5 s; twice that, so a test fails on a stop the app did not bound, never on a busy machine's slow one
SHUTDOWN_SECONDS = 2 * (STOP_SECONDS + DISPOSE_SECONDS)


def lifespan(app: ASGIApp) -> LifespanManager:
    """`LifespanManager` with start-up and shutdown timeouts sized for a loaded CI machine."""
    return LifespanManager(app, startup_timeout=STARTUP_SECONDS, shutdown_timeout=SHUTDOWN_SECONDS)
