"""resolvers/together.py: batches that read through a `run`, read in rounds: every statement the batches await at one
step asked of the caller's `run` at once (its `many` where it has one), each batch answered its own rows."""

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from resolvers.together import Query, SplitBatch, ValuesOf, read_all, together


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


@SplitBatch
def labelled(scope: Any, ids: Sequence[int]) -> tuple[list[Query], ValuesOf]:
    """Each id's label from two statements, or none where no id is given."""
    if not ids:
        return [], lambda _: ["no ids"]
    queries: list[Query] = [("first", {"ids": list(ids)}), ("second", {"ids": list(ids)})]
    return queries, lambda results: [f"{n}: {results[0][0][0]}+{results[1][0][0]}" for n in ids]


@pytest.mark.parametrize("many", [True, False])
@pytest.mark.parametrize(("ids", "values", "calls"), [
    ([1, 2], ["1: first+second", "2: first+second"], {True: [["first", "second"]], False: [["first"], ["second"]]}),
    ([], ["no ids"], {True: [], False: []}),
])
async def test_a_split_batch_awaited_reads_its_queries_and_gives_their_values(
    many: bool, ids: list[int], values: list[str], calls: dict[bool, list[list[str]]]
) -> None:
    """What a compiled plan does with `split` (the queries with its depth's others, then the values), a loader's
    caller gets by awaiting the batch: the same values, its queries in one `read_all`, none asked when it has none."""
    run = Reads(many)
    assert await labelled(None, run, ids) == values
    assert run.calls == calls[many]
    queries, values_of = labelled.split(None, ids)
    assert values_of([[(statement, parameters)] for statement, parameters in queries]) == values
    assert labelled.__name__ == "labelled"
    assert "two statements" in (labelled.__doc__ or "")
