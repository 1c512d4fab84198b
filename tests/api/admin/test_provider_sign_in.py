"""Sign-in with tokens of a client's identity provider (a test provider on 127.0.0.1), on both engines:
each token accepted or refused, with the reason, as it should be."""

import time

import pytest
from sqlalchemy import select

from db.models import AuditEvent, User
from graph.oidc import REFETCH_FLOOR_SECONDS
from graph.provider_tokens import CLOCK_SKEW_SECONDS
from tests.api.admin.conftest import AUDIENCE, VIEWER, configure, reason, sign_in
from tests.api.persisted.helpers import GQL, register
from tests.conftest import token_for
from tests.idp import forge

NOW = int(time.time())


@pytest.fixture
async def realm(idp, api, tenant):
    """A new issuer of the test provider, configured as the tenant's provider (roles stored on the users)."""
    realm = idp.realm()
    assert (await configure(api, tenant.admin, realm))["userErrors"] == []
    return realm


def seconds_from_now(seconds: int) -> int:
    return int(time.time()) + seconds


class TestTokensOfTheProvider:
    async def test_a_valid_token_signs_in_the_user_its_email_names(self, api, tenant, realm):
        response = await sign_in(api, realm.token(tenant.lead.email.upper(), AUDIENCE))
        assert response.status_code == 200, response.json()
        assert response.json()["data"]["viewer"] == {
            "user": {"email": tenant.lead.email}, "role": "TEAM_LEAD", "client": {"slug": tenant.client.slug}}

    async def test_an_es256_key_signs_in_too(self, idp, api, tenant):
        realm = idp.realm("ES256")
        await configure(api, tenant.admin, realm)
        assert (await sign_in(api, realm.token(tenant.agent.email, AUDIENCE))).status_code == 200

    @pytest.mark.parametrize(("claims", "expected"), [
        ({"exp": -(CLOCK_SKEW_SECONDS + 30)}, "TOKEN_EXPIRED"),
        ({"exp": -(CLOCK_SKEW_SECONDS - 30)}, None),  # within the allowed clock skew
        ({"nbf": CLOCK_SKEW_SECONDS + 30}, "TOKEN_NOT_YET_VALID"),
        ({"nbf": CLOCK_SKEW_SECONDS - 30}, None),
        ({"iat": CLOCK_SKEW_SECONDS + 30}, "TOKEN_NOT_YET_VALID"),
    ])
    async def test_expiry_and_not_before_with_a_bounded_skew(self, api, tenant, realm, claims, expected):
        token = realm.token(tenant.agent.email, AUDIENCE, **{k: seconds_from_now(v) for k, v in claims.items()})
        response = await sign_in(api, token)
        assert (reason(response) if expected else response.status_code) == (expected or 200)

    async def test_a_token_without_expiry_is_refused(self, api, tenant, realm):
        assert reason(await sign_in(api, realm.token(tenant.agent.email, AUDIENCE, exp=None))) == "INVALID_TOKEN"

    async def test_wrong_issuer(self, idp, api, tenant, realm):
        # given a token of an issuer no client configured, and one claiming our issuer signed by another's key
        stranger = idp.realm()
        impostor = stranger.token(tenant.agent.email, AUDIENCE, iss=realm.issuer)
        # then
        assert reason(await sign_in(api, stranger.token(tenant.agent.email, AUDIENCE))) == "UNKNOWN_ISSUER"
        assert reason(await sign_in(api, impostor)) == "UNKNOWN_SIGNING_KEY"

    @pytest.mark.parametrize("audience", ["another-app", ["another-app"], None])
    async def test_wrong_audience(self, api, tenant, realm, audience):
        token = realm.token(tenant.agent.email, AUDIENCE, aud=audience)
        assert reason(await sign_in(api, token)) == "WRONG_AUDIENCE"

    async def test_alg_none_is_refused_on_both_ways(self, api, tenant, realm):
        claims = realm.claims(tenant.agent.email, AUDIENCE)
        unsigned = forge({"alg": "none", "typ": "JWT", "kid": realm.published[0]}, claims, None)
        local = forge({"alg": "none", "typ": "JWT"}, {"sub": str(tenant.agent.id), "iss": "csrgraph",
                                                      "exp": seconds_from_now(300)}, None)
        assert reason(await sign_in(api, unsigned)) == "INVALID_TOKEN"
        assert reason(await sign_in(api, local)) == "INVALID_TOKEN"

    @pytest.mark.parametrize("shape", ["pem", "jwk"])
    async def test_hs256_signed_with_the_public_key_is_refused(self, api, tenant, realm, shape):
        # given the provider's public key, which anyone can fetch, used as an HMAC secret
        kid = realm.published[0]
        public = realm.public_pem(kid) if shape == "pem" else str(realm.jwks()["keys"][0]).encode()
        claims = realm.claims(tenant.agent.email, AUDIENCE)
        forged = forge({"alg": "HS256", "typ": "JWT", "kid": kid}, claims, public)
        as_local = forge({"alg": "HS256", "typ": "JWT"}, {**claims, "iss": "csrgraph", "sub": str(tenant.agent.id)},
                         public)
        # then neither the provider way nor the local way accepts it
        assert reason(await sign_in(api, forged)) == "INVALID_TOKEN"
        assert reason(await sign_in(api, as_local)) == "INVALID_TOKEN"

    async def test_an_algorithm_the_provider_does_not_declare_is_refused(self, idp, api, tenant):
        # given a provider that declares RS256 only but publishes an ES256 key as well
        realm = idp.realm()
        realm.algorithms = ["RS256"]
        es_kid = realm.add_key("ES256")
        await configure(api, tenant.admin, realm)
        # then the RS256 key signs in and the ES256 one is no key of this provider
        assert (await sign_in(api, realm.token(tenant.agent.email, AUDIENCE))).status_code == 200
        assert (
            reason(await sign_in(api, realm.token(tenant.agent.email, AUDIENCE, kid=es_kid))) == "UNKNOWN_SIGNING_KEY"
        )

    async def test_garbage_is_refused(self, api, realm):
        for token in ("not-a-jwt", "a.b.c", realm.token("x@y.example", AUDIENCE)[:-8]):
            assert reason(await sign_in(api, token)) == "INVALID_TOKEN"


