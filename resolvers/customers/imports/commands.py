"""Import a book of customers from a CSV file: one row per utility account, grouped by customer number.

The job runs in phases: the file is streamed into staging rows (each line checked on its own), the checks
across rows refuse what they must, then customers are written in batches by customer number: new customers
and accounts by INSERT ... SELECT, changes to existing ones field by field, audited from-to. Memory holds
one chunk of lines or one batch, whatever the file's size.

Transactions: on PostgreSQL the whole job is one transaction, so a crash leaves nothing (the job row
included) and running again starts afresh. On SQLite each chunk of staged lines, the checks, and each batch
of customers commit on their own together with the job's progress (`staged_through`, `status`,
`applied_through`), so other writers are not locked out for minutes and a crash leaves a job that resumes
where it stopped: run the same file with the same idempotency key. A batch holds whole customers, so a crash
never leaves half a customer. Re-importing changes nothing: rows compare equal and are UNCHANGED.

What the one PostgreSQL transaction costs others (issue 11, kept as designed): the existing customers and
accounts it changes stay row-locked (FOR NO KEY UPDATE) until the job commits. Notes, memos and letters on
them only key-share the customer and go through; a write that locks such a customer (a payment, an adjustment,
a refund or reversal, a contact or settings change: resolvers/billing/locks.py) waits lock_timeout and answers
BUSY_RETRY until the import ends. Customers it only adds are invisible to agents until then. So an import that
changes many existing customers belongs outside the floor's hours on PostgreSQL; making it commit by units,
resumable as on SQLite, is the way to lift that.

Every transaction goes through db/writes.py (bulk: its statements leave the event loop free), so on SQLite
each unit queues with the worker's other writes and holds the lock only for itself: writers that arrived
during a unit go before the next one. Units are paced (`Pace`) to hold the lock about UNIT_SECONDS, far
under the wait of the writers queued behind them (db/writes.py WAIT_SECONDS), however large the file or busy
the machine: the checks across rows too sweep the file a batch of customers at a time. A unit itself
waits up to UNIT_WAIT_SECONDS for the lock.
"""

import asyncio
import hashlib
import io
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.enums import ImportJobStatus
from db.models import CustomerImportJob, CustomerImportRow, RatePlan
from db.results import rows_changed
from db.writes import Writes
from resolvers import audit
from resolvers.accounts.ldc_rules import utilities_by_code
from resolvers.context import RequestScope
from resolvers.customers.errors import CustomerErrorCode
from resolvers.customers.imports import sql as import_sql
from resolvers.customers.imports.rows import (
    COLUMNS,
    ImportFileInvalid,
    Reference,
    Stager,
    header_positions,
    read_lines,
)
from resolvers.customers.imports.updates import Changes, write
from resolvers.customers.search.index import reindex_many
from resolvers.errors import Invalid, UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped

STAGE_LINES = 20_000  # at most, lines staged per statement (and per commit on SQLite)
BATCH_ROWS = 20_000  # at most, rows of whole customers checked or written per batch
FIRST_UNIT = 1_000  # SQLite: lines or rows of a phase's first unit, before its pace is known
UNIT_SECONDS = 0.5  # SQLite: how long a unit aims to hold the write lock (a tenth of the writers' wait)
MAX_KEY_LENGTH = 100
HASH_CHUNK = 1 << 20
UNIT_WAIT_SECONDS = 30.0  # a unit queues behind the agents' writes (and another worker's unit); not interactive

# progress(phase, done, total): phases "stage" (lines), "apply" (rows); the CLI draws them.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class CustomerFile:
    filename: str
    stream: BinaryIO  # seekable: read once for its digest, then streamed


@dataclass(frozen=True, slots=True)
class ImportRequest:
    file: CustomerFile
    dry_run: bool = False
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class ImportDone:
    job: CustomerImportJob
    replayed: bool  # an earlier request with the same key finished this job; nothing was done now
    resumed: bool  # an interrupted job (SQLite) was carried on


def _silent(phase: str, done: int, total: int) -> None:
    return None


async def import_customers(scope: RequestScope, writes: Writes, request: ImportRequest,
                           progress: Progress | None = None) -> ImportDone:
    """Run (or resume, or replay) the import; userErrors only for what stops the whole file."""
    ensure_allowed(scope, Action.IMPORT_CUSTOMERS)
    key = request.idempotency_key
    if key is not None and not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise Invalid(f"The idempotency key must be 1-{MAX_KEY_LENGTH} characters.", "idempotency_key")
    digest, lines = _digest(request)
    positions = _header(request.file.stream)
    async with _Units(scope, writes) as units:
        return await _Run(units, request, digest, positions, lines, progress or _silent).run()


