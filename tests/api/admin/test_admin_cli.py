"""`csrgraph client ...` and `csrgraph user ...` on both engines: an operator bootstraps a client and its first
admin, scripts its users and its identity provider, and the API then signs them in as configured."""

import uuid

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Client, User
from graph.caches import USER_TTL_SECONDS
from tests.api.admin.conftest import AUDIENCE, reason, sign_in


@pytest.fixture
def slug() -> str:
    return f"cli-{uuid.uuid4().hex[:8]}"


async def test_bootstrap_a_client_and_script_its_users(cli, slug, session, api):
    # given a new client and its first admin, from the command line
    assert (await cli("client", "create", slug, "--name", "Cli Energy"))[0] == 0
    code, _, err = await cli("client", "create", slug, "--name", "Again")
    assert code == 1
    assert "already exists" in err
    assert (await cli("user", "add", f"Boss@{slug}.example", "--client", slug, "--role", "ADMIN"))[0] == 0
    assert (await cli("user", "add", f"ann@{slug}.example", "--client", slug, "--role", "AGENT", "--name", "Ann"))[
        0
    ] == 0
    # then they are listed by name, and the admin's local token works through the API
    code, out, _ = await cli("user", "list", "--client", slug)
    assert out.splitlines() == [f"ann@{slug}.example\tAGENT\tactive\tAnn", f"boss@{slug}.example\tADMIN\tactive\tBoss"]
    code, token, _ = await cli("token", f"boss@{slug}.example")
    viewer = await api.post("{ viewer { role client { slug name } } }", headers={"authorization": f"Bearer {token}"})
    assert viewer.json()["data"]["viewer"] == {"role": "ADMIN", "client": {"slug": slug, "name": "Cli Energy"}}
    # when users leave and come back
    code, _, err = await cli("user", "deactivate", f"boss@{slug}.example", "--client", slug)
    assert code == 1
    assert "last active ADMIN" in err
    assert (await cli("user", "deactivate", f"ann@{slug}.example", "--client", slug))[0] == 0
    assert (await cli("user", "list", "--client", slug, "--inactive"))[
        1
    ] == f"ann@{slug}.example\tAGENT\tdeactivated\tAnn"
    code, _, err = await cli("token", f"ann@{slug}.example")
    assert code == 1
    assert "no active user" in err
    assert (await cli("user", "reactivate", f"ann@{slug}.example", "--client", slug))[0] == 0
    assert (await cli("user", "list", "--client", slug, "--role", "AGENT", "--active"))[1].startswith("ann@")
    # then every change is audited with no actor, as the command line's
    client = (await session.execute(select(Client).where(Client.slug == slug))).scalar_one()
    events = (await session.execute(select(AuditEvent).where(AuditEvent.client_id == client.id)
                                    .order_by(AuditEvent.id))).scalars().all()
    assert [e.action for e in events] == ["client.create", "user.invite", "user.invite", "user.deactivate",
                                          "user.reactivate"]
    assert {(e.actor_id, e.request_id) for e in events} == {(None, f"cli-{slug}")}


@pytest.mark.parametrize("args", [
    ["user", "add", "x@y.example", "--client", "no-such-client", "--role", "AGENT"],
    ["user", "deactivate", "nobody@y.example", "--client", "SLUG"],
    ["user", "add", "not-an-email", "--client", "SLUG", "--role", "AGENT"],
    ["client", "create", "Not A Slug", "--name", "x"],
    ["user", "add", "bell@y.example", "--client", "SLUG", "--role", "AGENT", "--name", "Ring\x07"],
    ["client", "set-provider", "SLUG", "--issuer", "http://idp.example.com", "--audience", "a"],
    ["client", "set-provider", "SLUG", "--issuer", "https://idp.example.com", "--audience", "a", "--map", "g=BOSS"],
])
async def test_mistakes_are_said_on_stderr_and_change_nothing(cli, slug, session, args):
    assert (await cli("client", "create", slug, "--name", "Careful"))[0] == 0
    code, out, err = await cli(*[slug if a == "SLUG" else a for a in args])
    assert code == 1
    assert err.startswith("csrgraph: ")
    assert out == ""
    client = (await session.execute(select(Client).where(Client.slug == slug))).scalar_one()
    assert (await session.execute(select(User).where(User.client_id == client.id))).first() is None


async def test_an_identity_provider_set_from_the_command_line_signs_users_in(cli, slug, idp, clocked_api, clock):
    api = clocked_api
    # given a client whose provider the operator set: roles from its groups claim, users made on first sign-in
    realm = idp.realm()
    await cli("client", "create", slug, "--name", "Idp Energy")
    await cli("user", "add", f"admin@{slug}.example", "--client", slug, "--role", "ADMIN")
    code, out, _ = await cli("client", "set-provider", slug, "--issuer", realm.issuer, "--audience", AUDIENCE,
                             "--role-claim", "groups", "--map", "csr-leads=TEAM_LEAD", "--map", "csr=AGENT",
                             "--just-in-time", "--no-local-tokens")
    assert code == 0
    assert realm.issuer in out
    assert (await cli("client", "show", slug))[1].splitlines()[3] == "roles CLAIM groups csr=AGENT, csr-leads=TEAM_LEAD"
    # when a new agent signs in through the provider
    response = await sign_in(api, realm.token(f"new@{slug}.example", AUDIENCE, groups=["csr", "csr-leads"]))
    # then they are provisioned with the claim's role, and local tokens are off for the client
    assert response.json()["data"]["viewer"] == {"user": {"email": f"new@{slug}.example"}, "role": "TEAM_LEAD",
                                                 "client": {"slug": slug}}
    code, _, err = await cli("token", f"admin@{slug}.example")
    assert code == 1
    assert "identity provider only" in err
    # when the operator removes the provider, local tokens work again
    assert (await cli("client", "remove-provider", slug))[0] == 0
    code, token, _ = await cli("token", f"admin@{slug}.example")
    clock.advance(
        USER_TTL_SECONDS + 0.01
    )  # the server is another process: it sees the change within its auth cache's life
    assert code == 0
    assert (await sign_in(api, token)).status_code == 200
    assert reason(await sign_in(api, realm.token(f"new@{slug}.example", AUDIENCE, groups=["csr"]))) == "UNKNOWN_ISSUER"