class TestWhoTheTokenNames:
    async def test_an_email_of_another_client_is_refused(self, api, tenant, other_tenant, realm):
        response = await sign_in(api, realm.token(other_tenant.agent.email, AUDIENCE))
        assert response.status_code == 401
        assert reason(response) == "UNKNOWN_USER"

    async def test_another_clients_email_is_refused_even_with_just_in_time_provisioning(
            self, api, tenant, other_tenant, realm, session):
        await configure(api, tenant.admin, realm, justInTimeProvisioning=True)
        assert reason(await sign_in(api, realm.token(other_tenant.lead.email, AUDIENCE))) == "UNKNOWN_USER"
        other = await session.get(User, other_tenant.lead.id)
        assert other.client_id == other_tenant.client.id

    async def test_a_deactivated_user_is_refused(self, api, tenant, realm, session):
        tenant.agent.active = False
        session.add(tenant.agent)
        await session.commit()
        assert reason(await sign_in(api, realm.token(tenant.agent.email, AUDIENCE))) == "USER_DEACTIVATED"

    async def test_an_unknown_email_is_refused_with_a_clear_reason(self, api, realm):
        response = await sign_in(api, realm.token("stranger@nowhere.example", AUDIENCE))
        assert response.status_code == 401
        assert reason(response) == "UNKNOWN_USER"
        assert "just-in-time" in response.json()["errors"][0]["message"]

    @pytest.mark.parametrize(
        ("email", "claims", "expected"),
        [
            (None, {}, "NO_EMAIL"),
            ("not an email", {}, "NO_EMAIL"),
            ("agent", {"email_verified": False}, "EMAIL_NOT_VERIFIED"),
        ],
    )
    async def test_the_email_must_be_there_and_not_unverified(self, api, tenant, realm, email, claims, expected):
        token = realm.token(tenant.agent.email if email == "agent" else email, AUDIENCE, **claims)
        assert reason(await sign_in(api, token)) == expected

    async def test_another_email_claim(self, api, tenant, realm):
        await configure(api, tenant.admin, realm, emailClaim="upn")
        token = realm.token(None, AUDIENCE, upn=tenant.agent.email)
        assert (await sign_in(api, token)).status_code == 200


