"""Clients through the resolvers the operator's command line uses: created with a checked slug and a name, audited
with no actor, found by slug; a client's users are found by email within that client only."""

import uuid

import pytest
from sqlalchemy import select

from db.engine import make_write_sessionmaker
from db.models import Client
from resolvers.admin.clients import client_by_slug, create_client, user_in_client
from resolvers.errors import UserInputError
from tests.resolvers.helpers import audit_trail, code_and_field, fetch, read


def fresh_slug() -> str:
    return f"c-{uuid.uuid4().hex[:10]}"


async def created(database, slug: str, name: str) -> Client:
    async with make_write_sessionmaker(database.engine)() as session, session.begin():
        return await create_client(session, slug, name, "cli-test")


async def clients_named(database, slug: str) -> list[str]:
    return await fetch(database, select(Client.name).where(Client.slug == slug))


async def test_a_client_is_created_with_its_trimmed_name_and_audited_without_an_actor(database):
    slug = fresh_slug()
    client = await created(database, slug, "  Lumen   Energy ")
    assert (client.slug, client.name, client.settings) == (slug, "Lumen Energy", {})
    assert await audit_trail(database, "Client", client.id) == [
        ("client.create", {"slug": {"from": None, "to": slug}, "name": {"from": None, "to": "Lumen Energy"}}, None)]
    async with database.sessionmaker() as session:
        assert (await client_by_slug(session, slug)).id == client.id
        assert await client_by_slug(session, slug + "-x") is None


@pytest.mark.parametrize("slug", ["", "-lumen", "lumen-", "Lumen", "lu_men", "lu men", "lümen", "a" * 41])
async def test_a_slug_that_is_not_lower_case_letters_digits_and_inner_hyphens_is_refused(database, slug):
    with pytest.raises(UserInputError) as raised:
        await created(database, slug, "Some Name")
    assert code_and_field(raised.value) == ("INVALID", ["slug"])
    assert await clients_named(database, slug) == []


@pytest.mark.parametrize("slug", ["a", "7", "a-b", "lumen-energy-2", "a" * 40])
async def test_slugs_of_one_to_forty_characters_are_taken(database, slug):
    # the database lives for the session: short slugs are made once, longer ones get a unique tail of the same length
    taken = f"{slug[:-6]}{uuid.uuid4().hex[:6]}" if len(slug) > 6 else slug
    assert (await created(database, taken, "Name")).slug == taken
    assert await clients_named(database, taken) == ["Name"]


async def test_a_slug_in_use_is_a_conflict_and_the_first_client_stays(database):
    slug = fresh_slug()
    await created(database, slug, "First")
    with pytest.raises(UserInputError) as raised:
        await created(database, slug, "Second")
    assert code_and_field(raised.value) == ("CONFLICT", ["slug"])
    assert await clients_named(database, slug) == ["First"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
async def test_a_name_blank_or_too_long_is_refused(database, name):
    slug = fresh_slug()
    with pytest.raises(UserInputError) as raised:
        await created(database, slug, name)
    assert code_and_field(raised.value) == ("INVALID", ["name"])
    assert await clients_named(database, slug) == []


async def test_a_user_is_found_by_email_within_the_client_only(database, tenant, other_tenant):
    assert (await read(database, tenant.admin, user_in_client, f" {tenant.agent.email.upper()} ")).id == tenant.agent.id
    assert await read(database, other_tenant.admin, user_in_client, tenant.agent.email) is None
