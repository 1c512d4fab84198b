"""The app's lifespan for tests, with start-up time for a busy machine."""

from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp

# asgi-lifespan's default of 5 s ran out on PostgreSQL while other suites shared the machine's two cores
STARTUP_SECONDS = 60


def lifespan(app: ASGIApp) -> LifespanManager:
    """`LifespanManager` with a start-up timeout sized for a loaded CI machine."""
    return LifespanManager(app, startup_timeout=STARTUP_SECONDS)
