"""The leases one worker holds, from the scheduler's pop until they may be completed.

A lease is completed only once the article its request produced is stored (or its
failure recorded), so that a worker killed in between leaves it to expire and be fetched
again.  The writer is not made to write for that: when the engine is done with requests,
their leases wait behind a :class:`crawler.storage.writer.Mark` put in the writer's queue,
and are ready once the writer reached it in its normal batches.  The writer writes in queue
order, and the item pipelines hand a request's article to it before the engine lets go of
the request, so everything the request produced is ahead of the mark.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request


class Leases:
    def __init__(self) -> None:
        self.held: dict[Request, bytes] = {}  # requests the engine works on
        self.unmarked: list[bytes] = []  # handled, no writer mark yet
        self.waiting: list[tuple[Any, list[bytes]]] = []  # handled, behind a writer mark

    def hold(self, request: Request, lease: bytes) -> None:
        self.held[request] = lease

    def handled(self, inprogress: set[Request]) -> None:
        """The requests the engine no longer holds are handled."""
        for request in [r for r in self.held if r not in inprogress]:
            self.unmarked.append(self.held.pop(request))

    def ready(self, writer: Any) -> list[bytes]:
        """Mark the handled leases in ``writer``'s queue and take those it has stored
        (all of them without a writer).  A full writer queue is marked at a later call."""
        if writer is None:
            self.waiting = [(None, [lease for _, group in self.waiting for lease in group]
                             + self.unmarked)]
            self.unmarked = []
        elif self.unmarked:
            mark = writer.mark()
            if mark is not None:
                self.waiting.append((mark, self.unmarked))
                self.unmarked = []
        ready: list[bytes] = []
        while self.waiting and (writer is None or writer.reached(self.waiting[0][0])):
            ready += self.waiting.pop(0)[1]
        return ready

    def renewable(self) -> list[bytes]:
        """Every lease not completed yet: held, and handled but waiting for the writer (a
        slow database must not let them expire and be fetched again)."""
        return [*self.held.values(), *self.unmarked,
                *(lease for _, group in self.waiting for lease in group)]

    @property
    def pending(self) -> bool:
        """Handled leases not completed yet."""
        return bool(self.unmarked or self.waiting)

    def take_all(self) -> list[bytes]:
        """Every lease still held or handled (at close), forgetting them."""
        leases = self.renewable()
        self.held.clear()
        self.unmarked, self.waiting = [], []
        return leases
