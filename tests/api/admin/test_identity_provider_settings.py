"""A client's identity provider settings through the API, on both engines: ADMIN only, checked, one client per
issuer and audience, audited from-to on the client, readable by the client's admins only."""

import pytest
from sqlalchemy import select

from db.enums import Role
from db.models import AuditEvent, IdentityProvider
from tests.api.admin.conftest import AUDIENCE, CONFIGURE

READ = "{ viewer { client { identityProvider { issuer audience roleSource localTokens } } } }"
REMOVE = "mutation { removeIdentityProvider(input: {}) { removed userErrors { code } } }"


def issuer(tenant) -> str:
    """An issuer of the tenant's own (issuer and audience name one client across the whole test database)."""
    return f"https://login.example.com/{tenant.client.slug}/v2.0"


def settings(tenant, **fields) -> dict:
    return {"input": {"issuer": issuer(tenant), "audience": AUDIENCE, **fields}}


async def provider_of(session, tenant) -> IdentityProvider | None:
    stmt = select(IdentityProvider).where(IdentityProvider.client_id == tenant.client.id)
    return (await session.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()


class TestConfigure:
    async def test_an_admin_configures_reads_and_replaces_the_settings(self, api, tenant):
        mapping = [{"value": "g-admins", "role": "ADMIN"}, {"value": "g-agents", "role": "AGENT"}]
        payload = (await api.run(CONFIGURE, settings(tenant, emailClaim="preferred_username", roleSource="CLAIM",
                                                     roleClaim="groups", roleMapping=mapping,
                                                     justInTimeProvisioning=True, provisionedRole="TEAM_LEAD"),
                                 user=tenant.admin))["configureIdentityProvider"]
        assert payload["userErrors"] == []
        assert payload["identityProvider"] == {
            "issuer": issuer(tenant), "audience": AUDIENCE, "emailClaim": "preferred_username", "roleSource": "CLAIM",
            "roleClaim": "groups", "roleMapping": mapping, "justInTimeProvisioning": True,
            "provisionedRole": "TEAM_LEAD", "localTokens": True}
        replaced = (await api.run(CONFIGURE, settings(tenant, audience="other-app"), user=tenant.admin))
        assert replaced["configureIdentityProvider"]["identityProvider"]["roleSource"] == "STORED"
        read = (await api.run(READ, user=tenant.admin))["viewer"]["client"]["identityProvider"]
        assert read == {"issuer": issuer(tenant), "audience": "other-app", "roleSource": "STORED", "localTokens": True}

    @pytest.mark.parametrize("role", [Role.AGENT, Role.TEAM_LEAD])
    async def test_others_may_neither_configure_nor_read(self, api, session, tenant, role):
        payload = (await api.run(CONFIGURE, settings(tenant), user=tenant.user(role)))["configureIdentityProvider"]
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
        assert await provider_of(session, tenant) is None
        errors = await api.errors(READ, user=tenant.user(role))
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"

    @pytest.mark.parametrize(("fields", "code", "field"), [
        ({"issuer": "http://login.example.com"}, "INVALID_ISSUER", "issuer"),
        ({"issuer": "csrgraph"}, "INVALID_ISSUER", "issuer"),
        ({"issuer": "https://login.example.com/?x=1"}, "INVALID_ISSUER", "issuer"),
        ({"audience": "  "}, "INVALID", "audience"),
        ({"emailClaim": "e mail"}, "INVALID", "emailClaim"),
        ({"roleSource": "CLAIM"}, "INVALID_ROLE_MAPPING", "roleMapping"),
        ({"roleSource": "CLAIM", "roleClaim": "groups"}, "INVALID_ROLE_MAPPING", "roleMapping"),
        ({"roleClaim": "groups"}, "INVALID_ROLE_MAPPING", "roleMapping"),
    ])
    async def test_bad_settings_are_refused_and_change_nothing(self, api, session, tenant, fields, code, field):
        await api.run(CONFIGURE, settings(tenant), user=tenant.admin)
        payload = (await api.run(CONFIGURE, settings(tenant, **fields), user=tenant.admin))["configureIdentityProvider"]
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", field])]
        assert (await provider_of(session, tenant)).issuer == issuer(tenant)

    async def test_an_issuer_and_audience_name_one_client_only(self, api, tenant, other_tenant):
        await api.run(CONFIGURE, settings(tenant), user=tenant.admin)
        taken = (await api.run(CONFIGURE, settings(tenant), user=other_tenant.admin))["configureIdentityProvider"]
        assert [e["code"] for e in taken["userErrors"]] == ["ISSUER_IN_USE"]
        own_app = (await api.run(CONFIGURE, settings(tenant, audience="their-app"), user=other_tenant.admin))
        assert own_app["configureIdentityProvider"]["userErrors"] == []

    async def test_roles_from_the_provider_are_not_changed_through_the_api(self, api, tenant):
        mapping = [{"value": "g", "role": "AGENT"}]
        await api.run(CONFIGURE, settings(tenant, roleSource="CLAIM", roleClaim="groups", roleMapping=mapping),
                      user=tenant.admin)
        from tests.api.admin.test_users import CHANGE_ROLE, gid

        payload = (await api.run(CHANGE_ROLE, {"input": {"id": gid(tenant.agent), "role": "ADMIN"}}, user=tenant.admin))
        assert [e["code"] for e in payload["changeUserRole"]["userErrors"]] == ["ROLE_MANAGED_BY_PROVIDER"]


class TestAudit:
    async def test_each_change_and_the_removal_is_audited_from_to_on_the_client(self, api, session, tenant):
        await api.run(CONFIGURE, settings(tenant), user=tenant.admin)
        await api.run(CONFIGURE, settings(tenant, emailClaim="upn"), user=tenant.admin)
        removed = await api.run(REMOVE, user=tenant.admin)
        again = await api.run(REMOVE, user=tenant.admin)
        assert removed["removeIdentityProvider"]["removed"] is True
        assert again["removeIdentityProvider"]["removed"] is False
        assert await provider_of(session, tenant) is None
        events = (await session.execute(select(AuditEvent).where(
            AuditEvent.client_id == tenant.client.id, AuditEvent.object_type == "Client").order_by(AuditEvent.id)))
        events = events.scalars().all()
        assert [(e.action, e.actor_id) for e in events] == [
            ("client.configure_identity_provider", tenant.admin.id),
            ("client.configure_identity_provider", tenant.admin.id),
            ("client.remove_identity_provider", tenant.admin.id)]
        assert events[0].changes["issuer"] == {"from": None, "to": issuer(tenant)}
        assert events[1].changes == {"email_claim": {"from": "email", "to": "upn"}}
        assert events[2].changes["audience"] == {"from": AUDIENCE, "to": None}
