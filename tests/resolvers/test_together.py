"""resolvers/together.py: a batch written as its statements and their values reads them in one `read_all` (the run's
`many` where it has one), and a compiled plan's split gives the same values."""

from collections.abc import Sequence
from typing import Any

import pytest

from resolvers.together import Query, SplitBatch, ValuesOf


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
