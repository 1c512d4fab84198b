"""Time the app's statistics passes (db/maintenance.py) over a SQLite file: each pass whole, and the part of it that
holds the write lock. `.venv/bin/python scripts/time_statistics_pass.py var/bench/search-1m.db [passes]`.
To time a pass that analyzes, make statistics stale first, e.g. `DELETE FROM sqlite_stat1 WHERE tbl = 'customers'`
(on a copy: never on a database in use)."""

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import make_engine
from db.maintenance import refresh_statistics
from db.writes import Writes


class TimedWrites(Writes):
    held = 0.0  # seconds the last write transaction took, from its wait for the lock to its commit

    @asynccontextmanager
    async def transaction(self, **options: Any) -> AsyncIterator[AsyncSession]:
        started = time.perf_counter()
        async with super().transaction(**options) as session:
            yield session
        self.held = time.perf_counter() - started


async def main(path: str, passes: int) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    writes = TimedWrites(engine)
    try:
        for n in range(passes):
            writes.held = 0.0
            started = time.perf_counter()
            analyzed = [statement.split('"')[-2] for statement in await refresh_statistics(writes)]
            print(f"pass {n}: {1000 * (time.perf_counter() - started):.1f} ms, write transaction "
                  f"{1000 * writes.held:.1f} ms; analyzed {len(analyzed)}: {' '.join(analyzed)}")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3))
