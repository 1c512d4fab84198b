"""ADMIN mutations of the client's users and sign-in settings, through the one wrapper.

Each success drops this worker's remembered tokens and accounts, so it applies here at once (elsewhere within
the auth cache's lifetime, graph/caches.py USER_TTL_SECONDS).
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from db import enums
from graph.admin import payloads as p
from graph.admin.sign_in_types import IdentityProvider
from graph.admin.types import User
from graph.admin.user_inputs import (
    ChangeUserRoleInput,
    ConfigureIdentityProviderInput,
    InviteUserInput,
    RemoveIdentityProviderInput,
    UserIdInput,
    role_of,
)
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id
from resolvers.admin import identity_providers, users
from resolvers.context import RequestScope


async def _run(info: strawberry.Info, payload: Any, action: Callable[[RequestScope], Awaitable[dict[str, Any]]],
               input: Any) -> Any:
    result = await run_mutation(info, payload, action, input)
    if not result.user_errors:
        info.context.forget_accounts()
    return result


def _user_id(input: Any) -> int:
    return decode_id(input.id, "User", "id")


def provider_settings(input: ConfigureIdentityProviderInput) -> identity_providers.ProviderSettings:
    return identity_providers.ProviderSettings(
        issuer=input.issuer, audience=input.audience, email_claim=input.email_claim,
        role_source=enums.RoleSource(input.role_source.value), role_claim=input.role_claim,
        role_mapping={m.value: role_of(m.role) for m in input.role_mapping},
        just_in_time=input.just_in_time_provisioning, provisioned_role=role_of(input.provisioned_role),
        local_tokens=input.local_tokens,
    )


@strawberry.type
class UserMutations:
    @strawberry.mutation(description="Add a user to the viewer's client, active at once: they sign in through the "
                         "client's identity provider with this email (or with a local token). ADMIN only; audited.")
    async def invite_user(self, info: strawberry.Info, input: Annotated[InviteUserInput, INPUT]) -> p.InviteUserPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            invitation = users.Invitation(email=input.email, name=input.name, role=role_of(input.role))
            return {"user": User.from_row(await users.invite_user(scope, invitation))}

        return await _run(info, p.InviteUserPayload, action, input)

    @strawberry.mutation(description="Change a user's role. ADMIN only; audited from-to. Refused with "
                         "LAST_ACTIVE_ADMIN if it would leave the client without an active ADMIN, and with "
                         "ROLE_MANAGED_BY_PROVIDER when the identity provider decides roles.")
    async def change_user_role(
        self, info: strawberry.Info, input: Annotated[ChangeUserRoleInput, INPUT]
    ) -> p.ChangeUserRolePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            return {"user": User.from_row(await users.change_user_role(scope, _user_id(input), role_of(input.role)))}

        return await _run(info, p.ChangeUserRolePayload, action, input)

    @strawberry.mutation(description="Deactivate a user who left: their requests are refused (401, reason "
                         "USER_DEACTIVATED) within 10 seconds on every server worker, and their open websockets are "
                         "closed (code 4403, reason USER_DEACTIVATED) within 5 seconds, at once on this worker. "
                         "ADMIN only; audited. Refused with LAST_ACTIVE_ADMIN for the last active ADMIN.")
    async def deactivate_user(
        self, info: strawberry.Info, input: Annotated[UserIdInput, INPUT]
    ) -> p.DeactivateUserPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            return {"user": User.from_row(await users.deactivate_user(scope, _user_id(input)))}

        return await _run(info, p.DeactivateUserPayload, action, input)

    @strawberry.mutation(
        description="Let a deactivated user sign in again, with the role they had. ADMIN only; audited."
    )
    async def reactivate_user(
        self, info: strawberry.Info, input: Annotated[UserIdInput, INPUT]
    ) -> p.ReactivateUserPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            return {"user": User.from_row(await users.reactivate_user(scope, _user_id(input)))}

        return await _run(info, p.ReactivateUserPayload, action, input)

    @strawberry.mutation(description="Sign the client's users in through its OpenID Connect provider (replacing "
                         "earlier settings). ADMIN only; audited from-to on the client.")
    async def configure_identity_provider(
        self, info: strawberry.Info, input: Annotated[ConfigureIdentityProviderInput, INPUT]
    ) -> p.ConfigureIdentityProviderPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            row = await identity_providers.configure_identity_provider(scope, provider_settings(input))
            return {"identity_provider": IdentityProvider.from_row(row)}

        return await _run(info, p.ConfigureIdentityProviderPayload, action, input)

    @strawberry.mutation(description="Stop signing in through the identity provider: local tokens work again. "
                         "ADMIN only; audited.")
    async def remove_identity_provider(
        self, info: strawberry.Info, input: Annotated[RemoveIdentityProviderInput, INPUT]
    ) -> p.RemoveIdentityProviderPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            return {"removed": await identity_providers.remove_identity_provider(scope)}

        return await _run(info, p.RemoveIdentityProviderPayload, action, input)
