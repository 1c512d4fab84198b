"""RequestScope: who is asking, for which client, in which session."""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import Role
from resolvers.statements import StatementCache

T = TypeVar("T")
MAX_COMPUTED = 32  # values a scope keeps (from_rows)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The authenticated user, as every resolver sees them."""

    user_id: int | None  # None: no user asked (the command line, sign-in provisioning); audited with no actor
    tenant_id: int
    role: Role
    email: str


@dataclass(frozen=True, slots=True)
class RequestScope:
    viewer: Viewer
    request_id: str
    session: AsyncSession | None = None
    # the app's built statements (resolvers/statements.py); a scope made outside the app has its own
    statements: StatementCache = field(default_factory=StatementCache, compare=False, repr=False)
    # values computed from rows read in this request, by what they are, with the rows (`from_rows`); shared by the
    # scope's copies (with_session): one request's, dropped with it
    computed: dict[Hashable, tuple[Sequence[Any], Any]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tenant_id(self) -> int:
        return self.viewer.tenant_id

    def with_session(self, session: AsyncSession) -> "RequestScope":
        return replace(self, session=session)

    def from_rows(self, what: Hashable, rows: Sequence[Any], compute: Callable[[], T]) -> T:
        """`compute()`, a value of `rows` (`what` names everything else it depends on), computed once for these very
        rows in this request: a compiled plan answers a statement read twice with the rows it read (graph/compiled/
        plan.py), so the batches sharing it (a customer's standing: its balance, pastDue and alerts) compute it once.
        Rows read again (a loader's session, a write in between) are other rows, computed afresh."""
        done = self.computed.get(what)
        if done is not None and done[0] is rows:  # the rows held with it: their identity is no other rows'
            return done[1]
        value = compute()
        if len(self.computed) >= MAX_COMPUTED:  # a long-lived scope (a websocket's) keeps only recent ones
            self.computed.clear()
        self.computed[what] = (rows, value)
        return value

    @classmethod
    def of_system(cls, tenant_id: int, request_id: str, session: AsyncSession | None = None) -> "RequestScope":
        """A scope for work no user asked for in one client: it may do what an ADMIN may, as nobody."""
        return cls(Viewer(user_id=None, tenant_id=tenant_id, role=Role.ADMIN, email=""), request_id, session)

    @property
    def db(self) -> AsyncSession:
        if self.session is None:
            raise RuntimeError("this resolver needs a session; open one with with_session()")
        return self.session
