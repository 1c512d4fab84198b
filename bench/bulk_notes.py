"""Bulk note insert: 100,000 customer numbers uploaded as CSV through /graphql, beside the floor.

The floor is the database work alone: the same 100,000 note rows and 100,000 per-account result
rows written with stdlib sqlite3 `executemany` in one transaction (same file, same pragmas).
The end-to-end time covers everything a client waits for: the multipart upload, CSV parsing,
resolving every number, writing the rows, committing, and the JSON response.
"""

import argparse
import json
import sqlite3
import statistics
from datetime import UTC, datetime
from typing import Any

from bench import benchmark
from bench.common import (
    BENCH_DIR,
    connect_raw,
    console,
    describe,
    ensure_database,
    graphql_client,
    heading,
    print_table,
    tenant_id,
    time_async,
    time_sync,
    verdict,
)

DB_PATH = BENCH_DIR / "bulk-notes-300k.db"
CUSTOMERS = 300_000  # spread over three clients: 100,000 for the one the benchmark signs in to
ACCOUNTS = 100_000
ITERATIONS = 3
TARGET_RATIO = 3.0
LEAD = "lead@lumen.example"  # bulk notes are a team lead's job
PREFLIGHT = {"apollo-require-preflight": "true"}

BULK = """
mutation Bulk($input: BulkAddNoteInput!) {
  bulkAddNote(input: $input) {
    userErrors { field code message }
    job { id counts { total added skippedStatus notFound duplicate invalid foundInactive foundDropAccepted } }
  }
}"""
BODY = "Your account has been excluded from the dunning process until further notice."


@benchmark("bulk-notes")
async def run(options: argparse.Namespace) -> bool:
    """Time the upload end to end and the floor, alternately; print both and their ratio."""
    heading(f"bulk-notes: {ACCOUNTS:,} customer numbers as a CSV upload through /graphql, SQLite")
    db = await ensure_database(DB_PATH, CUSTOMERS, rebuild=getattr(options, "rebuild", False))
    console.print(describe(db))
    raw = connect_raw(db.path)
    raw.execute("PRAGMA synchronous=FULL")  # what the app sets: both commit the same way
    client, lead = tenant_id(raw, LEAD), _user_id(raw, LEAD)
    numbers = [r[0] for r in raw.execute("SELECT number FROM customers WHERE client_id = ? ORDER BY id LIMIT ?",
                                         (client, ACCOUNTS))]
    upload = ("Customer Number\r\n" + "\r\n".join(numbers) + "\r\n").encode()
    floor_rows = _floor_rows(raw, client, numbers)
    end_to_end, floor = [], []
    async with graphql_client(db.url, LEAD) as gql:
        for _ in range(1 if options.quick else ITERATIONS):
            took, payload = await time_async(lambda: _upload(gql, upload))
            end_to_end.append(took)
            _check(payload, len(numbers))
            _clean_up(raw, payload["job"]["id"])
            floor.append(_time_floor(raw, client, lead, floor_rows))
    raw.close()
    return _report(end_to_end, floor, payload["job"]["counts"])


def _user_id(raw: sqlite3.Connection, email: str) -> int:
    return raw.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]


async def _upload(gql: Any, data: bytes) -> dict[str, Any]:
    operations = {"query": BULK, "variables": {"input": {"body": BODY, "subject": "Dunning", "file": None}}}
    response = await gql.http.post(
        "/graphql", headers={**gql.headers, **PREFLIGHT},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("accounts.csv", data, "text/csv")},
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{response.status_code}: {body.get('errors')}")
    return body["data"]["bulkAddNote"]


def _check(payload: dict[str, Any], expected: int) -> None:
    """The job did the whole work; otherwise its time would mean nothing."""
    if payload["userErrors"] or payload["job"]["counts"]["added"] != expected:
        raise RuntimeError(f"bulkAddNote did not add {expected:,} notes: {payload}")


def _clean_up(raw: sqlite3.Connection, global_id: str) -> None:
    """Remove the job's rows, so every run starts from the same database."""
    from graph.core.relay import from_global_id

    job_id = from_global_id(global_id)[1]  # type: ignore[index]
    raw.execute("BEGIN")
    for sql in ("DELETE FROM comm_log_entries WHERE bulk_job_id = ?", "DELETE FROM bulk_note_results WHERE job_id = ?",
                "DELETE FROM audit_events WHERE object_type = 'BulkNoteJob' AND object_id = ?",
                "DELETE FROM bulk_note_jobs WHERE id = ?"):
        raw.execute(sql, (job_id,))
    raw.execute("COMMIT")


