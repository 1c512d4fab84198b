"""RequestScope: who is asking, for which client, in which session."""

from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import Role
from resolvers.statements import StatementCache


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

    @property
    def tenant_id(self) -> int:
        return self.viewer.tenant_id

    def with_session(self, session: AsyncSession) -> "RequestScope":
        return replace(self, session=session)

    @classmethod
    def of_system(cls, tenant_id: int, request_id: str, session: AsyncSession | None = None) -> "RequestScope":
        """A scope for work no user asked for in one client: it may do what an ADMIN may, as nobody."""
        return cls(Viewer(user_id=None, tenant_id=tenant_id, role=Role.ADMIN, email=""), request_id, session)

    @property
    def db(self) -> AsyncSession:
        if self.session is None:
            raise RuntimeError("this resolver needs a session; open one with with_session()")
        return self.session
