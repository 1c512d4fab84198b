"""A client's users through the resolvers: invited with a normalized email unique across clients, given roles,
deactivated and reactivated by admins, each change audited from-to; the client always keeps an active ADMIN;
another client's user is not found."""

import pytest
from sqlalchemy import select

from db.enums import Role, RoleSource
from db.models import IdentityProvider, User
from resolvers.admin.user_lists import UserFilter, user_count, user_page
from resolvers.admin.users import Invitation, change_user_role, deactivate_user, invite_user, reactivate_user
from resolvers.pagination import PageRequest
from tests.resolvers.helpers import act, audit_trail, code_and_field, fetch, read, refused


async def users_of(database, tenant) -> list[tuple[str, Role, bool]]:
    stmt = select(User.email, User.role, User.active).where(User.client_id == tenant.client.id).order_by(User.id)
    return await fetch(database, stmt)


class TestInvite:
    async def test_an_invited_user_is_active_with_a_lower_case_email_and_audited(self, database, tenant):
        invited = await act(database, tenant.admin, invite_user,
                            Invitation(email=" Ann.Lee@Mail.Example ", name="  Ann   Lee ", role=Role.TEAM_LEAD))
        assert (invited.email, invited.name, invited.role, invited.active, invited.client_id) == (
            "ann.lee@mail.example", "Ann Lee", Role.TEAM_LEAD, True, tenant.client.id)
        assert await audit_trail(database, "User", invited.id) == [("user.invite", {
            "role": {"from": None, "to": "TEAM_LEAD"}, "active": {"from": None, "to": True},
            "email": {"from": None, "to": "ann.lee@mail.example"}, "name": {"from": None, "to": "Ann Lee"}},
            tenant.admin.id)]

    @pytest.mark.parametrize("whose", ["own", "other"])
    async def test_an_email_in_use_in_any_client_is_refused(self, database, tenant, other_tenant, whose):
        taken = (tenant if whose == "own" else other_tenant).agent.email.upper()
        before = await users_of(database, tenant)
        error = await refused(database, tenant.admin, invite_user, Invitation(taken, "Dup", Role.AGENT))
        assert code_and_field(error) == ("EMAIL_IN_USE", ["email"])
        assert await users_of(database, tenant) == before

    @pytest.mark.parametrize("email, name, code, field", [
        ("not-an-email", "Ok", "INVALID_EMAIL", "email"),
        ("", "Ok", "INVALID_EMAIL", "email"),
        ("ok@mail.example", "   ", "INVALID", "name"),
        ("ok@mail.example", "x" * 201, "INVALID", "name"),
    ])
    async def test_bad_input_is_refused_and_writes_nothing(self, database, tenant, email, name, code, field):
        before = await users_of(database, tenant)
        error = await refused(database, tenant.admin, invite_user, Invitation(email, name, Role.AGENT))
        assert code_and_field(error) == (code, [field])
        assert await users_of(database, tenant) == before

    @pytest.mark.parametrize("role", [Role.AGENT, Role.TEAM_LEAD])
    async def test_only_an_admin_invites(self, database, tenant, role):
        before = await users_of(database, tenant)
        invitation = Invitation("new@mail.example", "New", Role.AGENT)
        error = await refused(database, tenant.user(role), invite_user, invitation)
        assert code_and_field(error) == ("FORBIDDEN", None)
        assert await users_of(database, tenant) == before


