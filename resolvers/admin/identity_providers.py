"""A client's identity provider: configured by its admins (or the command line), each change audited.

(issuer, audience) names exactly one client: configuring a pair another client uses is refused, and the
database's unique constraint holds it under concurrent changes too.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.enums import Role, RoleSource
from db.models import IdentityProvider
from resolvers import audit
from resolvers.admin.errors import AdminErrorCode
from resolvers.context import RequestScope
from resolvers.errors import Invalid, UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules import identity as rules
from resolvers.scope import tenant_id_of, tenant_scoped

CLIENT = "Client"  # the audit trail's object type: the settings belong to the client


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    issuer: str
    audience: str
    email_claim: str = "email"
    role_source: RoleSource = RoleSource.STORED
    role_claim: str | None = None
    role_mapping: Mapping[str, Role] = field(default_factory=dict)
    just_in_time: bool = False
    provisioned_role: Role = Role.AGENT
    local_tokens: bool = True


async def own_provider(scope: RequestScope) -> IdentityProvider | None:
    stmt = tenant_scoped(select(IdentityProvider), IdentityProvider, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


async def configure_identity_provider(scope: RequestScope, settings: ProviderSettings) -> IdentityProvider:
    """Create or replace the client's provider settings."""
    ensure_allowed(scope, Action.CONFIGURE_SIGN_IN)
    settings = _checked(settings)
    if await _used_by_another_client(scope, settings.issuer, settings.audience):
        raise _issuer_in_use()
    provider = await own_provider(scope)
    before = _as_json(provider) if provider else {}
    if provider is None:
        provider = IdentityProvider(client_id=tenant_id_of(scope))
        scope.db.add(provider)
    for name, value in asdict(settings).items():
        if name != "role_mapping":
            setattr(provider, name, value)
    provider.role_mapping = {claim: role.value for claim, role in settings.role_mapping.items()}  # JSON: plain text
    try:
        await scope.db.flush()
    except IntegrityError:  # another client took the same issuer and audience meanwhile
        raise _issuer_in_use() from None
    changed = audit.diff(before, _as_json(provider))
    if changed:
        await audit.record(scope, "client.configure_identity_provider", CLIENT, tenant_id_of(scope), changed)
    return provider


async def remove_identity_provider(scope: RequestScope) -> bool:
    """Stop signing in through a provider (local tokens work again); False when there was none."""
    ensure_allowed(scope, Action.CONFIGURE_SIGN_IN)
    provider = await own_provider(scope)
    if provider is None:
        return False
    removed = {name: {"from": value, "to": None} for name, value in _as_json(provider).items()}
    await scope.db.delete(provider)
    await audit.record(scope, "client.remove_identity_provider", CLIENT, tenant_id_of(scope), removed)
    await scope.db.flush()
    return True


def _checked(settings: ProviderSettings) -> ProviderSettings:
    issuer = settings.issuer.strip()
    if (problem := rules.issuer_problem(issuer)) is not None:
        raise UserInputError(AdminErrorCode.INVALID_ISSUER, problem, "issuer")
    audience = settings.audience.strip()
    if not audience or len(audience) > rules.MAX_URL:
        raise Invalid(f"The audience is required, at most {rules.MAX_URL} characters.", "audience")
    email_claim = _claim_name(settings.email_claim, "email_claim")
    role_claim = _claim_name(settings.role_claim, "role_claim") if settings.role_claim else None
    problem = rules.mapping_problem(settings.role_source, role_claim, settings.role_mapping)
    if problem is not None:
        raise UserInputError(AdminErrorCode.INVALID_ROLE_MAPPING, problem, "role_mapping")
    mapping = {value: Role(role) for value, role in settings.role_mapping.items()}
    return ProviderSettings(issuer, audience, email_claim, settings.role_source, role_claim, mapping,
                            settings.just_in_time, settings.provisioned_role, settings.local_tokens)


def _claim_name(value: str, field_name: str) -> str:
    name = value.strip()
    if not name or len(name) > rules.MAX_CLAIM_NAME or any(c.isspace() for c in name):
        raise Invalid(f"A claim name is 1-{rules.MAX_CLAIM_NAME} characters without spaces.", field_name)
    return name


async def _used_by_another_client(scope: RequestScope, issuer: str, audience: str) -> bool:
    # Deliberately across clients: a provider's tokens must name exactly one client.
    stmt = select(IdentityProvider.client_id).where(IdentityProvider.issuer == issuer,
                                                    IdentityProvider.audience == audience)
    owner = (await scope.db.execute(stmt)).scalar_one_or_none()
    return owner is not None and owner != tenant_id_of(scope)


def _issuer_in_use() -> UserInputError:
    return UserInputError(AdminErrorCode.ISSUER_IN_USE, "This issuer and audience already sign users into another "
                          "client; register a separate application (audience) with the provider.", "audience")


def _as_json(provider: IdentityProvider) -> dict[str, Any]:
    return {
        "issuer": provider.issuer, "audience": provider.audience, "email_claim": provider.email_claim,
        "role_source": RoleSource(provider.role_source).value, "role_claim": provider.role_claim,
        "role_mapping": dict(provider.role_mapping or {}), "just_in_time": provider.just_in_time,
        "provisioned_role": Role(provider.provisioned_role).value, "local_tokens": provider.local_tokens,
    }