def _digest(request: ImportRequest) -> tuple[str, int]:
    """The request's hash (the file's bytes and the dry-run flag) and the file's line count, for progress."""
    stream, digest, lines = request.file.stream, hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(HASH_CHUNK):
        digest.update(chunk)
        lines += chunk.count(b"\n")
    digest.update(b"\0dry" if request.dry_run else b"\0run")
    stream.seek(0)
    return digest.hexdigest(), lines


def _text(stream: BinaryIO) -> io.TextIOWrapper:
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", errors="strict")


def _header(stream: BinaryIO) -> tuple[int, ...]:
    text = _text(stream)
    try:
        for _line, values in read_lines(text):
            return header_positions(values)
        raise ImportFileInvalid(f"The file is empty; its first line names the columns: {', '.join(COLUMNS)}.")
    except ImportFileInvalid as error:
        raise UserInputError(CustomerErrorCode.IMPORT_FILE_INVALID, error.message, "file") from None
    finally:
        text.detach()


class _Units:
    """Transactions of the job: on PostgreSQL one for everything, on SQLite a new one for each unit of work."""

    def __init__(self, scope: RequestScope, writes: Writes):
        self.scope, self.writes = scope, writes
        self.whole = AsyncExitStack()
        self.session: AsyncSession | None = None
        self.last_seconds = 0.0  # how long the last unit held the database, commit included

    def pace(self, most: int) -> "Pace":
        return Pace(most, adapt=self.session is None)

    async def __aenter__(self) -> "_Units":
        if self.writes.is_postgresql():
            self.session = await self.whole.enter_async_context(self._transaction())
        return self

    async def __aexit__(self, kind: Any, error: Any, trace: Any) -> bool | None:
        return await self.whole.__aexit__(kind, error, trace)  # commits the single transaction, or rolls it back

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[RequestScope]:
        if self.session is not None:
            yield self.scope.with_session(self.session)
            return
        started = time.monotonic()
        async with self._transaction() as session:
            started = time.monotonic()  # the lock is held from here (SQLite begins IMMEDIATE)
            yield self.scope.with_session(session)
        self.last_seconds = time.monotonic() - started

    def _transaction(self) -> Any:
        return self.writes.transaction(bulk=True, wait_seconds=UNIT_WAIT_SECONDS)


