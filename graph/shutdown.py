"""A stopping worker waits for its background work a bounded time, then goes on without it.

uvicorn waits for the lifespan's shutdown as long as it takes, and a test's LifespanManager 5 s by default:
one task that never ends (a connection that does not answer while it closes, a cancellation swallowed)
would hang a real server's stop, and fail a test, without a word. So each step waits at most its budget,
and what is still running past it is logged by name (the log says what a slow stop waited for).
"""

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from typing import Any

log = logging.getLogger("csrgraph.shutdown")


async def settle(work: Iterable[Awaitable[Any]], seconds: float, what: str) -> bool:
    """Wait up to `seconds` for `work` to end (its errors are logged, not raised); False if some of it did not."""
    tasks = [asyncio.ensure_future(w) for w in work]
    if not tasks:
        return True
    done, pending = await asyncio.wait(tasks, timeout=seconds)
    for task in done:
        error = None if task.cancelled() else task.exception()
        if error is not None:
            log.warning("shutdown: %s: %s failed: %r", what, task.get_name(), error)
    if pending:
        log.warning("shutdown: %s still running after %.1f s, stopping without them: %s",
                    what, seconds, ", ".join(sorted(repr(task.get_coro()) for task in pending)))
    return not pending
