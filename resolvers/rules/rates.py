"""Rates in force: reference data (a plan's price, a utility's delivery charge, a market's tax) as a history of
entries, each effective from a day.

On a day, the entry in force is the one with the latest effective day on or before it; of two entries for
the same day, the one entered later (a correction). Entries are never edited or removed: the history is the
list of entries itself. A period is cut into runs of days with one entry in force on each day.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Entry(Generic[T_co]):
    """Covariant (it is frozen): an Entry[PlanPrice] is an Entry[object], so `runs` takes timelines of any values."""

    effective_from: date
    entered: int  # the order entries were made in (their row id): the later of two for one day wins
    value: T_co


@dataclass(frozen=True, slots=True)
class Run(Generic[T]):
    """Days `start` through `end` (both inclusive), with `value` in force on each."""

    start: date
    end: date
    value: T

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _order(entry: Entry[T]) -> tuple[date, int]:
    return entry.effective_from, entry.entered


def in_force(entries: Sequence[Entry[T]], day: date) -> Entry[T] | None:
    """The entry in force on `day`; None before the first."""
    found = [e for e in entries if e.effective_from <= day]
    return max(found, key=_order) if found else None


def superseded(entries: Sequence[Entry[T]]) -> set[int]:
    """The `entered` of entries a later entry for the same day replaced: never in force, kept as history."""
    latest: dict[date, int] = {}
    for entry in entries:
        latest[entry.effective_from] = max(latest.get(entry.effective_from, entry.entered), entry.entered)
    return {e.entered for e in entries if e.entered != latest[e.effective_from]}


def runs(start: date, end: date, *timelines: Sequence[Entry[object]]) -> list[Run[tuple[Entry[object] | None, ...]]]:
    """The period cut where any timeline changes: each run holds, per timeline, the entry in force on its days.

    Runs are consecutive, cover every day of the period once, and two neighbours never hold the same entries.
    """
    changes = sorted({start} | {e.effective_from for t in timelines for e in t if start < e.effective_from <= end})
    return merged([Run(first, following - ONE_DAY, tuple(in_force(t, first) for t in timelines))
                   for first, following in zip(changes, [*changes[1:], end + ONE_DAY], strict=False)])


def merged(found: Sequence[Run[T]]) -> list[Run[T]]:
    """Consecutive runs with equal values joined into one."""
    joined: list[Run[T]] = []
    for run in found:
        if joined and joined[-1].value == run.value:
            joined[-1] = Run(joined[-1].start, run.end, run.value)
        else:
            joined.append(run)
    return joined
