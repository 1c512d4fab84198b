"""The client's users through the API, on both engines: ADMIN mutations for every role and across clients, the
last-active-ADMIN rule (also under a race), the audit trail from-to, and the users list."""

import asyncio

import pytest
from sqlalchemy import func, select

from db.enums import Role
from db.models import AuditEvent, User
from graph.core.relay import to_global_id
from tests.api.admin.conftest import reason
from tests.factories.admin import make_tenant

USER_FIELDS = "id email name role active"
INVITE = f"""mutation($input: InviteUserInput!) {{ inviteUser(input: $input) {{
  user {{ {USER_FIELDS} }} userErrors {{ field code message }} clientMutationId }} }}"""
CHANGE_ROLE = f"""mutation($input: ChangeUserRoleInput!) {{ changeUserRole(input: $input) {{
  user {{ {USER_FIELDS} }} userErrors {{ field code message }} }} }}"""
DEACTIVATE = f"""mutation($input: UserIdInput!) {{ deactivateUser(input: $input) {{
  user {{ {USER_FIELDS} }} userErrors {{ field code message }} }} }}"""
REACTIVATE = f"""mutation($input: UserIdInput!) {{ reactivateUser(input: $input) {{
  user {{ {USER_FIELDS} }} userErrors {{ field code message }} }} }}"""
USERS = """query($filter: UserFilter, $first: Int, $after: String) { users(filter: $filter, first: $first, after:
  $after) {
  totalCount edges { node { email role active } } pageInfo { hasNextPage endCursor } } }"""
TRAIL = """query($id: ID!) { node(id: $id) { ... on User { auditTrail { totalCount edges { node {
  action actor { email } changes { field from to } } } } } } }"""
VIEWER = "{ viewer { role } }"
ROUNDS = 5


def gid(user: User) -> str:
    return to_global_id("User", user.id)


def mutations(tenant) -> dict[str, tuple[str, dict]]:
    """One real call of each user mutation on the tenant's agent (or a new email), as an admin would make it."""
    return {
        "inviteUser": (INVITE, {"email": f"new@{tenant.client.slug}.example", "name": "New Agent", "role": "AGENT"}),
        "changeUserRole": (CHANGE_ROLE, {"id": gid(tenant.agent), "role": "TEAM_LEAD"}),
        "deactivateUser": (DEACTIVATE, {"id": gid(tenant.agent)}),
        "reactivateUser": (REACTIVATE, {"id": gid(tenant.agent)}),
    }


async def run(api, document: str, input: dict, user) -> dict:
    data = await api.run(document, {"input": input}, user=user)
    return next(iter(data.values()))


async def user_rows(session, tenant) -> list[tuple]:
    stmt = select(User.email, User.role, User.active).where(User.client_id == tenant.client.id).order_by(User.email)
    return [tuple(r) for r in (await session.execute(stmt)).all()]


class TestRoles:
    @pytest.mark.parametrize("mutation", ["inviteUser", "changeUserRole", "deactivateUser", "reactivateUser"])
    @pytest.mark.parametrize("role", list(Role))
    async def test_only_an_admin_manages_users_and_a_refusal_writes_nothing(self, api, session, tenant, role, mutation):
        # given
        document, input = mutations(tenant)[mutation]
        before = await user_rows(session, tenant)
        # when
        payload = await run(api, document, input, tenant.user(role))
        # then
        if role is Role.ADMIN:
            assert payload["userErrors"] == []
            assert payload["user"] is not None
        else:
            assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
            assert payload["user"] is None
            assert await user_rows(session, tenant) == before

    @pytest.mark.parametrize("role", list(Role))
    async def test_team_leads_and_admins_list_users_agents_do_not(self, api, tenant, role):
        response = await api.post(USERS, user=tenant.user(role))
        body = response.json()
        if role is Role.AGENT:
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            assert body["data"] is None
        else:
            assert body["data"]["users"]["totalCount"] == 3

    @pytest.mark.parametrize("role", [Role.AGENT, Role.TEAM_LEAD])
    async def test_only_an_admin_reads_a_users_audit_trail(self, api, tenant, role):
        body = (await api.post(TRAIL, {"id": gid(tenant.agent)}, user=tenant.user(role))).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


class TestAcrossClients:
    @pytest.mark.parametrize("mutation", ["changeUserRole", "deactivateUser", "reactivateUser"])
    async def test_another_clients_user_is_not_found_and_nothing_changes(
            self, api, session, tenant, other_tenant, mutation):
        document, input = mutations(tenant)[mutation]
        before = await user_rows(session, tenant)
        payload = await run(api, document, input, other_tenant.admin)
        assert payload["userErrors"] == [{"field": ["input", "id"], "code": "NOT_FOUND", "message": "User not found."}]
        assert await user_rows(session, tenant) == before

    async def test_the_users_list_and_node_show_only_the_own_client(self, api, tenant, other_tenant):
        emails = {e["node"]["email"] for e in (await api.run(USERS, user=other_tenant.admin))["users"]["edges"]}
        assert emails == {other_tenant.agent.email, other_tenant.lead.email, other_tenant.admin.email}
        assert (await api.run(TRAIL, {"id": gid(tenant.agent)}, user=other_tenant.admin))["node"] is None

    async def test_an_id_of_another_type_is_not_found(self, api, tenant):
        payload = await run(api, DEACTIVATE, {"id": to_global_id("Customer", tenant.agent.id)}, tenant.admin)
        assert payload["userErrors"][0]["code"] == "NOT_FOUND"


