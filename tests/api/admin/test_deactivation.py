"""Deactivation takes effect: at once on the worker that ran deactivateUser, within the auth cache's lifetime
(USER_TTL_SECONDS, 10 s) on every other, and the user's open subscriptions end (end to end, over a real socket)."""

import asyncio
import json

import pytest
import websockets

from graph.caches import USER_TTL_SECONDS
from graph.core.relay import to_global_id
from graph.live_sign_in import CHECK_SECONDS
from tests.api.admin.conftest import reason
from tests.api.commlog.test_subscription import SUBSCRIBE, connect, following, next_message, post, server  # noqa: F401
from tests.conftest import token_for
from tests.factories.customers import make_customer

VIEWER = "{ viewer { role } }"
DEACTIVATE = "mutation($input: UserIdInput!) { deactivateUser(input: $input) { userErrors { code } } }"
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
        assert response.status_code == 401 and reason(response) == "USER_DEACTIVATED"

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
        await clocked_api.run(CHANGE_ROLE, {"input": {"id": to_global_id("User", tenant.agent.id), "role": "TEAM_LEAD"}},
                              user=tenant.admin)
        assert (await clocked_api.run(VIEWER, user=tenant.agent))["viewer"]["role"] == "TEAM_LEAD"

    async def test_a_reactivated_user_signs_in_again(self, api, tenant):
        user_id = {"input": {"id": to_global_id("User", tenant.agent.id)}}
        await api.run(DEACTIVATE, user_id, user=tenant.admin)
        await api.run("mutation($input: UserIdInput!) { reactivateUser(input: $input) { userErrors { code } } }",
                      user_id, user=tenant.admin)
        assert (await api.post(VIEWER, user=tenant.agent)).status_code == 200


class TestSubscriptions:
    async def test_a_deactivated_users_subscription_ends(self, server, session, tenant):  # noqa: F811
        # given the agent following a customer's log over a real websocket
        customer = await make_customer(session, tenant, "Watched Customer")
        await session.commit()
        ws = await following(server, tenant, customer, tenant.agent)
        # when an admin deactivates the agent
        result = await post(server, tenant.admin, DEACTIVATE, {"input": {"id": to_global_id("User", tenant.agent.id)}})
        assert result["deactivateUser"]["userErrors"] == []
        # then within the check interval the subscription gets the reason, then completes
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=CHECK_SECONDS + 3))
        assert message["type"] == "next"
        error = message["payload"]["errors"][0]
        assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "USER_DEACTIVATED"}
        assert (await next_message(ws)) == {"id": "1", "type": "complete"}
        # and a new subscription on the same socket is refused the same way
        await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"id": to_global_id("Customer", customer.id)}}}))
        assert _errors(await next_message(ws))[0]["extensions"]["reason"] == "USER_DEACTIVATED"
        # and so is a query or a mutation sent over the socket
        await ws.send(json.dumps({"id": "3", "type": "subscribe", "payload": {"query": VIEWER}}))
        assert _errors(await _message_for(ws, "3"))[0]["extensions"]["reason"] == "USER_DEACTIVATED"
        await ws.close()

    async def test_a_deactivated_user_cannot_open_a_socket(self, server, session, tenant):  # noqa: F811
        tenant.agent.active = False
        session.add(tenant.agent)
        await session.commit()
        ws = await connect(server, token_for(tenant.agent))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws)
        assert closed.value.rcvd.code == 4403


def _errors(message: dict) -> list[dict]:
    """An operation's errors, sent as an `error` message (refused before execution) or in a `next` result."""
    return message["payload"] if message["type"] == "error" else message["payload"]["errors"]


async def _message_for(ws, operation_id: str) -> dict:
    while (message := await next_message(ws))["id"] != operation_id:
        pass
    return message
