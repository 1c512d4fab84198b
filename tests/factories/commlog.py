"""Builders for communication-log entries and memos."""

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import CommLogKind
from db.models import CommLogEntry, CommLogMemo, Customer, User


async def make_entry(session: AsyncSession, customer: Customer, author: User | None = None, *,
                     kind: CommLogKind = CommLogKind.NOTE, subject: str = "Called", critical: bool = False,
                     memos: int = 0) -> CommLogEntry:
    entry = CommLogEntry(client_id=customer.client_id, customer_id=customer.id, kind=kind, subject=subject,
                         body="Explained the bill.", critical=critical, author_id=author.id if author else None)
    session.add(entry)
    await session.flush()
    for n in range(memos):
        session.add(CommLogMemo(client_id=customer.client_id, entry_id=entry.id, text=f"Memo {n}",
                                author_id=author.id if author else None))
    await session.flush()
    return entry