class TestLastActiveAdmin:
    @pytest.mark.parametrize(("document", "input"), [
        (DEACTIVATE, {}), (CHANGE_ROLE, {"role": "TEAM_LEAD"}), (CHANGE_ROLE, {"role": "AGENT"})])
    async def test_the_last_active_admin_cannot_be_taken_away(self, api, session, tenant, document, input):
        before = await user_rows(session, tenant)
        payload = await run(api, document, {"id": gid(tenant.admin), **input}, tenant.admin)
        assert [e["code"] for e in payload["userErrors"]] == ["LAST_ACTIVE_ADMIN"]
        assert await user_rows(session, tenant) == before

    async def test_with_a_second_admin_one_may_step_down_and_then_the_other_is_the_last(self, api, tenant):
        # given the lead made ADMIN
        promoted = await run(api, CHANGE_ROLE, {"id": gid(tenant.lead), "role": "ADMIN"}, tenant.admin)
        assert promoted["user"]["role"] == "ADMIN"
        # when the first admin deactivates themselves
        gone = await run(api, DEACTIVATE, {"id": gid(tenant.admin)}, tenant.admin)
        assert gone["userErrors"] == []
        assert gone["user"]["active"] is False
        # then the remaining admin is the last one
        last = await run(api, CHANGE_ROLE, {"id": gid(tenant.lead), "role": "AGENT"}, tenant.lead)
        assert [e["code"] for e in last["userErrors"]] == ["LAST_ACTIVE_ADMIN"]

    async def test_a_deactivated_admin_does_not_count(self, api, session, tenant):
        await run(api, CHANGE_ROLE, {"id": gid(tenant.lead), "role": "ADMIN"}, tenant.admin)
        await run(api, DEACTIVATE, {"id": gid(tenant.lead)}, tenant.admin)
        payload = await run(api, DEACTIVATE, {"id": gid(tenant.admin)}, tenant.admin)
        assert [e["code"] for e in payload["userErrors"]] == ["LAST_ACTIVE_ADMIN"]

    async def test_two_admins_removing_each_other_at_once_leave_one(self, api, session):
        """Shown to fail on PostgreSQL without the client row lock (resolvers/admin/users.py _lock_client)."""
        # given clients with exactly two active admins each
        tenants = [await make_tenant(session) for _ in range(ROUNDS)]
        for tenant in tenants:
            tenant.lead.role = Role.ADMIN
        await session.commit()
        # when in each, the two deactivate each other at the same moment
        results = await asyncio.gather(*(request for t in tenants for request in (
            _deactivation(api, t.lead, t.admin), _deactivation(api, t.admin, t.lead))))
        # then in each exactly one succeeded, and the other was refused: by the rule, or (when the first committed
        # before the second was even signed in; SQLite's writes are that quick) as a deactivated user's request
        for n, tenant in enumerate(tenants):
            assert sorted(results[2 * n:2 * n + 2]) in (["LAST_ACTIVE_ADMIN", "done"], ["USER_DEACTIVATED", "done"])
            stmt = select(func.count()).select_from(User).where(
                User.client_id == tenant.client.id, User.role == Role.ADMIN, User.active.is_(True))
            assert (await session.execute(stmt)).scalar_one() == 1


async def _deactivation(api, user, by) -> str:
    """`by` deactivates `user`: "done", the userError's code, or the reason `by` was refused (401)."""
    response = await api.post(DEACTIVATE, {"input": {"id": gid(user)}}, user=by)
    if response.status_code == 401:
        return reason(response)
    payload = response.json()["data"]["deactivateUser"]
    return payload["userErrors"][0]["code"] if payload["userErrors"] else "done"


