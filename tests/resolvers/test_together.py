"""resolvers/together.py: batches that read through a `run`, read in rounds: every statement the batches await at one
step asked of the caller's `run` at once (its `many` where it has one), each batch answered its own rows."""

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from resolvers.together import read_all, together


class Reads:
    """A `run` answering each statement (a string) with its name and parameters, recording the calls it got."""

    def __init__(self, many: bool):
        self.calls: list[list[str]] = []
        if many:
            self.many = self._many

    async def __call__(self, statement: str, parameters: dict[str, Any]) -> Sequence[Any]:
        self.calls.append([statement])
        return [(statement, parameters)]

    async def _many(self, queries: Sequence[tuple[str, dict[str, Any]]]) -> list[Sequence[Any]]:
        self.calls.append([statement for statement, _ in queries])
        return [[(statement, parameters)] for statement, parameters in queries]


async def two_steps(run: Any, name: str) -> list[Any]:
    first = await run(f"{name}-1", {"n": 1})
    second = await read_all(run, [(f"{name}-2a", {"n": 2}), (f"{name}-2b", {"n": 3})])
    return [*first, *(row for rows in second for row in rows)]


async def one_step(run: Any) -> Sequence[Any]:
    return await run("single", {})


async def none(run: Any) -> str:
    return "read nothing"


@pytest.mark.parametrize("many", [True, False])
async def test_each_batch_gets_its_own_rows_in_order(many: bool) -> None:
    run = Reads(many)
    values = await together(run, lambda r: two_steps(r, "a"), one_step, none, lambda r: two_steps(r, "b"))
    assert values == [[("a-1", {"n": 1}), ("a-2a", {"n": 2}), ("a-2b", {"n": 3})], [("single", {})], "read nothing",
                      [("b-1", {"n": 1}), ("b-2a", {"n": 2}), ("b-2b", {"n": 3})]]


async def test_a_run_that_reads_many_is_asked_once_per_round() -> None:
    run = Reads(many=True)
    await together(run, lambda r: two_steps(r, "a"), one_step, lambda r: two_steps(r, "b"))
    assert run.calls == [["a-1", "single", "b-1"], ["a-2a", "a-2b", "b-2a", "b-2b"]]


async def test_a_run_without_many_reads_one_statement_after_the_other() -> None:
    run = Reads(many=False)
    await together(run, lambda r: two_steps(r, "a"), one_step)
    assert run.calls == [["a-1"], ["single"], ["a-2a"], ["a-2b"]]


async def test_a_batch_awaiting_anything_but_its_run_is_refused() -> None:
    async def sleeper(run: Any) -> None:
        await asyncio.sleep(0)

    with pytest.raises(TypeError, match="awaited"):
        await together(Reads(many=True), one_step, sleeper)


async def test_a_failed_read_reaches_the_caller() -> None:
    async def failing(statement: str, parameters: dict[str, Any]) -> Sequence[Any]:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        await together(failing, one_step, lambda r: two_steps(r, "a"))
