"""A customer import and agents' writes at once, through `csrgraph serve --workers 2`: neither fails the other.

On SQLite the import commits its units through the worker's Writes (the same queue and lock as the agents'
notes), each paced to hold the lock about imports.UNIT_SECONDS; the agents' writes wait for one unit at most.
The server's write wait is cut to WAIT_SECONDS here so that units sized by rows alone (20,000 rows, a few
seconds on a busy machine) would make notes answer BUSY_RETRY; paced ones never do. On PostgreSQL the import
is one transaction, and the agents' notes touch no row it locks; they queue only on each other, for the event
log's lock (db/event_log.py), which had 5 of 833 notes give up at WAIT_SECONDS on a loaded CI machine while it was
held for three round trips (a turn of a busy worker's loop each); it is held for one now.
"""

import asyncio
import json
import time

import httpx

from graph.core.relay import to_global_id
from tests.api.customers.import_helpers import IMPORT, PREFLIGHT, book
from tests.conftest import SECRET, token_for
from tests.factories.customers import make_customer
from tests.served import serve_workers

ROWS, AGENTS, WAIT_SECONDS = 20_000, 8, 2.5
NOTE = """mutation($i: AddNoteInput!) { addNote(input: $i) { entry { id } userErrors { code message } } }"""


async def import_book(address: str, admin, data: bytes) -> dict:
    operations = {"query": IMPORT, "variables": {"input": {"file": None}}}
    async with httpx.AsyncClient(base_url=f"http://{address}", timeout=600) as http:
        response = await http.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
            files={"0": ("book.csv", data, "text/csv")},
            headers={"authorization": f"Bearer {token_for(admin)}", **PREFLIGHT},
        )
    assert response.status_code == 200, response.text
    return response.json()["data"]["importCustomers"]


async def add_notes(
    address: str, agent, customers: list[str], importing: asyncio.Task, seed: int
) -> tuple[int, list[str]]:
    """Notes, one after another, until the import has finished: how many, and what failed."""
    done, failures = 0, []
    headers = {"authorization": f"Bearer {token_for(agent)}"}
    async with httpx.AsyncClient(base_url=f"http://{address}", headers=headers, timeout=120) as http:
        while not importing.done():
            variables = {
                "i": {
                    "customerId": customers[(seed + done) % len(customers)],
                    "subject": "During the import",
                    "body": "Asked about the bill.",
                }
            }
            response = await http.post("/graphql", json={"query": NOTE, "variables": variables})
            body = response.json()
            if response.status_code != 200 or body.get("errors") or body["data"]["addNote"]["userErrors"]:
                failures.append(f"{response.status_code} {body}"[:300])
            done += 1
    return done, failures


async def test_an_import_and_agents_notes_at_once_through_two_workers(database, session, tenant, tmp_path):
    # given customers the agents work on, and the server as operators run it
    customers = [
        to_global_id("Customer", (await make_customer(session, tenant, f"Worked On {n}")).id) for n in range(8)
    ]
    await session.commit()
    data = book(ROWS)
    async with serve_workers(
        database.url, SECRET, tmp_path, env={"CSRGRAPH_WRITE_WAIT_SECONDS": str(WAIT_SECONDS)}
    ) as served:
        # when an admin imports a book while agents keep adding notes
        started = time.monotonic()
        importing = asyncio.create_task(import_book(served.address, tenant.admin, data))
        notes = await asyncio.gather(*(add_notes(served.address, tenant.agent, customers, importing, n)
                                       for n in range(AGENTS)))
        payload = await importing
        seconds = time.monotonic() - started
    # then the import wrote every row, and not one note failed
    assert payload["userErrors"] == [], payload
    assert (payload["job"]["status"], payload["job"]["created"]) == ("DONE", ROWS)
    failures = [f for _, agent_failures in notes for f in agent_failures]
    gave_up = [line for line in served.log.read_text(errors="replace").splitlines() if "gave up" in line]
    assert failures == [], (
        f"{len(failures)} of {sum(n for n, _ in notes)} notes failed, e.g. {failures[:3]}; server: {gave_up[:3]}"
    )
    assert sum(n for n, _ in notes) >= AGENTS
    print(f"\n{ROWS:,} rows imported in {seconds:.1f} s beside {sum(n for n, _ in notes):,} notes "
          f"on {database.backend} (a busy machine)")
