"""Batches that read through a `run` (resolvers/statements.py), read together: the statements each batch awaits at
one step are asked of the caller's `run` at once, so several batches cost one round of reads instead of one per
statement awaited in turn. Where each batch reads one statement, `read_all` of their queries does the same with no
driver (a customer's alerts: the standing and the alert sources, graph/customers/alerts.py alerts_today).

A compiled plan's `run` reads a round's statements in one call with the other levels of its depth (its `many`:
graph/compiled/objects.py); a session's (the loaders') reads them one after the other, as the batches did alone.
A batch given the lockstep `run` must read through it only: awaiting anything else is a programming error.
"""

import functools
from collections.abc import Awaitable, Callable, Generator, Sequence
from typing import Any

from resolvers.statements import Run

Query = tuple[Any, dict[str, Any]]  # a statement and its parameters


async def read_all(run: Run, queries: Sequence[Query]) -> list[Sequence[Any]]:
    """The rows of each query: in one call where `run` reads many at once (its `many`), else one by one."""
    many: Callable[[Sequence[Query]], Awaitable[list[Sequence[Any]]]] | None = getattr(run, "many", None)
    if many is not None:
        return await many(queries)
    return [await run(statement, parameters) for statement, parameters in queries]


class _Wanted:
    """The queries one batch awaits at a step, answered by the lockstep driver (`together`)."""

    __slots__ = ("queries",)

    def __init__(self, queries: Sequence[Query]) -> None:
        self.queries = queries

    def __await__(self) -> Generator["_Wanted", list[Sequence[Any]], list[Sequence[Any]]]:
        rows = yield self
        return rows


class _Lockstep:
    """The `run` each batch of `together` is given: it asks, the driver reads."""

    async def __call__(self, statement: Any, parameters: dict[str, Any]) -> Sequence[Any]:
        [rows] = await _Wanted([(statement, parameters)])
        return rows

    def many(self, queries: Sequence[Query]) -> _Wanted:
        return _Wanted(list(queries))


_LOCKSTEP = _Lockstep()


async def together(run: Run, *batches: Callable[[Run], Awaitable[Any]]) -> list[Any]:
    """Each batch's value, `batch(run)`, with the statements they await at each step read in one `read_all`."""
    waiting = {n: batch(_LOCKSTEP).__await__() for n, batch in enumerate(batches)}
    values: list[Any] = [None] * len(batches)
    answers: dict[int, Any] = dict.fromkeys(waiting)
    try:
        while waiting:
            asked: list[tuple[int, Sequence[Query]]] = []
            for n, step in list(waiting.items()):
                try:
                    wanted = step.send(answers[n])
                except StopIteration as stop:
                    values[n] = stop.value
                    del waiting[n]
                    continue
                if not isinstance(wanted, _Wanted):
                    raise TypeError(f"a batch read together awaited {wanted!r}, not its run")
                asked.append((n, wanted.queries))
            if not asked:
                break
            rows = await read_all(run, [query for _, queries in asked for query in queries])
            at = 0
            for n, queries in asked:
                answers[n], at = rows[at:at + len(queries)], at + len(queries)
    finally:
        for step in waiting.values():
            step.close()
    return values


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
