"""In-process fan-out for subscriptions: committed events to the open websockets of one worker.

The event feed (graph/event_feed.py) publishes each event of the log once, in id order; every subscriber
of its topic gets it in a mailbox of its own. A mailbox is bounded: a subscriber that falls behind by
MAILBOX_SIZE events loses the ones it has not taken, keeps the newest, and is told so (`skipped`), so
that its client refetches instead of the server holding an unbounded backlog for a slow socket.
"""

import asyncio
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from typing import Any

MAILBOX_SIZE = 100


class Mailbox:
    """One subscriber's bounded queue of events."""

    def __init__(self, size: int):
        self.size, self._events, self._skipped, self._ready = size, deque[Any](), False, asyncio.Event()

    def put(self, event: Any) -> None:
        if len(self._events) >= self.size:
            self._events.clear()  # the subscriber is told to refetch; it resumes from the newest event
            self._skipped = True
        self._events.append(event)
        self._ready.set()

    async def get(self) -> tuple[Any, bool]:
        """The next event, and whether events before it were dropped since the last one taken."""
        while not self._events:
            self._ready.clear()
            await self._ready.wait()
        skipped, self._skipped = self._skipped, False
        return self._events.popleft(), skipped


class Broker:
    def __init__(self) -> None:
        self._mailboxes: dict[Hashable, set[Mailbox]] = defaultdict(set)

    def publish(self, topic: Hashable, event: Any) -> None:
        for mailbox in self._mailboxes.get(topic, ()):
            mailbox.put(event)

    @asynccontextmanager
    async def subscribe(self, topic: Hashable) -> AsyncIterator[Mailbox]:
        mailbox = Mailbox(MAILBOX_SIZE)
        self._mailboxes[topic].add(mailbox)
        try:
            yield mailbox
        finally:
            self._mailboxes[topic].discard(mailbox)
            if not self._mailboxes[topic]:
                del self._mailboxes[topic]

    def subscribers(self, topic: Hashable) -> int:
        return len(self._mailboxes.get(topic, ()))
