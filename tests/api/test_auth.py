"""Authentication with local tokens: no token, a bad one, an expired one or an inactive user get 401, with the
reason, and run nothing (provider tokens: tests/api/admin/test_provider_sign_in.py)."""

import os
import time
from datetime import timedelta
from types import SimpleNamespace

import jwt
import pytest

from tests.conftest import SECRET, token_for

VIEWER = "{ viewer { user { email } role client { slug } } }"


class TestBearerTokens:
    async def test_valid_token_sees_its_own_viewer(self, api, tenant):
        # when
        data = await api.run(VIEWER, user=tenant.agent)
        # then
        assert data["viewer"] == {"user": {"email": tenant.agent.email}, "role": "AGENT",
                                  "client": {"slug": tenant.client.slug}}

    async def test_missing_token_is_401(self, api):
        response = await api.post(VIEWER)
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": "MISSING_TOKEN"}
        assert response.headers["www-authenticate"] == 'Bearer realm="csrgraph"'

    async def test_token_signed_with_another_secret_is_401(self, api, tenant):
        forged = token_for(tenant.agent, secret="not-the-secret-at-all-but-long-enough")
        response = await api.post(VIEWER, headers={"authorization": f"Bearer {forged}"})
        assert response.status_code == 401
        assert _reason(response) == "INVALID_TOKEN"
        assert response.headers["www-authenticate"] == 'Bearer realm="csrgraph", error="invalid_token"'

    async def test_expired_token_is_401(self, api, tenant):
        expired = token_for(tenant.agent, ttl=timedelta(seconds=-5))
        response = await api.post(VIEWER, headers={"authorization": f"Bearer {expired}"})
        assert response.status_code == 401
        assert _reason(response) == "TOKEN_EXPIRED"

    async def test_token_without_expiry_is_401(self, api, tenant):
        endless = jwt.encode({"sub": str(tenant.agent.id), "iss": "csrgraph"}, SECRET, algorithm="HS256")
        response = await api.post(VIEWER, headers={"authorization": f"Bearer {endless}"})
        assert response.status_code == 401
        assert _reason(response) == "INVALID_TOKEN"

    async def test_deactivated_user_is_401(self, api, tenant, session):
        # given
        token = token_for(tenant.agent)
        tenant.agent.active = False
        session.add(tenant.agent)
        await session.commit()
        # when
        response = await api.post(VIEWER, headers={"authorization": f"Bearer {token}"})
        # then
        assert response.status_code == 401
        assert _reason(response) == "USER_DEACTIVATED"

    async def test_a_token_of_a_user_that_does_not_exist_is_401(self, api):
        ghost = jwt.encode({"sub": "999999999", "iss": "csrgraph", "exp": 4102444800}, SECRET, algorithm="HS256")
        response = await api.post(VIEWER, headers={"authorization": f"Bearer {ghost}"})
        assert response.status_code == 401
        assert _reason(response) == "UNKNOWN_USER"

    async def test_wrong_scheme_is_401(self, api, tenant):
        response = await api.post(VIEWER, headers={"authorization": f"Basic {token_for(tenant.agent)}"})
        assert response.status_code == 401
        assert _reason(response) == "MISSING_TOKEN"

    @pytest.mark.parametrize("spelling", ["Bearer {}", "bearer {}", "BEARER   {} "])
    async def test_a_remembered_token_is_refused_once_it_expires(self, api, tenant, monkeypatch, spelling):
        # given a token valid for a minute, remembered after its first request (by the header that carried it)
        headers = {"authorization": spelling.format(token_for(tenant.agent, ttl=timedelta(minutes=1)))}
        assert (await api.post(VIEWER, headers=headers)).status_code == 200
        assert (await api.post(VIEWER, headers=headers)).status_code == 200
        # when its expiry passes (within the auth cache's lifetime)
        later = time.time() + 61
        monkeypatch.setattr("graph.auth.time", SimpleNamespace(time=lambda: later))
        response = await api.post(VIEWER, headers=headers)
        # then it is refused as expired
        assert response.status_code == 401
        assert _reason(response) == "TOKEN_EXPIRED"

    async def test_a_header_remembered_signs_in_only_as_itself(self, api, tenant):
        # a token remembered after it signed in; then the same token under another scheme, and another user's
        token = token_for(tenant.agent)
        assert (await api.run(VIEWER, user=tenant.agent))["viewer"]["role"] == "AGENT"
        assert _reason(await api.post(VIEWER, headers={"authorization": f"Basic {token}"})) == "MISSING_TOKEN"
        assert _reason(await api.post(VIEWER, headers={"authorization": f"Bearer {token}x"})) == "INVALID_TOKEN"
        other = await api.post(VIEWER, headers={"authorization": f"Bearer {token_for(tenant.admin)}"})
        assert other.json()["data"]["viewer"]["role"] == "ADMIN"


class TestOpenPaths:
    async def test_healthz_needs_no_token(self, api):
        response = await api.client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "worker": os.getpid()}

    async def test_graphiql_page_is_served_offline(self, api):
        # when a browser opens /graphql
        page = await api.client.get("/graphql", headers={"accept": "text/html"})
        # then the page loads only our own assets
        assert page.status_code == 200
        assert "unpkg" not in page.text
        assert "https://" not in page.text
        asset = await api.client.get("/static/graphiql/graphiql.min.js")
        assert asset.status_code == 200
        assert len(asset.content) > 100_000

    async def test_get_query_with_html_accept_still_needs_a_token(self, api):
        response = await api.client.get("/graphql", params={"query": "{ viewer { role } }"},
                                        headers={"accept": "text/html"})
        assert response.status_code == 401


def _reason(response) -> str:
    return response.json()["errors"][0]["extensions"]["reason"]
