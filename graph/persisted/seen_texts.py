"""Text documents this worker has seen before, by SHA-256: the second sight on, they run as known documents.

A document sent as text (an ad-hoc query of a reporting tool, an explorer, a client without registered documents)
goes Strawberry's whole way the first time: parse, validation, the limits, its extensions. Seen again, it is
prepared once as a registered document is (graph/persisted/known.py: the same parser token limit, rules, depth and
alias limits, text rule and compiled plans), and from then on takes the known-document path
(graph/persisted/fast_path.py). A text that does not pass is remembered as refused and keeps the normal way, so
its errors stay the normal path's bytes. Seen is not registered: trusted mode still refuses unregistered text
before this is asked (graph/persisted/requests.py).

First sight costs a hash and a dictionary entry and nothing more: a query sent once is never prepared twice.
Bounded per worker: the least recently used of MAX_SEEN entries (seen, prepared or refused) goes first.
"""

from collections import OrderedDict
from typing import Final

from graph.persisted.known import DocumentChecker, DocumentRefused, KnownDocument

MAX_SEEN = 1024  # as many as Strawberry's parser and validation caches keep (graph/schema.py CACHE_SIZE)


class _Mark:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


SEEN: Final = _Mark("SEEN")  # seen once, not prepared yet
REFUSED: Final = _Mark("REFUSED")  # prepared and refused: the normal way answers it, every time


class SeenTexts:
    def __init__(self, checker: DocumentChecker, size: int = MAX_SEEN):
        self.checker, self.size = checker, size
        self._entries: OrderedDict[str, KnownDocument | _Mark] = OrderedDict()

    def known(self, text: str, sha256: str) -> KnownDocument | None:
        """The document of `text` (whose SHA-256 is `sha256`) when it was seen before and passes every check;
        None: run it the normal way (first sight, or refused)."""
        entry = self._entries.get(sha256)
        if entry is None:
            self._put(sha256, SEEN)
            return None
        if entry is SEEN:
            entry = self._prepared(text, sha256)
            self._entries[sha256] = entry
        self._entries.move_to_end(sha256)
        return entry if isinstance(entry, KnownDocument) else None

    def _prepared(self, text: str, sha256: str) -> KnownDocument | _Mark:
        try:
            return self.checker.prepare(text, trusted=False, sha256=sha256)
        except DocumentRefused:
            return REFUSED

    def _put(self, sha256: str, entry: KnownDocument | _Mark) -> None:
        if len(self._entries) >= self.size:
            self._entries.popitem(last=False)
        self._entries[sha256] = entry

    def __len__(self) -> int:
        return len(self._entries)
