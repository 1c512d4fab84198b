"""Where a live update's time goes: stage timestamps of events, logged only when CSRGRAPH_TRACE_EVENTS=1.

`bench load` turns it on and reads the lines back from the server's log to split the delivery latency
into stages (committed -> read by a worker's feed -> taken by the subscription -> built -> received).
Wall-clock times (time.time()), so that the benchmark's client process can compare them with its own.
Also, while tracing, how late the worker's event loop runs a callback (its ready queue under load).
"""

import asyncio
import logging
import os
import time
from collections.abc import Iterable

from db import event_log
from graph.logs import fields

log = logging.getLogger("csrgraph.trace")
ENABLED = os.environ.get("CSRGRAPH_TRACE_EVENTS") == "1"
LAG_TICK_SECONDS = 0.01
LAG_REPORT_SECONDS = 1.0


def stamp(stage: str, event_ids: Iterable[int]) -> None:
    """Log that these events reached `stage` now (no-op unless tracing)."""
    if ENABLED:
        log.info("event stage", extra=fields(stage=stage, ids=",".join(map(str, event_ids)), at=f"{time.time():.6f}",
                                              pid=os.getpid()))


async def watch_loop_lag() -> None:
    """Every second, log how late the loop ran a 10 ms timer (worst and mean): turns spent queued behind others."""
    loop = asyncio.get_running_loop()
    while True:
        lags, until = [], loop.time() + LAG_REPORT_SECONDS
        while loop.time() < until:
            due = loop.time() + LAG_TICK_SECONDS
            await asyncio.sleep(LAG_TICK_SECONDS)
            lags.append(loop.time() - due)
        worst_ms, mean_ms = f"{max(lags) * 1000:.1f}", f"{sum(lags) / len(lags) * 1000:.1f}"
        log.info("loop lag", extra=fields(worst_ms=worst_ms, mean_ms=mean_ms, pid=os.getpid()))


if ENABLED:
    event_log.on_commit.append(lambda ids: stamp("committed", ids))
