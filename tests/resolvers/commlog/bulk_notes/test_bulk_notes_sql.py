"""The bulk note resolver on a session: set-based SQL, all or nothing, idempotency under concurrency."""

import asyncio
from datetime import date
from unittest.mock import ANY

import pytest
from sqlalchemy import func, select

from db.engine import make_write_sessionmaker
from db.enums import AccountNumberType, BulkNoteOutcome
from db.enums import EnrollmentStatus as S
from db.models import BulkNoteJob, BulkNoteResult, CommLogEntry, DomainEvent
from resolvers.accounts.batches import primary_accounts
from resolvers.commlog.bulk_notes import commands as bulk_notes
from resolvers.commlog.bulk_notes import resolve as bulk_resolve
from resolvers.commlog.bulk_notes.commands import AccountFile, BulkNote, BulkNoteRequest
from resolvers.context import RequestScope, Viewer
from resolvers.errors import UserInputError
from resolvers.rules.account_lists import Entry
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer


def scope_of(user, session=None) -> RequestScope:
    viewer = Viewer(user_id=user.id, tenant_id=user.client_id, role=user.role, email=user.email)
    return RequestScope(viewer=viewer, request_id="test", session=session)


def request(numbers: list[str], **options) -> BulkNoteRequest:
    return BulkNoteRequest(note=BulkNote(body="Excluded from dunning."), accounts=" ".join(numbers), **options)


async def run(database, user, req: BulkNoteRequest, progress=None) -> bulk_notes.BulkNoteDone:
    async with make_write_sessionmaker(database.engine)() as session, session.begin():
        return await bulk_notes.bulk_add_note(scope_of(user, session), req, progress)


async def count(session, model, *where) -> int:
    return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


class TestStaged:
    def test_invalid_then_duplicates_then_to_resolve(self):
        entries = [Entry(1, "A1", "A1"), Entry(2, "b#", "b#"), Entry(4, "A1", "A1"), Entry(5, "", ""),
                   Entry(6, "C3", "C3"), Entry(7, "b#", "b#"), Entry(9, "x" * 120, "x" * 120)]
        pending, known = bulk_notes.staged(entries)
        assert pending == {1: "A1", 6: "C3"}
        assert known == {
            2: ("b#", "INVALID", "The number contains '#'."), 4: ("A1", "DUPLICATE", "Already listed at line 1."),
            5: ("", "INVALID", "The number is empty."), 7: ("b#", "INVALID", "The number contains '#'."),
            9: ("x" * 100, "INVALID", "The number is longer than 40 characters."),
        }


