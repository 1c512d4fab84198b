"""This worker's known documents by SHA-256: filled from the database on a miss, checked against the schema at start.

The database is the registry every worker and host shares (resolvers/persisted/registry.py); each worker keeps
the documents it has parsed and validated. A cached entry is confirmed against the database again after
RECHECK_SECONDS, so `csrgraph documents remove` takes effect within that time on every worker without a restart.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.writes import WriteBusy, Writes
from graph.logs import fields
from graph.persisted.known import DocumentChecker, DocumentRefused, KnownDocument
from resolvers.persisted import registry
from resolvers.persisted.registry import NewDocument

log = logging.getLogger("csrgraph.documents")
RECHECK_SECONDS = 60.0
MAX_CACHED = 4096  # documents kept parsed per worker; an SPA has tens


class RegistryRefused(RuntimeError):
    """Registered trusted documents that no longer validate against this schema: the server does not start."""


class KnownDocuments:
    def __init__(self, checker: DocumentChecker, sessionmaker: async_sessionmaker[AsyncSession], writes: Writes,
                 clock: Callable[[], float] = time.monotonic):
        self.checker, self.clock = checker, clock
        self.sessionmaker, self.writes = sessionmaker, writes  # APQ registrations queue with the worker's other writes
        self._entries: dict[str, tuple[KnownDocument, float]] = {}  # sha256 -> (document, confirm after)

    @classmethod
    async def started(cls, checker: DocumentChecker, sessionmaker: async_sessionmaker[AsyncSession], writes: Writes,
                      clock: Callable[[], float] = time.monotonic) -> "KnownDocuments":
        """A worker's registry with every trusted document checked and parsed; logs and raises RegistryRefused."""
        documents = cls(checker, sessionmaker, writes, clock)
        try:
            count = await documents.check_registered()
        except RegistryRefused as refused:
            log.error(str(refused))
            raise
        log.info("registered documents checked", extra=fields(documents=count))
        return documents

    async def find(self, sha256: str, *, trusted_only: bool) -> KnownDocument | None:
        """The registered document with this hash (only an operator's when `trusted_only`), or None."""
        entry = self._entries.get(sha256)
        document = entry[0] if entry is not None and self.clock() < entry[1] else await self._load(sha256)
        if document is None or (trusted_only and not document.trusted):
            return None
        return document

    def held(self, sha256: str, *, trusted_only: bool) -> KnownDocument | None:
        """What `find` answers when this worker holds the document, unexpired (nearly every request), without a
        coroutine; None otherwise (then ask `find`)."""
        entry = self._entries.get(sha256)
        if entry is None or self.clock() >= entry[1] or (trusted_only and not entry[0].trusted):
            return None
        return entry[0]

    async def register(self, text: str, sha256: str) -> KnownDocument:
        """Check and store a client's document (apq mode); raises DocumentRefused, storing nothing.

        A database too busy to store it within the write wait (db/writes.py) does not fail the request: the
        document runs this once unregistered, and the client's next request with its text registers it."""
        document = self.checker.prepare(text, trusted=False, sha256=sha256)
        new = NewDocument(sha256, text, document.name, "apq")
        try:
            await self.writes.run(lambda session: registry.add_untrusted(session, new))
        except WriteBusy:
            log.warning("document not registered: the database stayed busy", extra=fields(document=f"sha256:{sha256}"))
            return document
        self._put(document, ttl=0.0)  # confirmed (trusted or not) from the database on the next find
        return document

    async def check_registered(self) -> int:
        """Validate every trusted document against this schema and keep them parsed; how many.

        Raises RegistryRefused naming each one that no longer validates (a field it selects was removed...).
        """
        async with self.sessionmaker() as session:
            rows = await registry.stored_trusted(session)
        refused = []
        for row in rows:
            try:
                self._put(self.checker.prepare(row.body, trusted=True, sha256=row.sha256))
            except DocumentRefused as error:
                refused.append(f"  {row.name or 'anonymous operation'} (sha256:{row.sha256}): {error}")
        if refused:
            raise RegistryRefused(
                f"{len(refused)} registered document(s) no longer validate against this schema; remove them "
                f"(csrgraph documents remove ID) or register their new versions, then start again:\n"
                + "\n".join(refused)
            )
        return len(rows)

    async def _load(self, sha256: str) -> KnownDocument | None:
        async with self.sessionmaker() as session:
            row = await registry.stored(session, sha256)
        if row is None:
            self._entries.pop(sha256, None)
            return None
        entry = self._entries.get(sha256)
        if entry is not None:  # the same text (the same hash): only whether it is trusted can have changed
            document = entry[0] if entry[0].trusted == row.trusted else replace(entry[0], trusted=row.trusted)
        else:
            try:
                document = self.checker.prepare(row.body, trusted=row.trusted, sha256=sha256)
            except DocumentRefused as error:
                log.warning("registered document does not validate", extra=fields(document=f"sha256:{sha256}",
                                                                                   error=str(error)))
                return None
        self._put(document)
        return document

    def _put(self, document: KnownDocument, ttl: float = RECHECK_SECONDS) -> None:
        if document.sha256 not in self._entries and len(self._entries) >= MAX_CACHED:
            self._entries.pop(next(iter(self._entries)))
        self._entries[document.sha256] = (document, self.clock() + ttl)
