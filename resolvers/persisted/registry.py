"""The registry of persisted documents in the database: add, list, remove, look up by SHA-256.

Operators add trusted documents (`csrgraph documents add`); in apq mode a client's document sent with its hash
is added untrusted. Adding is idempotent and safe under concurrency (INSERT ... ON CONFLICT DO NOTHING), so
several workers registering the same document at once store one row.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.inserts import insert_rows
from db.models import PersistedDocument


@dataclass(frozen=True, slots=True)
class NewDocument:
    sha256: str
    body: str
    name: str | None
    source: str  # relay, apollo, graphql or apq


@dataclass(frozen=True, slots=True)
class Added:
    added: list[str]  # sha256 of the documents stored now
    trusted_now: list[str]  # already stored by APQ, now trusted
    already: list[str]  # already registered as trusted


async def stored(session: AsyncSession, sha256: str) -> PersistedDocument | None:
    return await session.get(PersistedDocument, sha256)


async def stored_trusted(session: AsyncSession) -> Sequence[PersistedDocument]:
    """Every document an operator registered, oldest first (checked against the schema at start)."""
    stmt = select(PersistedDocument).where(PersistedDocument.trusted).order_by(PersistedDocument.created_at,
                                                                               PersistedDocument.sha256)
    return (await session.execute(stmt)).scalars().all()


async def listed(session: AsyncSession, *, include_apq: bool = False) -> Sequence[PersistedDocument]:
    """Registered documents by name then hash; those clients registered by APQ only when asked."""
    stmt = select(PersistedDocument).order_by(PersistedDocument.name, PersistedDocument.sha256)
    if not include_apq:
        stmt = stmt.where(PersistedDocument.trusted)
    return (await session.execute(stmt)).scalars().all()


async def add_trusted(session: AsyncSession, documents: Sequence[NewDocument]) -> Added:
    """Store each document as trusted (an APQ one already stored becomes trusted); in the caller's transaction."""
    unique = list({d.sha256: d for d in documents}.values())
    found = {row.sha256: row.trusted for row in (await session.execute(
        select(PersistedDocument).where(PersistedDocument.sha256.in_([d.sha256 for d in unique])))).scalars()}
    new = [d for d in unique if d.sha256 not in found]
    await insert_rows(session, PersistedDocument, [
        {"sha256": d.sha256, "body": d.body, "name": d.name, "source": d.source, "trusted": True} for d in new])
    promoted = [d for d in unique if found.get(d.sha256) is False]
    for document in promoted:
        await session.execute(update(PersistedDocument).where(PersistedDocument.sha256 == document.sha256)
                              .values(trusted=True, source=document.source))
    return Added([d.sha256 for d in new], [d.sha256 for d in promoted],
                 [d.sha256 for d in unique if found.get(d.sha256) is True])


async def add_untrusted(session: AsyncSession, document: NewDocument) -> None:
    """Store a client's document (apq mode) unless it is stored already; never changes an existing row."""
    dialect_insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    await session.execute(dialect_insert(PersistedDocument).on_conflict_do_nothing(index_elements=["sha256"]).values(
        sha256=document.sha256, body=document.body, name=document.name, source=document.source, trusted=False))


async def remove(session: AsyncSession, sha256s: Sequence[str]) -> list[str]:
    """Delete the documents; the hashes that were there."""
    result = await session.execute(delete(PersistedDocument).where(PersistedDocument.sha256.in_(list(sha256s)))
                                   .returning(PersistedDocument.sha256))
    return sorted(result.scalars())