def _floor_rows(
    raw: sqlite3.Connection, client: int, numbers: list[str]
) -> list[tuple[int, str, int, int | None, str]]:
    """(line, number, customer id, primary account id, status) per number, looked up before timing."""
    accounts = {}
    for customer_id, account_id, status in raw.execute(
            "SELECT customer_id, id, status FROM utility_accounts WHERE client_id = ? ORDER BY id DESC", (client,)):
        accounts[customer_id] = (account_id, status)
    ids = dict(raw.execute("SELECT number, id FROM customers WHERE client_id = ?", (client,)).fetchall())
    return [(line, n, ids[n], *accounts.get(ids[n], (None, None))) for line, n in enumerate(numbers, start=2)]


def _time_floor(raw: sqlite3.Connection, client: int, lead: int, rows: list[tuple]) -> float:
    """Milliseconds to write the same job, result and note rows with executemany, committed; then undone."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    note = json.dumps({"kind": "NOTE", "category": "Account", "subject": "Dunning", "body": BODY})

    def write() -> int:
        raw.execute("BEGIN")
        job_id = raw.execute(
            "INSERT INTO bulk_note_jobs (client_id, created_by, request_hash, dry_run, number_type, note, source, "
            "total,"
            " added, skipped_status, not_found, duplicate, invalid, found_inactive, found_drop_accepted, created_at)"
            " VALUES (?, ?, 'floor', 0, 'CUSTOMER_NUMBER', ?, 'floor', 0, 0, 0, 0, 0, 0, 0, 0, ?)",
            (client, lead, note, now),
        ).lastrowid
        raw.executemany(
            "INSERT INTO bulk_note_results (job_id, line, account_number, customer_id, utility_account_id, status,"
            " outcome, detail) VALUES (?, ?, ?, ?, ?, ?, 'ADDED', NULL)",
            [(job_id, line, number, customer, account, status) for line, number, customer, account, status in rows])
        raw.executemany(
            "INSERT INTO comm_log_entries (client_id, customer_id, kind, category, subject, body, critical, author_id,"
            " bulk_job_id, created_at) VALUES (?, ?, 'NOTE', 'Account', 'Dunning', ?, 0, ?, ?, ?)",
            [(client, customer, BODY, lead, job_id, now) for _line, _number, customer, _account, _status in rows])
        raw.execute("COMMIT")
        return job_id

    took, job_id = time_sync(write)
    raw.execute("BEGIN")
    raw.execute("DELETE FROM comm_log_entries WHERE bulk_job_id = ?", (job_id,))
    raw.execute("DELETE FROM bulk_note_results WHERE job_id = ?", (job_id,))
    raw.execute("DELETE FROM bulk_note_jobs WHERE id = ?", (job_id,))
    raw.execute("COMMIT")
    return took


def _report(end_to_end: list[float], floor: list[float], counts: dict[str, int]) -> bool:
    e2e, base = statistics.median(end_to_end), statistics.median(floor)
    # each upload ran right before its floor, so a pair shares the machine's mood: the median pair ratio
    ratio = statistics.median(e / f for e, f in zip(end_to_end, floor, strict=False))
    ok = ratio <= TARGET_RATIO
    print_table(
        f"Bulk note insert, {ACCOUNTS:,} accounts (seconds, median of {len(end_to_end)})",
        ["path", "seconds", "runs", "x floor", "target", ""],
        [["end to end: multipart upload through /graphql", f"{e2e / 1000:.2f}",
          " ".join(f"{t / 1000:.2f}" for t in end_to_end), f"{ratio:.2f}x", f"≤ {TARGET_RATIO:g}x", verdict(ok)],
         ["floor: stdlib sqlite3 executemany, one transaction", f"{base / 1000:.2f}",
          " ".join(f"{t / 1000:.2f}" for t in floor), "1.00x", "", ""]],
        notes=[f"job counts: {counts}",
               "floor: the job row, 100,000 result rows and 100,000 note rows, already looked up, committed with "
               "synchronous=FULL as the app does (foreign keys not checked; the app checks them); each run's rows "
               "are deleted before the next.",
               "x floor: the median of each upload's time over the floor run right after it."],
    )
    return ok
