"""Aging: open amounts by how many days past due they are (current, 1-30, 31-60, 61-90, over 90)."""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


class Bucket(enum.StrEnum):
    CURRENT = "CURRENT"
    DAYS_1_30 = "DAYS_1_30"
    DAYS_31_60 = "DAYS_31_60"
    DAYS_61_90 = "DAYS_61_90"
    OVER_90 = "OVER_90"


@dataclass(frozen=True, slots=True)
class AgingBuckets:
    current: int = 0
    days_1_30: int = 0
    days_31_60: int = 0
    days_61_90: int = 0
    over_90: int = 0

    @property
    def total(self) -> int:
        return self.current + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.over_90

    @property
    def past_due(self) -> int:
        return self.total - self.current


def bucket_for(days_past_due: int) -> Bucket:
    """Not yet due or due today is CURRENT; day 1 past due starts the 1-30 bucket."""
    if days_past_due <= 0:
        return Bucket.CURRENT
    if days_past_due <= 30:
        return Bucket.DAYS_1_30
    if days_past_due <= 60:
        return Bucket.DAYS_31_60
    if days_past_due <= 90:
        return Bucket.DAYS_61_90
    return Bucket.OVER_90


_FIELD = {Bucket.CURRENT: "current", Bucket.DAYS_1_30: "days_1_30", Bucket.DAYS_31_60: "days_31_60",
          Bucket.DAYS_61_90: "days_61_90", Bucket.OVER_90: "over_90"}


def age(open_items: Iterable[tuple[date, int]], as_of: date) -> AgingBuckets:
    """Sum (due date, open cents) items into buckets as of a day."""
    sums = dict.fromkeys(_FIELD.values(), 0)
    for due_on, cents in open_items:
        sums[_FIELD[bucket_for((as_of - due_on).days)]] += cents
    return AgingBuckets(**sums)


def combine(parts: Iterable[AgingBuckets]) -> AgingBuckets:
    """Buckets added together (a master's roll-up over its hierarchy)."""
    sums = dict.fromkeys(_FIELD.values(), 0)
    for part in parts:
        for name in sums:
            sums[name] += getattr(part, name)
    return AgingBuckets(**sums)
