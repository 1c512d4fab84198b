"""Arguments shared by the log fields of Customer and UtilityAccount."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from db.enums import SortDirection as DbSortDirection
from graph.admin.enums import SortDirection

if TYPE_CHECKING:
    from graph.commlog.types import CommLogFilter

CommLogFilterRef = Annotated["CommLogFilter", strawberry.lazy("graph.commlog.types")]
LogFilterArg = Annotated[
    CommLogFilterRef | None, strawberry.argument(description="Which entries; omitted kinds follow the viewer's preferences.")
]
LogOrderArg = Annotated[
    SortDirection | None, strawberry.argument(description="Order; default: the viewer's preference (newest first).")  # type: ignore[valid-type]
]


def sort_direction(order: SortDirection | None) -> DbSortDirection | None:  # type: ignore[valid-type]
    return DbSortDirection(order.value) if order is not None else None
