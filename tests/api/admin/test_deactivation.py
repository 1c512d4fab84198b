"""Deactivation takes effect: at once on the worker that ran deactivateUser, within the auth cache's lifetime
(USER_TTL_SECONDS, 10 s) on every other, and the user's open websockets close (end to end, over a real socket;
tests/api/commlog/test_subscription.py::TestSignedIn has another worker's deactivation and expired tokens)."""

import asyncio

import pytest
import websockets

from graph.caches import USER_TTL_SECONDS
from graph.core.relay import to_global_id
from tests.api.admin.conftest import AUDIENCE, reason
from tests.api.commlog.live import connect, next_message, post
from tests.api.commlog.test_subscription import following, http, server  # noqa: F401
from tests.conftest import token_for
from tests.factories.customers import make_customer

VIEWER = "{ viewer { role } }"
DEACTIVATE = "mutation($input: UserIdInput!) { deactivateUser(input: $input) { userErrors { code } } }"
CONFIGURE = """mutation($input: ConfigureIdentityProviderInput!) {
  configureIdentityProvider(input: $input) { userErrors { code } } }"""
CHANGE_ROLE = "mutation($input: ChangeUserRoleInput!) { changeUserRole(input: $input) { userErrors { code } } }"


class TestRequests:
    async def test_refused_at_once_on_the_worker_that_deactivated(self, clocked_api, tenant):
        # given the agent signed in (their account now cached)
        assert (await clocked_api.post(VIEWER, user=tenant.agent)).status_code == 200
        # when an admin deactivates them through this worker
        payload = await clocked_api.run(DEACTIVATE, {"input": {"id": to_global_id("User", tenant.agent.id)}},
                                        user=tenant.admin)
        assert payload["deactivateUser"]["userErrors"] == []
        # then their very next request is refused, with the reason, though no time has passed
        response = await clocked_api.post(VIEWER, user=tenant.agent)
        assert response.status_code == 401
        assert reason(response) == "USER_DEACTIVATED"

    async def test_refused_within_the_auth_cache_lifetime_on_another_worker(self, clocked_api, clock, session, tenant):
        # given the agent signed in on this worker
        token = token_for(tenant.agent)
        headers = {"authorization": f"Bearer {token}"}
        assert (await clocked_api.post(VIEWER, headers=headers)).status_code == 200
        # when another worker (or the command line) deactivates them
        tenant.agent.active = False
        session.add(tenant.agent)
        await session.commit()
        # then this worker may still let them in until its cache lets go, and never after
        clock.advance(USER_TTL_SECONDS - 1)
        assert (await clocked_api.post(VIEWER, headers=headers)).status_code == 200
        clock.advance(1.01)
        assert reason(await clocked_api.post(VIEWER, headers=headers)) == "USER_DEACTIVATED"

    async def test_a_role_change_applies_at_once_on_the_worker_that_made_it(self, clocked_api, tenant):
        assert (await clocked_api.run(VIEWER, user=tenant.agent))["viewer"]["role"] == "AGENT"
        await clocked_api.run(
            CHANGE_ROLE,
            {"input": {"id": to_global_id("User", tenant.agent.id), "role": "TEAM_LEAD"}},
            user=tenant.admin,
        )
        assert (await clocked_api.run(VIEWER, user=tenant.agent))["viewer"]["role"] == "TEAM_LEAD"

    async def test_a_reactivated_user_signs_in_again(self, api, tenant):
        user_id = {"input": {"id": to_global_id("User", tenant.agent.id)}}
        await api.run(DEACTIVATE, user_id, user=tenant.admin)
        await api.run("mutation($input: UserIdInput!) { reactivateUser(input: $input) { userErrors { code } } }",
                      user_id, user=tenant.admin)
        assert (await api.post(VIEWER, user=tenant.agent)).status_code == 200


class TestOpenWebsockets:
    async def test_a_deactivated_users_socket_closes_at_once_on_the_worker_that_deactivated(
            self, server, http, session, tenant):  # noqa: F811
        # given the agent following a customer's log over a real websocket, its sockets checked only when poked
        ws = await watched_agent(server, session, tenant)
        # when an admin deactivates the agent through this worker
        await post(http, tenant.admin, DEACTIVATE, {"input": {"id": to_global_id("User", tenant.agent.id)}})
        # then the socket closes, saying why: its subscription ends and nothing more can be sent over it
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws)
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "USER_DEACTIVATED")
        assert server.state["socket_guard"].watching() == 0

    async def test_turning_local_tokens_off_closes_the_sockets_signed_in_with_one(
            self, server, http, session, tenant):  # noqa: F811
        ws = await watched_agent(server, session, tenant)
        provider = {"issuer": f"https://login.example.com/{tenant.client.slug}/v2.0", "audience": AUDIENCE,
                    "localTokens": False}
        await post(http, tenant.admin, CONFIGURE, {"input": provider})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws)
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4401, "LOCAL_TOKENS_DISABLED")

    async def test_another_users_socket_stays_open(self, server, http, session, tenant):  # noqa: F811
        customer = await make_customer(session, tenant, "Watched Customer")
        await session.commit()
        ws = await following(server, tenant, customer, tenant.lead)
        await post(http, tenant.admin, DEACTIVATE, {"input": {"id": to_global_id("User", tenant.agent.id)}})
        await server.state["socket_guard"].check()
        assert server.state["socket_guard"].watching() == 1
        await ws.close()

    async def test_a_deactivated_user_cannot_open_a_socket(self, server, session, tenant):  # noqa: F811
        tenant.agent.active = False
        session.add(tenant.agent)
        await session.commit()
        ws = await connect(server, token_for(tenant.agent))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws)
        assert closed.value.rcvd.code == 4403


async def watched_agent(server, session, tenant):
    """The agent's websocket, following a customer's log, with the socket guard checking only when poked."""
    customer = await make_customer(session, tenant, "Watched Customer")
    await session.commit()
    ws = await following(server, tenant, customer, tenant.agent)
    await only_when_poked(server)
    return ws


async def only_when_poked(server) -> None:
    """Stop the socket guard's periodic check (it waits an hour from its next turn), so only a poke closes a socket."""
    guard = server.state["socket_guard"]
    guard.interval = 3600
    guard.poke()  # its current wait ends now; the next one is an hour
    await asyncio.sleep(0.1)  # the guard takes the poke (this server runs on the test's event loop)
