"""The customer timeline's kinds, its one total order, and the bounds a cursor puts on each source.

Items are ordered newest first by the key (occurred_at, rank, id). `rank` names the source (one
per kind), so rows of two tables recorded at the same instant, even with the same id, still
have one stable order, and a cursor (a key) says exactly where a page ends across all sources.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class ActivityKind(StrEnum):
    """One per source; the order here is the rank order (see RANKS)."""

    INVOICE = "INVOICE"
    PAYMENT = "PAYMENT"
    ALLOCATION = "ALLOCATION"
    ADJUSTMENT = "ADJUSTMENT"
    REVERSAL = "REVERSAL"
    REFUND = "REFUND"
    PAYMENT_RETURNED = "PAYMENT_RETURNED"
    MARKET_TRANSACTION = "MARKET_TRANSACTION"
    STATUS_CHANGE = "STATUS_CHANGE"
    TICKET = "TICKET"
    AUDIT = "AUDIT"
    COMM_LOG = "COMM_LOG"


# Newest first means a higher rank first at one instant, so causes rank below their effects:
# a payment shows under its allocations, a change under the note that records it.
RANKS: dict[ActivityKind, int] = {kind: rank for rank, kind in enumerate(ActivityKind, start=1)}
KINDS_BY_RANK: dict[int, ActivityKind] = {rank: kind for kind, rank in RANKS.items()}


class TimelineKey(NamedTuple):
    """Where an item sits in the timeline; unique across all sources."""

    occurred_at: datetime
    rank: int
    id: int


def is_valid_key(key: tuple[object, ...]) -> bool:
    """A key a cursor may carry: an instant with its offset, a known source, a row id."""
    at, rank, pk = key
    has_offset = isinstance(at, datetime) and at.utcoffset() is not None
    return has_offset and rank in KINDS_BY_RANK and isinstance(pk, int) and pk > 0


@dataclass(frozen=True, slots=True)
class SourceBound:
    """What a cursor (instant, rank, id) asks of the rows (instant, id) of one source.

    The source's rank is fixed, so the three-part comparison reduces to one on the instant alone
    (inclusive when the source ranks on the wanted side of the cursor's), or, in the cursor's own
    source, on the pair (instant, id). Either way one index range per source.
    """

    older: bool  # rows older than the cursor (after it, newest first), else newer
    inclusive: bool  # rows at the cursor's very instant qualify
    on_id: bool  # the cursor's own source: compare (instant, id) as a pair


def source_bound(rank: int, cursor_rank: int, *, older: bool) -> SourceBound:
    """The bound a cursor from the source ranked `cursor_rank` puts on the rows of the source ranked `rank`."""
    if rank == cursor_rank:
        return SourceBound(older, inclusive=False, on_id=True)
    # at the cursor's instant, older rows are those of lower rank; newer ones those of higher rank
    return SourceBound(older, inclusive=(rank < cursor_rank) == older, on_id=False)


def kinds_wanted(kinds: frozenset[ActivityKind] | None) -> list[ActivityKind]:
    """The sources a page reads, in rank order; None means every kind."""
    return [k for k in ActivityKind if kinds is None or k in kinds]