@dataclass
class Pace:
    """How many lines or rows the next unit takes: on SQLite as many as the last unit's rate fits in UNIT_SECONDS
    (at most twice the last size, at least a quarter of it, never past `most`); in one transaction always `most`."""

    most: int
    adapt: bool
    size: int = 0

    def __post_init__(self) -> None:
        self.size = min(FIRST_UNIT, self.most) if self.adapt else self.most

    def took(self, done: int, seconds: float) -> None:
        if self.adapt and done > 0:
            fits = done * UNIT_SECONDS / max(seconds, 0.001)
            self.size = int(max(1, min(self.most, 2 * self.size, max(self.size // 4, fits))))


@dataclass
class _Run:
    units: _Units
    request: ImportRequest
    digest: str
    positions: tuple[int, ...]
    lines: int
    tick: Progress

    async def run(self) -> ImportDone:
        job, replayed, resumed = await self._claim()
        if replayed:
            return ImportDone(job, replayed=True, resumed=False)
        reference = await self._reference()
        if job.status is ImportJobStatus.STAGING:
            job = await self._stage(job, reference)
        if job.status is ImportJobStatus.APPLYING:
            job = await self._apply(job, reference)
        return ImportDone(job, replayed=False, resumed=resumed)

    async def _claim(self) -> tuple[CustomerImportJob, bool, bool]:
        """(job, replayed, resumed): this key's finished job, its interrupted one, or a new one."""
        key = self.request.idempotency_key
        async with self.units.unit() as scope:
            earlier = await _job_with_key(scope, key) if key is not None else None
            if earlier is None:
                job_id = await _insert_job(scope, self._job_values(scope))
                if job_id is not None:
                    return await _job(scope, job_id), False, False
                earlier = await _job_with_key(scope, key or "")  # a concurrent request took the key, and finished
            if earlier is None or earlier.request_hash != self.digest:
                raise UserInputError(CustomerErrorCode.IMPORT_IDEMPOTENCY_KEY_REUSED,
                                     "This idempotency key was used to import another file.", "idempotency_key")
            done = earlier.status is ImportJobStatus.DONE
            return earlier, done, not done

    def _job_values(self, scope: RequestScope) -> dict[str, Any]:
        return {"client_id": scope.tenant_id, "created_by": scope.viewer.user_id,
                "idempotency_key": self.request.idempotency_key, "request_hash": self.digest,
                "dry_run": self.request.dry_run, "source": f"upload: {self.request.file.filename or 'file'}"[:200],
                "status": ImportJobStatus.STAGING, "staged_through": 0, "created_at": utcnow()}

    async def _reference(self) -> Reference:
        async with self.units.unit() as scope:
            plans = tenant_scoped(select(RatePlan.code, RatePlan.id, RatePlan.market_id), RatePlan, scope)
            found = {code: (pk, market) for code, pk, market in (await scope.db.execute(plans)).all()}
            return Reference(await utilities_by_code(scope), found)

    async def _stage(self, job: CustomerImportJob, reference: Reference) -> CustomerImportJob:
        """Stream the file into staging rows, a chunk a commit on SQLite; then the checks across rows."""
        stager = Stager(job.id, reference, self.positions)
        done, text = job.staged_through, _text(self.request.file.stream)
        pace = self.units.pace(STAGE_LINES)
        total = max(self.lines - 1, 0)
        self.tick("stage", done, total)
        lines = read_lines(text)
        next(lines, None)  # the header, checked before the job began

        def take(size: int) -> list[tuple]:
            """The next `size` lines, read and checked (in a thread: a chunk is a second of CPU the event loop
            of a server worker must not wait for)."""
            chunk = []
            for line, values in lines:
                if line > job.staged_through:
                    chunk.append(stager.stage(line, values))
                    if len(chunk) >= size:
                        break
            return chunk

        try:
            while chunk := await asyncio.to_thread(take, pace.size):
                done = await self._stage_chunk(job, done, chunk)
                pace.took(len(chunk), self.units.last_seconds)
                self.tick("stage", min(done, total), total)
        except ImportFileInvalid as error:
            raise UserInputError(CustomerErrorCode.IMPORT_FILE_INVALID, error.message, "file") from None
        finally:
            text.detach()
        self.tick("stage", total, total)
        await self._check_across_rows(job)
        async with self.units.unit() as scope:
            await self._advance(scope, job.id, {"staged_through": done, "status": ImportJobStatus.STAGING},
                                status=ImportJobStatus.APPLYING)
            total_rows = (await scope.db.execute(select(CustomerImportRow.id).where(
                CustomerImportRow.job_id == job.id).with_only_columns(func.count()))).scalar_one()
            await scope.db.execute(
                update(CustomerImportJob).where(CustomerImportJob.id == job.id).values(total=total_rows)
            )
            return await _job(scope, job.id)

    async def _check_across_rows(self, job: CustomerImportJob) -> None:
        """Each check across rows, a batch of customers a unit (it runs again whole if the job is resumed: a row
        it refused is not looked at again, and none it left is refused the second time)."""
        async with self.units.unit() as scope:
            await import_sql.refresh_statistics(scope)
        for check in import_sql.ACROSS_ROWS:
            after, pace = None, self.units.pace(BATCH_ROWS)
            while True:
                async with self.units.unit() as scope:
                    batch = await import_sql.next_batch(scope, job.id, after, pace.size)
                    if batch is not None:
                        await check(scope, batch)
                if batch is None:
                    break
                pace.took(pace.size, self.units.last_seconds)
                after = batch.through

    async def _stage_chunk(self, job: CustomerImportJob, done: int, chunk: list[tuple]) -> int:
        if not chunk:
            return done
        last = chunk[-1][1]
        async with self.units.unit() as scope:
            await self._advance(scope, job.id, {"staged_through": done}, staged_through=last)
            await import_sql.stage(scope, chunk)
        return last

    async def _advance(self, scope: RequestScope, job_id: int, expected: dict[str, Any], **values: Any) -> None:
        """Move the job's progress on, if no one else has since we read it (two runners of one job cannot both)."""
        stmt = update(CustomerImportJob).where(CustomerImportJob.id == job_id, *[
            getattr(CustomerImportJob, k).is_(None) if v is None else getattr(CustomerImportJob, k) == v
            for k, v in expected.items()]).values(**values)
        if rows_changed(await scope.db.execute(stmt, execution_options={"synchronize_session": False})) != 1:
            raise UserInputError(CustomerErrorCode.IMPORT_ALREADY_RUNNING,
                                 "Another process is running this import job now.", "idempotency_key")

    async def _apply(self, job: CustomerImportJob, reference: Reference) -> CustomerImportJob:
        """Write whole customers a batch at a time, each batch committed with the job's progress on SQLite."""
        after, done, batches, pace = job.applied_through, 0, 0, self.units.pace(BATCH_ROWS)
        names = {u.id: u.code for u in reference.utilities.values()}
        names.update({plan_id: code for code, (plan_id, _market) in reference.plans.items()})
        columns = frozenset(c for c, p in zip(COLUMNS, self.positions, strict=False) if p >= 0)
        while True:
            async with self.units.unit() as scope:
                if batches & (batches - 1) == 0:  # before batches 1, 2, 3, 5, 9, ...: statistics within 2x of the rows
                    await import_sql.refresh_statistics(scope)
                batches += 1
                batch = await import_sql.next_batch(scope, job.id, after, pace.size)
                if batch is None:
                    break
                await self._advance(scope, job.id, {"applied_through": after}, applied_through=batch.through)
                written = await self._write_batch(scope, job, batch, columns, names)
                after = batch.through
            done += written
            pace.took(written, self.units.last_seconds)
            self.tick("apply", min(done, job.total), job.total)
        async with self.units.unit() as scope:
            return await self._finish(scope, job)

    async def _write_batch(self, scope: RequestScope, job: CustomerImportJob, batch: import_sql.Batch,
                           columns: frozenset[str], names: dict[int, str]) -> int:
        await import_sql.link_existing(scope, batch)
        changes = Changes(names)
        for row in await import_sql.changed_rows(scope, batch, columns):
            changes.add(row)
        await import_sql.mark(scope, changes.outcomes, changes.texts)
        await import_sql.mark_unchanged(scope, batch)
        customers_created = 0
        if not job.dry_run:
            reason = f"Imported (job {job.id}, {job.source})"
            gaining = await import_sql.customers_gaining_accounts(scope, batch)
            customers_created = await import_sql.write_new(scope, batch, job.id, scope.viewer.user_id, utcnow(), reason)
            moved = await write(scope, changes, reason)
            names_changed, addresses = changes.reindexed()
            await reindex_many(scope, names_changed, sorted({*addresses, *moved, *gaining}))
        counted = {"customers_created": CustomerImportJob.customers_created + customers_created,
                   "customers_updated": CustomerImportJob.customers_updated + len(changes.customers)}
        await scope.db.execute(update(CustomerImportJob).where(CustomerImportJob.id == job.id).values(**counted))
        return await _batch_rows(scope, batch)

    async def _finish(self, scope: RequestScope, job: CustomerImportJob) -> CustomerImportJob:
        counts = await import_sql.outcome_counts(scope, job.id)
        await scope.db.execute(update(CustomerImportJob).where(CustomerImportJob.id == job.id).values(
            status=ImportJobStatus.DONE, finished_at=utcnow(), **counts))
        job = await _job(scope, job.id)
        if not job.dry_run:
            await audit.record(
                scope,
                "customer.import",
                "CustomerImportJob",
                job.id,
                {
                    name: {"from": None, "to": getattr(job, name)}
                    for name in (
                        "total",
                        "created",
                        "updated",
                        "unchanged",
                        "refused",
                        "customers_created",
                        "customers_updated",
                    )
                },
            )
        return job


async def _batch_rows(scope: RequestScope, batch: import_sql.Batch) -> int:
    stmt = select(func.count()).select_from(CustomerImportRow).where(batch.of(CustomerImportRow))
    return (await scope.db.execute(stmt)).scalar_one()


async def _insert_job(scope: RequestScope, values: dict[str, Any]) -> int | None:
    """The new job's id; None when a concurrent request took the key first (it waited for that one on PostgreSQL)."""
    dialect_insert = postgresql.insert if scope.db.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(CustomerImportJob).values(**values)
    if values.get("idempotency_key") is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["client_id", "idempotency_key"])
    return (await scope.db.execute(stmt.returning(CustomerImportJob.id))).scalar_one_or_none()


async def _job(scope: RequestScope, job_id: int) -> CustomerImportJob:
    stmt = tenant_scoped(select(CustomerImportJob).where(CustomerImportJob.id == job_id), CustomerImportJob, scope)
    return (await scope.db.execute(stmt.execution_options(populate_existing=True))).scalar_one()


async def _job_with_key(scope: RequestScope, key: str) -> CustomerImportJob | None:
    stmt = tenant_scoped(
        select(CustomerImportJob).where(CustomerImportJob.idempotency_key == key), CustomerImportJob, scope
    )
    return (await scope.db.execute(stmt)).scalar_one_or_none()
