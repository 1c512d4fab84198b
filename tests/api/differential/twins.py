"""Comparing the answers of twin books: the same shape built twice, so a write can run once on each path.

Rows written twice get their own ids, numbers and instants; everything else must be equal. A value under a
key of FRESH may differ, but consistently: one value on one side always stands for one value on the other.
Texts that quote such values (a ticket's number in an alert, a payment's key in a ledger description, an 814's
reference) may differ only in runs of digits or capital hex letters (amounts and dates are compared exactly where
they are fields of their own).
"""

import re
from typing import Any

QUOTED = re.compile(r"[0-9A-F]+")

FRESH = frozenset({"id", "number", "ldcAccountNumber", "reference", "cursor", "endCursor", "invoiceId", "paymentId"})
# When a row was written: rows written in one flush share an instant on one twin and not on the other, so an
# instant is no identity; both must be there or both null (the order they give is compared through the lists).
INSTANTS = frozenset({"createdAt", "changedAt", "occurredAt"})


class Twins:
    """One correspondence of fresh values, kept across every answer of a pair of twin books."""

    def __init__(self) -> None:
        self.forward: dict[Any, Any] = {}
        self.backward: dict[Any, Any] = {}

    def assert_same(self, left: Any, right: Any, where: str = "") -> None:
        if isinstance(left, dict) and isinstance(right, dict):
            assert list(left) == list(right), (where, list(left), list(right))
            for key in left:
                if key in INSTANTS:
                    assert (left[key] is None) == (right[key] is None), (f"{where}.{key}", left[key], right[key])
                elif key in FRESH and not isinstance(left[key], (dict, list)):
                    self._correspond(left[key], right[key], f"{where}.{key}")
                else:
                    self.assert_same(left[key], right[key], f"{where}.{key}")
        elif isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
            assert len(left) == len(right), (where, left, right)
            for n, (a, b) in enumerate(zip(left, right, strict=True)):
                self.assert_same(a, b, f"{where}[{n}]")
        elif isinstance(left, str) and isinstance(right, str):
            assert left == right or QUOTED.sub("#", left) == QUOTED.sub("#", right), (where, left, right)
        else:
            assert left == right, (where, left, right)

    def _correspond(self, left: Any, right: Any, where: str) -> None:
        assert (left is None) == (right is None), (where, left, right)
        assert self.forward.setdefault(left, right) == right, (where, left, right, self.forward[left])
        assert self.backward.setdefault(right, left) == left, (where, left, right, self.backward[right])
