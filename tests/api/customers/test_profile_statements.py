"""The SPA's CustomerProfile reads through statements built once per client (resolvers/statements.py): a later read,
of the same customer or of another, runs the very statement objects of the first, with the customer bound."""

from pathlib import Path

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from db.enums import EnrollmentStatus
from graph.app import create_app
from graph.settings import Settings
from tests.api.customers.test_alerts import alerted_customer, gid
from tests.api.persisted.test_compiled import PROFILE_STATEMENTS
from tests.conftest import SECRET, Api
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer
from tests.lifespan import lifespan

PROFILE = (Path(__file__).parents[3] / "spa" / "operations" / "CustomerProfile.graphql").read_text()


class Executed:
    """The statement objects (not their SQL text) the app runs inside a block, in order."""

    def __init__(self) -> None:
        self.statements: list[object] = []

    def __enter__(self) -> "Executed":
        event.listen(Engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if context is not None and context.invoked_statement is not None:
            self.statements.append(context.invoked_statement)


@pytest.mark.parametrize("compiled_plans", [False, True], ids=["executor", "plans-on"])
async def test_the_profile_runs_the_statements_built_by_its_first_read(database, session, tenant, compiled_plans):
    # given two customers under one master, each with a reason for every alert kind (every alert source reads rows)
    master = await make_customer(session, tenant, "Profile Master", is_master=True)
    await make_customer(session, tenant, "Profile Sibling", master=master)
    one, other = [await alerted_customer(session, tenant, name) for name in ("Alerted One", "Alerted Two")]
    for world in (one, other):
        world.customer.master_id = master.id
    await session.commit()
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                              event_poll_seconds=3600, compiled_plans=compiled_plans))  # no event-log polls counted
    async with lifespan(app) as manager, httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app),
                                                           base_url="http://t") as client:
        api = Api(client)
        for _ in range(2):  # builds, signs in; plans on: the 2nd read is the plan's first (caches markets, utilities)
            await api.run(PROFILE, {"id": gid("Customer", one.customer.id)}, user=tenant.agent)
        # when the same profile is read again, and then another customer's
        with Executed() as again:
            first = await api.run(PROFILE, {"id": gid("Customer", one.customer.id)}, user=tenant.agent)
        with Executed() as another:
            second = await api.run(PROFILE, {"id": gid("Customer", other.customer.id)}, user=tenant.agent)
    # then both ran the same statement objects, as many (one per loader batch: constant; the alert sources one
    # UNION ALL), none built for them
    assert len(again.statements) == len(another.statements) >= 8
    assert sorted(map(id, another.statements)) == sorted(map(id, again.statements))
    # and each answer is its own customer's, every alert source read
    for data, world in ((first, one), (second, other)):
        node = data["node"]
        assert node["id"] == gid("Customer", world.customer.id)
        assert node["master"]["name"] == "Profile Master"
        assert {a["kind"] for a in node["alerts"]} == {
            "CRITICAL_NOTE", "PAST_DUE", "PENDING_DROP", "DROP_ACCEPTED", "DUNNING_HOLD", "RETURNED_PAYMENT",
            "OPEN_TICKET", "RENEWAL_DUE", "PENDING_TRANSFER"}


@pytest.mark.parametrize("event_name", ["before_cursor_execute", "after_cursor_execute"])
@pytest.mark.parametrize("on", ["Engine", "the app's engine"])
async def test_a_listener_registered_after_the_connection_is_parked_hears_every_statement(
        database, session, tenant, event_name, on):
    # given a profile read on a plan until its statements are prepared and its connection parked (SQLite), with no
    # listener: a plan asks whether one listens once per request (db/sqlite_driver.listening), not per statement
    customer = await make_customer(session, tenant, "Heard One")  # an account on a plan: every level reads
    await make_account(session, customer, status=EnrollmentStatus.ACTIVE, line1="1 Heard St", history=1,
                       plan=await make_rate_plan(session, tenant.client.id, "TX"))
    await session.commit()
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                              event_poll_seconds=3600, compiled_plans=True))
    variables = {"id": gid("Customer", customer.id)}
    async with lifespan(app) as manager, httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app),
                                                           base_url="http://t") as client:
        api = Api(client)
        for _ in range(3):
            quiet = await api.run(PROFILE, variables, user=tenant.agent)
        target = Engine if on == "Engine" else manager._state["engine"].sync_engine
        heard: list[object] = []

        def listener(conn, cursor, statement, parameters, context, executemany) -> None:
            heard.append(context.invoked_statement)

        # when a listener is registered, the profile read, the listener removed and the profile read again
        event.listen(target, event_name, listener)
        try:
            listened = await api.run(PROFILE, variables, user=tenant.agent)
        finally:
            event.remove(target, event_name, listener)
        count = len(heard)
        again = await api.run(PROFILE, variables, user=tenant.agent)
    # then the listener heard each of the profile's statements, and none once removed; the same answers
    assert count == PROFILE_STATEMENTS, heard
    assert len(heard) == count
    assert quiet == listened == again