class TestJustInTimeProvisioning:
    async def test_a_first_sign_in_creates_the_user_once_audited(self, api, tenant, realm, session):
        # given
        await configure(api, tenant.admin, realm, justInTimeProvisioning=True, provisionedRole="TEAM_LEAD")
        email = f"new.{tenant.client.slug}@lumen.example"
        # when the same person signs in twice
        first = await sign_in(api, realm.token(email, AUDIENCE, name="New Person"))
        second = await sign_in(api, realm.token(email, AUDIENCE))
        # then one active user exists, with the provisioned role, and its creation is audited
        assert first.json()["data"]["viewer"]["role"] == "TEAM_LEAD"
        assert second.status_code == 200
        user = (await session.execute(select(User).where(User.email == email))).scalar_one()
        assert (user.client_id, user.name, user.active) == (tenant.client.id, "New Person", True)
        events = (await session.execute(select(AuditEvent).where(AuditEvent.object_type == "User",
                                                                 AuditEvent.object_id == user.id))).scalars().all()
        assert [(e.action, e.actor_id, e.changes["role"]) for e in events] == [
            ("user.provision", None, {"from": None, "to": "TEAM_LEAD"})]

    async def test_a_deactivated_user_is_never_provisioned_anew(self, api, tenant, realm, session):
        await configure(api, tenant.admin, realm, justInTimeProvisioning=True)
        tenant.lead.active = False
        session.add(tenant.lead)
        await session.commit()
        assert reason(await sign_in(api, realm.token(tenant.lead.email, AUDIENCE))) == "USER_DEACTIVATED"


class TestRolesFromAClaim:
    GROUPS = [{"value": "csr-agents", "role": "AGENT"}, {"value": "csr-admins", "role": "ADMIN"}]

    async def test_the_claim_decides_and_a_change_is_stored_and_audited(self, api, tenant, realm, session):
        # given roles from the groups claim
        payload = await configure(api, tenant.admin, realm, roleSource="CLAIM", roleClaim="groups",
                                  roleMapping=self.GROUPS)
        assert payload["userErrors"] == []
        # when the agent signs in as a member of the admins' group
        response = await sign_in(api, realm.token(tenant.agent.email, AUDIENCE, groups=["everyone", "csr-admins"]))
        # then they are ADMIN, and so stored, the change audited with no actor
        assert response.json()["data"]["viewer"]["role"] == "ADMIN"
        stored = await session.get(User, tenant.agent.id, populate_existing=True)
        assert stored.role == "ADMIN"
        event = (await session.execute(select(AuditEvent).where(
            AuditEvent.object_id == tenant.agent.id, AuditEvent.action == "user.role_from_provider"))).scalar_one()
        assert event.changes == {"role": {"from": "AGENT", "to": "ADMIN"}}
        assert event.actor_id is None

    async def test_no_mapped_value_is_refused(self, api, tenant, realm):
        await configure(api, tenant.admin, realm, roleSource="CLAIM", roleClaim="groups", roleMapping=self.GROUPS)
        assert reason(await sign_in(api, realm.token(tenant.agent.email, AUDIENCE, groups=["other"]))) == "NO_ROLE"
        assert reason(await sign_in(api, realm.token(tenant.agent.email, AUDIENCE))) == "NO_ROLE"


