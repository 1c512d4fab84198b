"""A user's screen preferences: defaults, merging an update, and what makes them inconsistent."""

import enum
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, TypeVar

from db.enums import CommLogKind, NavigationArea, ProfileTab, SortDirection

MIN_PAGE_SIZE, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE = 5, 100, 25


@dataclass(frozen=True, slots=True)
class CommLogDisplay:
    page_size: int = DEFAULT_PAGE_SIZE
    order: SortDirection = SortDirection.NEWEST_FIRST
    kinds: tuple[CommLogKind, ...] = tuple(CommLogKind)
    critical_first: bool = True
    expand_memos: bool = False


@dataclass(frozen=True, slots=True)
class Preferences:
    default_navigation: NavigationArea = NavigationArea.CUSTOMER_SEARCH
    default_profile_tab: ProfileTab = ProfileTab.CUSTOMER_INFORMATION
    tab_order: tuple[ProfileTab, ...] = tuple(ProfileTab)
    hidden_tabs: tuple[ProfileTab, ...] = ()
    comm_log: CommLogDisplay = field(default_factory=CommLogDisplay)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    field: str
    message: str


def problems(p: Preferences) -> list[Problem]:
    """Everything that would leave the profile screen unusable or ambiguous."""
    found = []
    if p.default_profile_tab in p.hidden_tabs:
        found.append(Problem("DEFAULT_TAB_HIDDEN", "default_profile_tab", "The default tab cannot be hidden."))
    if set(p.hidden_tabs) >= set(ProfileTab):
        found.append(Problem("ALL_TABS_HIDDEN", "hidden_tabs", "At least one tab must stay visible."))
    if sorted(p.tab_order) != sorted(ProfileTab):
        found.append(Problem("TAB_ORDER_INCOMPLETE", "tab_order", "The tab order must list every tab exactly once."))
    if not MIN_PAGE_SIZE <= p.comm_log.page_size <= MAX_PAGE_SIZE:
        message = f"Page size must be between {MIN_PAGE_SIZE} and {MAX_PAGE_SIZE}."
        found.append(Problem("PAGE_SIZE_OUT_OF_RANGE", "communication_log.page_size", message))
    if not p.comm_log.kinds:
        found.append(Problem("NO_KINDS_SHOWN", "communication_log.kinds", "Show at least one kind of entry."))
    return found


def merged(current: Preferences, changes: dict[str, Any], comm_log: dict[str, Any]) -> Preferences:
    """`current` with the given top-level and communication-log fields replaced."""
    return replace(current, **changes, comm_log=replace(current.comm_log, **comm_log))


def to_json(p: Preferences) -> dict[str, Any]:
    return asdict(p)


def from_json(data: dict[str, Any] | None) -> Preferences:
    """Stored preferences, tolerant of fields or values that later versions removed."""
    data = data or {}
    defaults = Preferences()
    log = data.get("comm_log") or {}
    return Preferences(
        default_navigation=_enum(NavigationArea, data.get("default_navigation"), defaults.default_navigation),
        default_profile_tab=_enum(ProfileTab, data.get("default_profile_tab"), defaults.default_profile_tab),
        tab_order=_complete_order(_enums(ProfileTab, data.get("tab_order"), defaults.tab_order)),
        hidden_tabs=_enums(ProfileTab, data.get("hidden_tabs"), ()),
        comm_log=CommLogDisplay(
            page_size=int(log.get("page_size", DEFAULT_PAGE_SIZE)),
            order=_enum(SortDirection, log.get("order"), SortDirection.NEWEST_FIRST),
            kinds=_enums(CommLogKind, log.get("kinds"), tuple(CommLogKind)),
            critical_first=bool(log.get("critical_first", True)),
            expand_memos=bool(log.get("expand_memos", False)),
        ),
    )


E = TypeVar("E", bound=enum.Enum)


def _enum(kind: type[E], value: Any, default: E) -> E:
    return kind(value) if value in kind.__members__ else default


def _enums(kind: type[E], values: list[Any] | None, default: Iterable[E]) -> tuple[E, ...]:
    if values is None:
        return tuple(default)
    return tuple(kind(v) for v in values if v in kind.__members__)


def _complete_order(order: tuple[ProfileTab, ...]) -> tuple[ProfileTab, ...]:
    """Tabs added after the user saved an order go at the end, so none goes missing."""
    seen = list(dict.fromkeys(order))
    return tuple(seen + [t for t in ProfileTab if t not in seen])