class TestRolesAndActive:
    async def test_a_role_change_and_a_deactivation_are_audited_from_to(self, database, tenant):
        await act(database, tenant.admin, change_user_role, tenant.agent.id, Role.TEAM_LEAD)
        await act(database, tenant.admin, deactivate_user, tenant.agent.id)
        await act(database, tenant.admin, deactivate_user, tenant.agent.id)  # already inactive: nothing to record
        await act(database, tenant.admin, reactivate_user, tenant.agent.id)
        assert await audit_trail(database, "User", tenant.agent.id) == [
            ("user.change_role", {"role": {"from": "AGENT", "to": "TEAM_LEAD"}}, tenant.admin.id),
            ("user.deactivate", {"active": {"from": True, "to": False}}, tenant.admin.id),
            ("user.reactivate", {"active": {"from": False, "to": True}}, tenant.admin.id)]
        assert (await users_of(database, tenant))[0][1:] == (Role.TEAM_LEAD, True)

    @pytest.mark.parametrize("change", [
        lambda scope, admin: change_user_role(scope, admin, Role.TEAM_LEAD),
        lambda scope, admin: change_user_role(scope, admin, Role.AGENT),
        lambda scope, admin: deactivate_user(scope, admin),
    ], ids=["to TEAM_LEAD", "to AGENT", "deactivate"])
    async def test_the_last_active_admin_cannot_be_taken_away(self, database, tenant, change):
        before = await users_of(database, tenant)
        error = await refused(database, tenant.admin, change, tenant.admin.id)
        assert code_and_field(error) == ("LAST_ACTIVE_ADMIN", ["id"])
        assert await users_of(database, tenant) == before
        assert await audit_trail(database, "User", tenant.admin.id) == []

    async def test_with_a_second_admin_one_steps_down_and_the_other_is_then_the_last(self, database, tenant):
        promoted = await act(database, tenant.admin, change_user_role, tenant.lead.id, Role.ADMIN)
        stepped_down = await act(database, promoted, change_user_role, tenant.admin.id, Role.AGENT)
        assert stepped_down.role is Role.AGENT
        error = await refused(database, promoted, deactivate_user, promoted.id)
        assert code_and_field(error) == ("LAST_ACTIVE_ADMIN", ["id"])

    async def test_a_deactivated_admin_does_not_count_until_reactivated(self, database, tenant):
        await act(database, tenant.admin, change_user_role, tenant.lead.id, Role.ADMIN)
        await act(database, tenant.admin, deactivate_user, tenant.lead.id)
        error = await refused(database, tenant.admin, change_user_role, tenant.admin.id, Role.TEAM_LEAD)
        assert code_and_field(error) == ("LAST_ACTIVE_ADMIN", ["id"])
        # reactivating the other admin first makes the step down possible
        await act(database, tenant.admin, reactivate_user, tenant.lead.id)
        await act(database, tenant.admin, change_user_role, tenant.admin.id, Role.TEAM_LEAD)
        assert [(role, active) for _email, role, active in await users_of(database, tenant)] == [
            (Role.AGENT, True), (Role.ADMIN, True), (Role.TEAM_LEAD, True)]

    async def test_roles_from_the_identity_provider_are_not_changed_here(self, database, session, tenant):
        session.add(IdentityProvider(client_id=tenant.client.id, issuer=f"https://idp.example/{tenant.client.slug}",
                                     audience="csr-spa", email_claim="email", role_source=RoleSource.CLAIM,
                                     role_claim="groups", role_mapping={"csr": "AGENT"}, provisioned_role=Role.AGENT))
        await session.commit()
        error = await refused(database, tenant.admin, change_user_role, tenant.agent.id, Role.TEAM_LEAD)
        assert code_and_field(error) == ("ROLE_MANAGED_BY_PROVIDER", ["role"])
        await act(database, tenant.admin, deactivate_user, tenant.agent.id)  # deactivation is still the client's
        assert (await users_of(database, tenant))[0][1:] == (Role.AGENT, False)

    async def test_another_clients_user_is_not_found_and_unchanged(self, database, tenant, other_tenant):
        for change in (lambda s, i: change_user_role(s, i, Role.ADMIN), deactivate_user, reactivate_user):
            error = await refused(database, other_tenant.admin, change, tenant.agent.id)
            assert code_and_field(error) == ("NOT_FOUND", ["id"])
        assert (await users_of(database, tenant))[0][1:] == (Role.AGENT, True)
        assert await audit_trail(database, "User", tenant.agent.id) == []


class TestUserList:
    @pytest.mark.parametrize("criteria, expected", [
        (UserFilter(), ["Admin", "Agent", "Lead", "Zed"]),
        (UserFilter(role=Role.AGENT), ["Agent", "Zed"]),
        (UserFilter(active=False), ["Zed"]),
        (UserFilter(role=Role.AGENT, active=True), ["Agent"]),
        (UserFilter(role=Role.TEAM_LEAD, active=False), []),
    ])
    async def test_the_clients_users_by_name_filtered(self, database, tenant, other_tenant, criteria, expected):
        zed = await act(database, tenant.admin, invite_user, Invitation(f"zed@{tenant.client.slug}.example", "Zed Q",
                                                                         Role.AGENT))
        await act(database, tenant.admin, deactivate_user, zed.id)
        page = await read(database, tenant.lead, user_page, criteria, PageRequest(first=10))
        assert [u.name.split()[0] for u in page.rows] == expected
        assert await read(database, tenant.lead, user_count, criteria) == len(expected)

    async def test_agents_may_not_list_users(self, database, tenant):
        error = await refused(database, tenant.agent, user_page, UserFilter(), PageRequest())
        assert code_and_field(error) == ("FORBIDDEN", None)