class TestBulkResolver:
    async def test_notes_carry_the_job_and_results_follow_the_list(self, database, session, tenant):
        # given
        customers = [await make_customer(session, tenant, f"Sql {n}") for n in range(3)]
        await session.commit()
        numbers = [c.number for c in customers]
        # when
        done = await run(database, tenant.lead, request([numbers[2], "nope", numbers[0], numbers[1]]))
        # then every ADDED result has one entry of the job, authored by the lead, timed with the job
        job = done.job
        entries = (
            (await session.execute(select(CommLogEntry).where(CommLogEntry.bulk_job_id == job.id))).scalars().all()
        )
        assert sorted(e.customer_id for e in entries) == sorted(c.id for c in customers)
        assert {(e.author_id, e.client_id, e.created_at, e.utility_account_id) for e in entries} == {
            (tenant.lead.id, tenant.client.id, job.created_at, None)}
        results = (await session.execute(select(BulkNoteResult).where(BulkNoteResult.job_id == job.id)
                                         .order_by(BulkNoteResult.id))).scalars().all()
        assert [r.line for r in results] == [1, 2, 3, 4]
        assert [r.outcome for r in results] == [BulkNoteOutcome.ADDED, BulkNoteOutcome.NOT_FOUND,
                                                BulkNoteOutcome.ADDED, BulkNoteOutcome.ADDED]

    async def test_the_status_checked_is_the_primary_accounts(self, database, session, tenant):
        # given customers whose accounts tie-break on status rank, then newest start, then id
        layouts = [
            [(S.INACTIVE, date(2025, 1, 1)), (S.PENDING_DROP, date(2020, 1, 1))],
            [(S.DROPPED, date(2021, 1, 1)), (S.DROPPED, date(2024, 1, 1)), (S.DROP_ACCEPTED, None)],
            [(S.ACTIVE, None), (S.ACTIVE, date(2023, 5, 1)), (S.PENDING, date(2026, 1, 1))],
            [(S.PENDING, None), (S.PENDING, None)],
        ]
        customers = []
        for n, layout in enumerate(layouts):
            customers.append(await make_customer(session, tenant, f"Primary {n}"))
            for status, start in layout:
                await make_account(session, customers[-1], status=status, start=start)
        await session.commit()
        # when
        done = await run(database, tenant.lead, request([c.number for c in customers], dry_run=True))
        # then SQL picked the same account the results grid shows
        async with database.sessionmaker() as s:
            expected = await primary_accounts(scope_of(tenant.lead, s), [c.id for c in customers])
            got = (await s.execute(select(BulkNoteResult.utility_account_id, BulkNoteResult.status)
                                   .where(BulkNoteResult.job_id == done.job.id).order_by(BulkNoteResult.id))).all()
        assert [tuple(g) for g in got] == [(a.id, a.status) for a in expected]

    async def test_a_failure_part_way_leaves_nothing_behind(self, database, session, tenant, monkeypatch):
        # given a job that fails after its notes were inserted
        customer = await make_customer(session, tenant, "Rollback Me")
        await session.commit()

        async def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(bulk_resolve, "finish_job", broken)
        # when
        with pytest.raises(RuntimeError):
            await run(database, tenant.lead, request([customer.number]))
        # then no note, no job, no result remains
        assert await count(session, CommLogEntry, CommLogEntry.customer_id == customer.id) == 0
        assert await count(session, BulkNoteJob, BulkNoteJob.client_id == tenant.client.id) == 0

    async def test_user_errors_raise_before_anything_is_written(self, database, session, tenant):
        bad = BulkNoteRequest(note=BulkNote(body="x"), file=AccountFile("a.csv", b'1\n"2\n'))
        with pytest.raises(UserInputError) as raised:
            await run(database, tenant.lead, bad)
        assert (raised.value.code, raised.value.field) == ("MALFORMED_ACCOUNT_LIST", ("file",))
        assert await count(session, BulkNoteJob, BulkNoteJob.client_id == tenant.client.id) == 0

    async def test_progress_reports_each_phase_and_each_note_is_an_event_of_its_customer(self, database, session,
                                                                                         tenant):
        customers = [await make_customer(session, tenant, f"Progress {n}") for n in range(2)]
        await session.commit()
        seen: list[tuple[str, int, int]] = []
        async with make_write_sessionmaker(database.engine)() as s, s.begin():
            await bulk_notes.bulk_add_note(scope_of(tenant.lead, s), request([customers[0].number, "x1"]),
                                           lambda *p: seen.append(p))
        entries = select(CommLogEntry.customer_id, CommLogEntry.id).where(CommLogEntry.client_id == tenant.client.id,
                                                                          CommLogEntry.bulk_job_id.is_not(None))
        logged = select(DomainEvent.customer_id, DomainEvent.entry_id).where(DomainEvent.client_id == tenant.client.id)
        assert [tuple(r) for r in (await session.execute(logged)).all()] == \
            [tuple(r) for r in (await session.execute(entries)).all()] == [(customers[0].id, ANY)]
        assert seen == [("parse", 0, 0), ("parse", 2, 2), ("resolve", 0, 2), ("resolve", 2, 2),
                        ("insert", 0, 1), ("insert", 1, 1)]

    async def test_statements_are_the_same_for_10_and_1000_entries(self, database, session, tenant, count_sql):
        customers = [await make_customer(session, tenant, f"Many {n}") for n in range(10)]
        await session.commit()
        few = [c.number for c in customers]
        many = few + [f"N{n}" for n in range(990)]
        counted = []
        for numbers in (few, many):
            with count_sql() as counter:
                await run(database, tenant.lead, request(numbers, only_statuses=(S.ACTIVE,)))
            counted.append(counter.count)
        assert counted[0] == counted[1], counted

    async def test_ldc_entries_point_at_the_listed_account(self, database, session, tenant):
        customer = await make_customer(session, tenant, "Ldc Owner")
        first = await make_account(session, customer, status=S.ACTIVE)
        second = await make_account(session, customer, status=S.DROP_ACCEPTED)
        await session.commit()
        done = await run(database, tenant.lead, request([second.ldc_account_number, first.ldc_account_number],
                                                        number_type=AccountNumberType.LDC_ACCOUNT_NUMBER))
        entries = (await session.execute(select(CommLogEntry.utility_account_id)
                                         .where(CommLogEntry.bulk_job_id == done.job.id)
                                         .order_by(CommLogEntry.id))).scalars().all()
        assert entries == [second.id, first.id]
        assert (done.job.added, done.job.found_drop_accepted) == (2, 1)


