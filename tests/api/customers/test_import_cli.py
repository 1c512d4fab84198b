"""`csrgraph import customers`: the command end to end, a process killed in the middle (SQLite: a job that
resumes, never half a customer; PostgreSQL: nothing at all), and a 100,000-row book through the same code."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from db.enums import ImportJobStatus
from db.models import Customer, CustomerImportJob, UtilityAccount
from db.writes import Writes
from resolvers.context import RequestScope, Viewer
from resolvers.customers.imports.commands import CustomerFile, ImportRequest, import_customers
from tests.api.customers.import_helpers import book, counts, rows_of

ROOT = Path(__file__).resolve().parents[3]
# The command with small batches, and a pause in its second batch (after the write, before the commit) that
# tells the test, through a marker file, that it is there: the test kills it then.
SLOWED = """
import asyncio, pathlib, sys
from resolvers.customers.imports import commands as imports, sql as import_sql
imports.BATCH_ROWS, imports.STAGE_LINES = 40, 50
marker, calls, write_new = pathlib.Path(sys.argv[1]), [], import_sql.write_new
async def paused(*args, **kwargs):
    created = await write_new(*args, **kwargs)
    calls.append(1)
    if len(calls) == 2:
        marker.write_text("in batch 2")
        await asyncio.sleep(60)
    return created
