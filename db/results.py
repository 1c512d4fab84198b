"""How many rows an UPDATE or DELETE changed, typed.

`AsyncSession.execute` is typed to return a `Result`, which has no `rowcount`; an UPDATE or DELETE gives its
subclass `CursorResult`, which has. The check below narrows the type where a cast would only assert it.
"""

from typing import Any

from sqlalchemy import CursorResult, Result


def rows_changed(result: Result[Any]) -> int:
    """The rowcount of the result of an UPDATE or DELETE; TypeError for a result that has none."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"a {type(result).__name__} has no rowcount: not the result of an UPDATE or DELETE")
    return result.rowcount
