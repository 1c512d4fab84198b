"""In-process publish/subscribe for subscriptions: committed domain events to open websockets.

One broker lives in each server process (lifespan state). With several workers, a subscriber
sees the events of mutations its own worker ran; a PostgreSQL LISTEN/NOTIFY relay can feed
`publish` from other workers without changing subscribers.
"""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from typing import Any

QUEUE_SIZE = 256  # a subscriber this far behind is dropped rather than slowing publishers


class Broker:
    def __init__(self) -> None:
        self._queues: dict[Hashable, set[asyncio.Queue[Any]]] = defaultdict(set)

    def publish(self, topic: Hashable, event: Any) -> None:
        for queue in list(self._queues.get(topic, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self._queues[topic].discard(queue)

    @asynccontextmanager
    async def subscribe(self, topic: Hashable) -> AsyncIterator[asyncio.Queue[Any]]:
        queue: asyncio.Queue[Any] = asyncio.Queue(QUEUE_SIZE)
        self._queues[topic].add(queue)
        try:
            yield queue
        finally:
            self._queues[topic].discard(queue)
            if not self._queues[topic]:
                del self._queues[topic]

    def subscribers(self, topic: Hashable) -> int:
        return len(self._queues.get(topic, ()))