class TestLocalTokens:
    async def test_a_client_can_turn_local_tokens_off_and_on(self, api, tenant, realm):
        await configure(api, tenant.admin, realm, localTokens=False)
        local = await api.post("{ viewer { role } }", user=tenant.agent)
        assert reason(local) == "LOCAL_TOKENS_DISABLED"
        assert (await sign_in(api, realm.token(tenant.agent.email, AUDIENCE))).status_code == 200
        # when an admin (signed in through the provider) turns them on again
        token = realm.token(tenant.admin.email, AUDIENCE)
        variables = {"input": {"issuer": realm.issuer, "audience": AUDIENCE, "localTokens": True}}
        await api.post("mutation($input: ConfigureIdentityProviderInput!) { configureIdentityProvider(input: $input) "
                       "{ userErrors { code } } }", variables, headers={"authorization": f"Bearer {token}"})
        assert (await api.post("{ viewer { role } }", user=tenant.agent)).status_code == 200

    async def test_other_clients_keep_their_local_tokens(self, api, tenant, other_tenant, realm):
        await configure(api, tenant.admin, realm, localTokens=False)
        assert (await api.post("{ viewer { role } }", user=other_tenant.agent)).status_code == 200

    async def test_a_local_token_of_a_client_without_provider_still_works(self, api, tenant):
        response = await api.post("{ viewer { role } }", headers={"authorization": f"Bearer {token_for(tenant.lead)}"})
        assert response.status_code == 200


class TestOneIssuerManyClients:
    async def test_the_audience_chooses_the_client_and_never_another(self, idp, api, tenant, other_tenant):
        # given one provider (issuer) with an application (audience) per client
        realm = idp.realm()
        await configure(api, tenant.admin, realm, audience="app-a")
        await configure(api, other_tenant.admin, realm, audience="app-b")
        # then each audience signs in its own client's users only
        assert (await sign_in(api, realm.token(tenant.agent.email, "app-a"))).status_code == 200
        assert (await sign_in(api, realm.token(other_tenant.agent.email, "app-b"))).status_code == 200
        assert reason(await sign_in(api, realm.token(other_tenant.agent.email, "app-a"))) == "UNKNOWN_USER"
        assert reason(await sign_in(api, realm.token(tenant.agent.email, ["app-a", "app-b"]))) == "WRONG_AUDIENCE"


