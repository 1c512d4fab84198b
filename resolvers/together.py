"""Batches that read through a `run` (resolvers/statements.py), their statements read together: `read_all` asks a
run for several statements at once, and a SplitBatch is written as its statements and the values of their rows, so a
compiled plan reads them with the other statements of its depth (graph/compiled/objects.py DerivedLevel) while a
loader awaits the batch (the standing, alerts, settings and viewer actions of a customer: graph/customers, billing).

A compiled plan's `run` reads many statements in one call (its `many`); a session's (the loaders') reads them one
after the other.
"""

import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from resolvers.statements import Run

Query = tuple[Any, dict[str, Any]]  # a statement and its parameters


async def read_all(run: Run, queries: Sequence[Query]) -> list[Sequence[Any]]:
    """The rows of each query: in one call where `run` reads many at once (its `many`), else one by one."""
    many: Callable[[Sequence[Query]], Awaitable[list[Sequence[Any]]]] | None = getattr(run, "many", None)
    if many is not None:
        return await many(queries)
    return [await run(statement, parameters) for statement, parameters in queries]


ValuesOf = Callable[[list[Sequence[Any]]], Sequence[Any]]  # a batch's values from the rows of each of its queries
Split = Callable[[Any, Sequence[Any]], tuple[list[Query], ValuesOf]]  # (scope, ids or rows) -> queries, values_of


class SplitBatch:
    """A batch (`batch(scope, run, given)`: columns.Derived) written as its queries and the values of their rows:
    awaited, it reads the queries in one `read_all`; a compiled plan calls `split` itself and reads the queries with
    its depth's others, with no coroutine to drive (graph/compiled/objects.DerivedLevel). Either way the same code
    gives the values."""

    def __init__(self, split: Split) -> None:
        self.split = split
        functools.update_wrapper(self, split)  # its name, module and docstring

    async def __call__(self, scope: Any, run: Run, given: Sequence[Any]) -> Sequence[Any]:
        queries, values_of = self.split(scope, given)
        return values_of(await read_all(run, queries) if queries else [])

    def __repr__(self) -> str:
        return f"<batch {self.split.__qualname__}>"
