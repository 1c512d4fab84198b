"""Apollo's automatic persisted queries (CSRGRAPH_DOCUMENTS=apq), as @apollo/client's PersistedQueryLink sends them:
the hash alone first; on PERSISTED_QUERY_NOT_FOUND the text with the hash (POST), which registers the document for
every worker; then the hash alone runs it."""

import asyncio
import json
import sqlite3
import time
import uuid
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from db.models import PersistedDocument
from resolvers.persisted.registry import stored
from resolvers.rules.persisted_files import sha256_of
from tests.api.persisted.helpers import GQL, app_in, auth

NOT_FOUND = {"errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]}


def apq(text: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_of(text)}}


def unique_query() -> str:
    return (f"query Apq{uuid.uuid4().hex[:8]}($first: Int) {{ customers(first: $first) {{ totalCount }} viewer {{ "
            f"role }} }}")


@pytest.mark.parametrize("hashed_by", ["POST", "GET"])  # useGETForHashedQueries sends the hash alone by GET
async def test_the_apollo_flow_registers_once_and_then_runs_by_hash(database, tenant, hashed_by):
    text, variables = unique_query(), {"first": 1}
    headers = auth(tenant.agent, accept=f"{GQL}, application/json;q=0.9")

    async def hash_only(api):
        if hashed_by == "GET":
            params = {"variables": json.dumps(variables), "extensions": json.dumps(apq(text))}
            return await api.client.get("/graphql", params=params, headers=headers)
        return await api.client.post(
            "/graphql", json={"variables": variables, "extensions": apq(text)}, headers=headers
        )

    async with app_in(database, "apq") as api:
        first = await hash_only(api)
        assert (first.status_code, first.json()) == (404, NOT_FOUND)
        assert first.headers["cache-control"] == "private, no-cache, must-revalidate"
        second = await api.client.post(
            "/graphql", json={"query": text, "variables": variables, "extensions": apq(text)}, headers=headers
        )
        assert second.status_code == 200
        assert second.json() == {"data": {"customers": {"totalCount": 0},
                                                                        "viewer": {"role": "AGENT"}}}
        third = await hash_only(api)
        assert (third.status_code, third.content) == (200, second.content)
    async with app_in(database, "apq") as another_worker:  # the registry is the database's: every worker sees it
        assert (await hash_only(another_worker)).content == second.content
    async with database.sessionmaker() as session:
        row = await stored(session, sha256_of(text))
    assert (row.body, row.source, row.trusted, row.name) == (text, "apq", False, text.split()[1].split("(")[0])


async def test_legacy_json_clients_get_200_for_not_found(database, tenant):
    async with app_in(database, "apq") as api:
        response = await api.client.post(
            "/graphql", json={"extensions": apq(unique_query())}, headers=auth(tenant.agent)
        )
    assert (response.status_code, response.json()) == (200, NOT_FOUND)


async def test_text_that_does_not_validate_is_answered_as_usual_and_not_registered(database, tenant):
    text = f"query Bad{uuid.uuid4().hex[:8]} {{ viewer {{ nope }} }}"
    async with app_in(database, "apq") as api:
        response = await api.client.post("/graphql", json={"query": text, "extensions": apq(text)},
                                         headers=auth(tenant.agent, accept=GQL))
        plain = await api.client.post("/graphql", json={"query": text}, headers=auth(tenant.agent, accept=GQL))
    assert (response.status_code, response.content) == (plain.status_code, plain.content)
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    async with database.sessionmaker() as session:
        assert await stored(session, sha256_of(text)) is None


async def test_text_without_its_hash_is_not_registered(database, tenant):
    text = unique_query()
    async with app_in(database, "apq") as api:
        assert (await api.client.post("/graphql", json={"query": text}, headers=auth(tenant.agent))).status_code == 200
    async with database.sessionmaker() as session:
        assert await stored(session, sha256_of(text)) is None


async def test_two_workers_registering_the_same_document_at_once_store_one_row(database, tenant):
    text = unique_query()
    body = {"query": text, "extensions": apq(text)}
    async with app_in(database, "apq") as one, app_in(database, "apq") as two:
        answers = await asyncio.gather(*(worker.client.post("/graphql", json=body, headers=auth(tenant.agent))
                                         for worker in (one, two, one, two)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    async with database.sessionmaker() as session:
        count = await session.execute(select(func.count()).where(PersistedDocument.sha256 == sha256_of(text)))
    assert count.scalar_one() == 1


async def test_a_mutation_registers_and_runs_once_per_request(database, tenant):
    text = f"mutation Prefs{uuid.uuid4().hex[:8]} {{ updateViewerPreferences(input: {{defaultNavigation: REPORTS}}) " \
           f"{{ userErrors {{ code }} }} }}"
    async with app_in(database, "apq") as api:
        first = await api.client.post(
            "/graphql", json={"query": text, "extensions": apq(text)}, headers=auth(tenant.lead)
        )
        again = await api.client.post("/graphql", json={"extensions": apq(text)}, headers=auth(tenant.lead))
        read = await api.client.post("/graphql", json={"query": "{ viewer { preferences { defaultNavigation } } }"},
                                     headers=auth(tenant.lead))
    assert first.json() == again.json() == {"data": {"updateViewerPreferences": {"userErrors": []}}}
    assert read.json()["data"]["viewer"]["preferences"]["defaultNavigation"] == "REPORTS"


@asynccontextmanager
async def registry_held(database):
    """The documents table unwritable by anyone else: on SQLite the file's write lock, held by another connection;
    on PostgreSQL a table lock that conflicts with inserts."""
    if database.backend == "sqlite":
        conn = sqlite3.connect(make_url(database.url).database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.rollback()
            conn.close()
        return
    async with database.engine.connect() as conn:
        await conn.begin()
        await conn.execute(sql("LOCK TABLE persisted_documents IN SHARE ROW EXCLUSIVE MODE"))
        try:
            yield
        finally:
            await conn.rollback()


async def test_a_registration_the_busy_database_cannot_take_in_time_runs_the_document_unregistered(database, tenant):
    # given the database busy for longer than a write waits (APQ registrations queue with the other writes)
    text, wait = unique_query(), 0.5
    body = {"query": text, "variables": {"first": 1}, "extensions": apq(text)}
    async with app_in(database, "apq", write_wait_seconds=wait) as api:
        async with registry_held(database):
            # when a client sends its document with the hash
            started = time.monotonic()
            answer = await api.client.post("/graphql", json=body, headers=auth(tenant.agent))
            waited = time.monotonic() - started
        # then it runs, within about the wait, and is not registered
        assert answer.status_code == 200
        assert answer.json() == {"data": {"customers": {"totalCount": 0}, "viewer": {"role": "AGENT"}}}
        assert waited < wait + 2.0
        async with database.sessionmaker() as session:
            assert await stored(session, sha256_of(text)) is None
        # and the client's next round (hash, not found, text) registers it
        hash_only = {"variables": {"first": 1}, "extensions": apq(text)}
        assert (await api.client.post("/graphql", json=hash_only, headers=auth(tenant.agent))).json() == NOT_FOUND
        assert (await api.client.post("/graphql", json=body, headers=auth(tenant.agent))).status_code == 200
        assert (await api.client.post("/graphql", json=hash_only, headers=auth(tenant.agent))).json() == answer.json()