class TestKeys:
    async def test_rotation_refetches_on_an_unknown_kid_but_never_under_the_floor(
        self, idp, clocked_api, clock, tenant
    ):
        # given a provider whose keys this app has fetched once
        realm = idp.realm()
        await configure(clocked_api, tenant.admin, realm)
        assert (await sign_in(clocked_api, realm.token(tenant.agent.email, AUDIENCE))).status_code == 200
        assert realm.jwks_fetches == 1
        # when the provider rotates its key at once, and tokens with made-up kids keep coming
        new_kid = realm.rotate()
        rotated = realm.token(tenant.agent.email, AUDIENCE, kid=new_kid)
        bogus = [forge({"alg": "RS256", "kid": f"made-up-{n}"}, realm.claims(tenant.agent.email, AUDIENCE), None)
                 for n in range(5)]
        # then within the floor nothing is fetched again: the new kid is unknown for now
        for token in [rotated, *bogus]:
            assert reason(await sign_in(clocked_api, token)) == "UNKNOWN_SIGNING_KEY"
        assert realm.jwks_fetches == 1
        # when the floor has passed, the new kid makes the set be fetched again (no restart)
        clock.advance(REFETCH_FLOOR_SECONDS + 1)
        assert (await sign_in(clocked_api, rotated)).status_code == 200
        assert realm.jwks_fetches == 2
        # and the withdrawn key no longer signs anyone in
        old = realm.token(tenant.agent.email, AUDIENCE, kid=next(iter(realm.keys)))
        assert reason(await sign_in(clocked_api, old)) == "UNKNOWN_SIGNING_KEY"

    async def test_provider_down_first_is_503_and_later_the_cached_keys_keep_working(
            self, idp, clocked_api, clock, tenant):
        realm = idp.realm()
        await configure(clocked_api, tenant.admin, realm)
        token = realm.token(tenant.agent.email, AUDIENCE)
        # given the provider down before its keys were ever fetched
        realm.down = True
        response = await sign_in(clocked_api, token)
        assert response.status_code == 503
        assert reason(response) == "IDENTITY_PROVIDER_UNAVAILABLE"
        assert response.headers["retry-after"] == str(int(REFETCH_FLOOR_SECONDS))
        # when it is back (after the floor) the keys are fetched
        realm.down = False
        clock.advance(REFETCH_FLOOR_SECONDS + 1)
        assert (await sign_in(clocked_api, token)).status_code == 200
        # then when it goes down again, even past the keys' maximum age, they keep working
        realm.down = True
        clock.advance(4 * 3600)
        assert (await sign_in(clocked_api, realm.token(tenant.lead.email, AUDIENCE))).status_code == 200

    async def test_a_discovery_document_naming_another_issuer_is_not_trusted(self, idp, api, tenant):
        realm = idp.realm()
        realm.discovery_issuer = "https://evil.example"
        await configure(api, tenant.admin, realm)
        assert reason(await sign_in(api, realm.token(tenant.agent.email, AUDIENCE))) == "IDENTITY_PROVIDER_UNAVAILABLE"


class TestGraphiQL:
    async def test_a_pasted_provider_token_works_as_graphiql_sends_it(self, api, tenant, realm):
        page = await api.client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "token=" in page.text  # the page still reads #token=
        # GraphiQL posts JSON with the pasted Authorization header (or the one #token= prefilled)
        response = await api.client.post("/graphql", json={"query": "{ viewer { user { email } } }"}, headers={
            "authorization": f"Bearer {realm.token(tenant.agent.email, AUDIENCE)}", "accept": "application/json"})
        assert response.json()["data"]["viewer"]["user"]["email"] == tenant.agent.email


class TestByDocumentId:
    """A registered document named by its id (graph/persisted/fast_path.py) signs in as its text does."""

    @pytest.mark.parametrize("who, claims", [
        ("lead", {}), ("lead", {"exp": -(CLOCK_SKEW_SECONDS + 30)}), ("lead", {"aud": "another-app"}),
        ("stranger", {}), ("lead", {"email_verified": False}),
    ])
    async def test_each_token_gets_the_same_answer_by_id_as_as_text(self, api, database, tenant, realm, who, claims):
        [viewer_id] = await register(database, VIEWER)
        email = tenant.lead.email if who == "lead" else "nobody@mail.example"
        token = realm.token(email, AUDIENCE, **{k: seconds_from_now(v) if k == "exp" else v for k, v in claims.items()})
        headers = {"authorization": f"Bearer {token}", "accept": GQL}
        by_text = await api.client.post("/graphql", json={"query": VIEWER}, headers=headers)
        by_id = await api.client.post("/graphql", json={"documentId": viewer_id}, headers=headers)
        assert (by_id.status_code, by_id.content) == (by_text.status_code, by_text.content)
        assert by_id.status_code == (200 if (who, claims) == ("lead", {}) else 401)

    async def test_local_tokens_turned_off_are_refused_by_id_too(self, api, database, tenant, realm):
        [viewer_id] = await register(database, VIEWER)
        await configure(api, tenant.admin, realm, localTokens=False)
        response = await api.client.post("/graphql", json={"documentId": viewer_id},
                                         headers={"authorization": f"Bearer {token_for(tenant.agent)}"})
        assert reason(response) == "LOCAL_TOKENS_DISABLED"
