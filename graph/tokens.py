"""What verifying a bearer token yields: the user it names (VerifiedToken), or why nobody (Refused)."""

from dataclasses import dataclass
from typing import Any

from resolvers.admin.errors import SIGN_IN_DESCRIPTIONS, SignInRefusal


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    user_id: int
    expires: float  # POSIX timestamp after which it is refused (exp, plus the clock skew a provider is allowed)
    local: bool  # a local token: refused for clients that turned local tokens off


class Refused(Exception):
    """A bearer token signs nobody in, for `reason`."""

    def __init__(self, reason: SignInRefusal):
        super().__init__(reason.value)
        self.reason = reason

    @property
    def status(self) -> int:
        return 503 if self.reason is SignInRefusal.IDENTITY_PROVIDER_UNAVAILABLE else 401


def refusal_error(refused: Refused) -> dict[str, Any]:
    """The GraphQL error a refused sign-in answers with: code UNAUTHENTICATED (503: the reason itself), and why."""
    reason = refused.reason
    message = ("Authentication required: send Authorization: Bearer TOKEN." if reason is SignInRefusal.MISSING_TOKEN
               else SIGN_IN_DESCRIPTIONS[reason])
    code = reason.value if refused.status == 503 else "UNAUTHENTICATED"
    return {"message": message, "extensions": {"code": code, "reason": reason.value}}