class TestConcurrentReplay:
    async def test_two_requests_with_one_key_make_one_job(self, database, session, tenant):
        # given
        customers = [await make_customer(session, tenant, f"Race {n}") for n in range(20)]
        await session.commit()
        req = request([c.number for c in customers], idempotency_key="race-1")
        # when the same request arrives twice at once
        done = await asyncio.gather(run(database, tenant.lead, req), run(database, tenant.lead, req))
        # then one made the job, the other replayed it, and each customer has one note
        assert sorted(d.replayed for d in done) == [False, True]
        assert done[0].job.id == done[1].job.id
        assert await count(session, CommLogEntry, CommLogEntry.bulk_job_id == done[0].job.id) == 20


class TestCli:
    """`csrgraph bulk-note` runs the same resolver; here through its argparse entry, in a worker thread."""

    async def test_bulk_note_command_adds_the_notes(self, database, session, tenant, tmp_path, monkeypatch, capsys):
        # given a CSV of an ACTIVE and an INACTIVE customer
        active, inactive = (
            await make_customer(session, tenant, "Cli Active"),
            await make_customer(session, tenant, "Cli Gone"),
        )
        await make_account(session, active, status=S.ACTIVE)
        await make_account(session, inactive, status=S.INACTIVE)
        await session.commit()
        listed = tmp_path / "accounts.csv"
        listed.write_text(f"Customer Number\n{active.number}\n{inactive.number}\n")
        monkeypatch.setenv("DATABASE_URL", database.url)
        monkeypatch.setenv("CSRGRAPH_SECRET", "cli-secret-0123456789-0123456789")
        # when a team lead runs the command, ACTIVE only
        code = await cli(["bulk-note", str(listed), "--client", tenant.client.slug, "--as", tenant.lead.email,
                          "--body", "Autopay turned off.", "--subject", "Autopay", "--only-status", "ACTIVE"])
        # then only the ACTIVE customer got the note, from an upload of that file
        assert code == 0
        job = (await session.execute(select(BulkNoteJob).where(BulkNoteJob.client_id == tenant.client.id))).scalar_one()
        assert (job.source, job.added, job.skipped_status, job.found_inactive) == ("upload: accounts.csv", 1, 1, 1)
        assert job.note["subject"] == "Autopay"
        assert job.only_statuses == ["ACTIVE"]
        assert await count(session, CommLogEntry, CommLogEntry.bulk_job_id == job.id) == 1
        assert f"/files/bulk-note-jobs/{job.id}.csv" in capsys.readouterr().out

    async def test_agents_and_strangers_are_refused(
        self, database, tenant, other_tenant, tmp_path, monkeypatch, capsys
    ):
        listed = tmp_path / "a.csv"
        listed.write_text("100000001\n")
        monkeypatch.setenv("DATABASE_URL", database.url)
        monkeypatch.setenv("CSRGRAPH_SECRET", "cli-secret-0123456789-0123456789")
        base = ["bulk-note", str(listed), "--body", "x", "--client", tenant.client.slug]
        assert await cli([*base, "--as", tenant.agent.email]) == 1
        assert "BULK_ADD_NOTE needs the TEAM_LEAD role" in capsys.readouterr().err
        assert await cli([*base, "--as", other_tenant.lead.email]) == 1
        assert await cli([*base[:1], str(tmp_path / "missing.csv"), *base[2:], "--as", tenant.lead.email]) == 1

    @pytest.mark.parametrize("option, value, said", [
        ("--body", "é" * 10_001, "body: At most 10,000 characters (10,001 given)."),
        ("--subject", "s" * 201, "subject: At most 200 characters (201 given)."),
        ("--category", "c" * 61, "category: At most 60 characters (61 given)."),
        ("--body", "beep\x07", "body: Contains the control character U+0007"),
    ])
    async def test_the_command_holds_note_text_to_the_limits_the_api_states(self, database, session, tenant, tmp_path,
                                                                            monkeypatch, capsys, option, value, said):
        customer = await make_customer(session, tenant, "Cli Limit")
        await session.commit()
        listed = tmp_path / "a.csv"
        listed.write_text(f"{customer.number}\n")
        monkeypatch.setenv("DATABASE_URL", database.url)
        monkeypatch.setenv("CSRGRAPH_SECRET", "cli-secret-0123456789-0123456789")
        args = {"--body": "Autopay turned off.", option: value}
        code = await cli(["bulk-note", str(listed), "--client", tenant.client.slug, "--as", tenant.lead.email,
                          *[part for pair in args.items() for part in pair]])
        assert code == 1
        assert said in capsys.readouterr().err
        assert await count(session, CommLogEntry, CommLogEntry.customer_id == customer.id) == 0


async def cli(argv: list[str]) -> int:
    import argparse

    from graph.commlog.bulk_notes.cli import add_parser

    parser = argparse.ArgumentParser(prog="csrgraph")
    add_parser(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return await asyncio.to_thread(args.run, args)