class TestInvite:
    async def test_an_invited_user_can_sign_in_at_once(self, api, session, tenant):
        payload = await run(api, INVITE, {"email": f" Ann.Lee@{tenant.client.slug}.EXAMPLE ", "name": " Ann  Lee ",
                                          "role": "TEAM_LEAD", "clientMutationId": "m1"}, tenant.admin)
        assert payload["clientMutationId"] == "m1"
        assert payload["user"] | {"id": None} == {"id": None, "email": f"ann.lee@{tenant.client.slug}.example",
                                                  "name": "Ann Lee", "role": "TEAM_LEAD", "active": True}
        user = (await session.execute(select(User).where(User.email == payload["user"]["email"]))).scalar_one()
        assert (await api.run(VIEWER, user=user))["viewer"]["role"] == "TEAM_LEAD"

    @pytest.mark.parametrize(("input", "code", "field"), [
        ({"email": "not-an-email"}, "INVALID_EMAIL", "email"),
        ({"email": ""}, "INVALID_EMAIL", "email"),
        ({"name": "   "}, "INVALID", "name"),
        ({"name": "x" * 201}, "TEXT_TOO_LONG", "name"),
        ({"email": "a\x00b@x.example"}, "INVALID_TEXT", "email"),
    ])
    async def test_bad_input_is_refused_and_writes_nothing(self, api, session, tenant, input, code, field):
        before = await user_rows(session, tenant)
        payload = await run(
            api, INVITE, {"email": "ok@x.example", "name": "Ok", "role": "AGENT", **input}, tenant.admin
        )
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", field])]
        assert await user_rows(session, tenant) == before

    @pytest.mark.parametrize("whose", ["own", "other"])
    async def test_an_email_already_used_is_refused(self, api, tenant, other_tenant, whose):
        email = (tenant if whose == "own" else other_tenant).agent.email.upper()
        payload = await run(api, INVITE, {"email": email, "name": "Dup", "role": "AGENT"}, tenant.admin)
        assert [e["code"] for e in payload["userErrors"]] == ["EMAIL_IN_USE"]


class TestAuditTrail:
    async def test_each_change_shows_in_the_users_history_from_to(self, api, tenant):
        # given an invited user, promoted, deactivated and reactivated
        user = (await run(api, INVITE, {"email": f"h@{tenant.client.slug}.example", "name": "Hist", "role": "AGENT"},
                          tenant.admin))["user"]
        await run(api, CHANGE_ROLE, {"id": user["id"], "role": "TEAM_LEAD"}, tenant.admin)
        await run(api, CHANGE_ROLE, {"id": user["id"], "role": "TEAM_LEAD"}, tenant.admin)  # no change: no event
        await run(api, DEACTIVATE, {"id": user["id"]}, tenant.admin)
        await run(api, REACTIVATE, {"id": user["id"]}, tenant.admin)
        # when the admin opens the user's history
        trail = (await api.run(TRAIL, {"id": user["id"]}, user=tenant.admin))["node"]["auditTrail"]
        # then every change is there, newest first, from-to, with who made it
        events = [(e["node"]["action"], e["node"]["actor"]["email"],
                   {c["field"]: (c["from"], c["to"]) for c in e["node"]["changes"]}) for e in trail["edges"]]
        assert trail["totalCount"] == 4
        assert events == [
            ("user.reactivate", tenant.admin.email, {"active": (False, True)}),
            ("user.deactivate", tenant.admin.email, {"active": (True, False)}),
            ("user.change_role", tenant.admin.email, {"role": ("AGENT", "TEAM_LEAD")}),
            (
                "user.invite",
                tenant.admin.email,
                {
                    "email": (None, f"h@{tenant.client.slug}.example"),
                    "name": (None, "Hist"),
                    "role": (None, "AGENT"),
                    "active": (None, True),
                },
            ),
        ]

    async def test_a_refused_change_is_not_audited(self, api, session, tenant):
        await run(api, DEACTIVATE, {"id": gid(tenant.admin)}, tenant.admin)
        stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "User",
                                                                  AuditEvent.object_id == tenant.admin.id)
        assert (await session.execute(stmt)).scalar_one() == 0


class TestUsersList:
    @pytest.mark.parametrize(("filter", "expected"), [
        (None, {"agent", "lead", "admin", "gone"}),
        ({"role": "AGENT"}, {"agent", "gone"}),
        ({"active": True}, {"agent", "lead", "admin"}),
        ({"active": False}, {"gone"}),
        ({"role": "ADMIN", "active": False}, set()),
    ])
    async def test_filters_by_role_and_active(self, api, session, tenant, filter, expected):
        session.add(User(client_id=tenant.client.id, email=f"gone@{tenant.client.slug}.example", name="Gone",
                         role=Role.AGENT, active=False, preferences={}))
        await session.commit()
        users = (await api.run(USERS, {"filter": filter}, user=tenant.lead))["users"]
        found = {e["node"]["email"].split("@")[0] for e in users["edges"]}
        assert found == expected
        assert users["totalCount"] == len(expected)

    async def test_pages_by_name_with_a_constant_number_of_statements(self, api, session, tenant, count_sql):
        for n in range(7):
            session.add(User(client_id=tenant.client.id, email=f"p{n}@{tenant.client.slug}.example",
                             name=f"Person {n}", role=Role.AGENT, preferences={}))
        await session.commit()
        await api.run(VIEWER, user=tenant.admin)  # the signed-in account is then cached, as for any later page
        names, after, statements = [], None, []
        while True:
            with count_sql() as counter:
                users = (await api.run(USERS, {"first": 4, "after": after}, user=tenant.admin))["users"]
            statements.append(counter.count)
            names += [e["node"]["email"] for e in users["edges"]]
            if not users["pageInfo"]["hasNextPage"]:
                break
            after = users["pageInfo"]["endCursor"]
        assert len(names) == len(set(names)) == 10
        assert len(set(statements)) == 1, statements
