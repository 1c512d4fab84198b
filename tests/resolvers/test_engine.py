"""SQLite runs with its durability pragmas, and the server refuses to start without them."""

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from db.engine import SQLITE_PRAGMAS, check_sqlite_pragmas, make_engine


async def test_pragmas_are_in_effect(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    found = await check_sqlite_pragmas(engine)
    await engine.dispose()
    assert found == SQLITE_PRAGMAS


async def test_an_engine_without_them_is_refused(tmp_path):
    plain = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'y.db'}")  # SQLite's defaults
    with pytest.raises(RuntimeError, match="pragmas not in effect"):
        await check_sqlite_pragmas(plain)
    await plain.dispose()