import_sql.write_new = paused
from graph.cli import main
sys.exit(main(sys.argv[2:]))
"""


def command(database, tenant, path: Path, *extra: str) -> list[str]:
    return ["import", "customers", str(path), "--client", tenant.client.slug, "--as", tenant.admin.email, *extra]


def environment(database) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database.url, "PYTHONPATH": str(ROOT)}


def run_cli(database, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph.cli", *args], env=environment(database), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


async def accounts_by_customer(database, tenant) -> Counter:
    async with database.sessionmaker() as s:
        stmt = (
            select(Customer.number, func.count(UtilityAccount.id))
            .outerjoin(UtilityAccount, UtilityAccount.customer_id == Customer.id)
            .where(Customer.client_id == tenant.client.id)
            .group_by(Customer.number)
        )
        return Counter(dict((await s.execute(stmt)).all()))


class TestCommand:
    async def test_imports_a_file_and_reports_the_job(self, database, tenant, tmp_path):
        path = tmp_path / "book.csv"
        path.write_bytes(book(12))
        done = run_cli(database, *command(database, tenant, path))
        assert done.returncode == 0, done.stderr
        assert "customer import job" in done.stderr
        assert "created" in done.stderr
        assert (await counts(database, tenant))["utility_accounts"] == 12
        again = run_cli(database, *command(database, tenant, path))  # the same file: its finished job again
        assert again.returncode == 0
        assert "finished earlier" in again.stderr
        assert (await counts(database, tenant))["customer_import_jobs"] == 1

    async def test_a_bad_file_or_user_fails_with_a_message(self, database, tenant, tmp_path):
        path = tmp_path / "bad.csv"
        path.write_bytes(b"who,what\n1,2\n")
        done = run_cli(database, *command(database, tenant, path))
        assert done.returncode == 1
        assert "Unknown column 'who'" in done.stderr
        agent = run_cli(
            database, "import", "customers", str(path), "--client", tenant.client.slug, "--as", tenant.agent.email
        )
        assert agent.returncode == 1
        assert "IMPORT_CUSTOMERS needs the ADMIN role" in agent.stderr
        missing = run_cli(database, *command(database, tenant, tmp_path / "nope.csv"))
        assert missing.returncode == 1
        assert "cannot read" in missing.stderr


class TestKilledInTheMiddle:
    # run again as the same job (the command's default key, or an upload's key), or as a new one (an upload
    # sent without a key): everything ends up in once either way
    @pytest.mark.parametrize("again_with", [(), ("--idempotency-key", "second-load")], ids=["same-key", "new-key"])
    async def test_leaves_whole_customers_and_a_job_that_resumes(self, database, tenant, tmp_path, again_with):
        # given a book of 200 rows and the command, slowed, in its second batch of customers
        data = book(200)
        path, marker = tmp_path / "book.csv", tmp_path / "marker"
        path.write_bytes(data)
        process = subprocess.Popen(
            [sys.executable, "-c", SLOWED, str(marker), *command(database, tenant, path)],
            env=environment(database),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the import never reached its second batch"
            time.sleep(0.05)
        # when it is killed there
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        # then
        per_file = Counter(r["customer_number"] for r in rows_of(data))
        written = await accounts_by_customer(database, tenant)
        async with database.sessionmaker() as s:
            jobs = (
                (await s.execute(select(CustomerImportJob).where(CustomerImportJob.client_id == tenant.client.id)))
                .scalars()
                .all()
            )
        if database.backend == "postgresql":
            # the job was one transaction: nothing of it is left, the job row included
            assert written == Counter()
            assert jobs == []
        else:
            # the first batch is committed with the job's progress, whole customers only; the second is not
            assert len(jobs) == 1
            assert jobs[0].status is ImportJobStatus.APPLYING
            assert jobs[0].applied_through
            assert 0 < len(written) < len(per_file)
            assert all(per_file[number] == accounts for number, accounts in written.items())
            assert max(written) == jobs[0].applied_through
            async with database.engine.connect() as conn:
                assert (await conn.execute(text("PRAGMA integrity_check"))).scalar() == "ok"
        committed = sum(written.values())
        # when the command runs again, everything is in, once
        again = run_cli(database, *command(database, tenant, path, *again_with))
        assert again.returncode == 0, again.stderr
        resumes = database.backend == "sqlite" and not again_with
        assert ("(resumed)" in again.stderr) is resumes
        assert await accounts_by_customer(database, tenant) == per_file
        async with database.sessionmaker() as s:
            jobs = (await s.execute(select(CustomerImportJob).where(CustomerImportJob.client_id == tenant.client.id)
                                    .order_by(CustomerImportJob.id).execution_options(populate_existing=True))).scalars().all()
        job = jobs[-1]
        if resumes or database.backend == "postgresql":
            assert len(jobs) == 1
            assert (job.status, job.total, job.created, job.refused) == (ImportJobStatus.DONE, 200, 200, 0)
            assert job.customers_created == len(per_file)
        else:
            # the interrupted job stays as it was; the new one finds its customers in and writes the rest
            assert [j.status for j in jobs] == [ImportJobStatus.APPLYING, ImportJobStatus.DONE]
            assert (job.total, job.created, job.unchanged, job.refused) == (200, 200 - committed, committed, 0)
            assert job.customers_created == len(per_file) - len(written)


@pytest.mark.parametrize("rows", [100_000])
async def test_a_book_of_100000_rows(database, tenant, rows):
    # given a book of 100,000 accounts, made here
    data = book(rows)
    scope = RequestScope(Viewer(tenant.admin.id, tenant.client.id, tenant.admin.role, tenant.admin.email), "test-100k")
    request = ImportRequest(CustomerFile("book.csv", __import__("io").BytesIO(data)))
    # when it is imported through the code the command and the mutation share
    started = time.monotonic()
    done = await import_customers(scope, Writes(database.engine), request)
    seconds = time.monotonic() - started
    # then every row went in, and every customer with all its accounts
    customers = len({r["customer_number"] for r in rows_of(data)})
    assert (done.job.status, done.job.total, done.job.created, done.job.customers_created) == \
        (ImportJobStatus.DONE, rows, rows, customers)
    written = await counts(database, tenant)
    assert (written["customers"], written["utility_accounts"], written["enrollments"]) == (customers, rows, rows)
    print(f"\n{rows:,} rows imported on {database.backend} in {seconds:.1f} s (a busy machine)")
