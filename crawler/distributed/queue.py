"""scrapy-redis's priority queue with leases: a request taken by a worker is not gone.

A plain scrapy-redis ``pop`` removes the request from Redis, so a worker killed while it
holds requests loses them.  Here ``pop`` moves the request, in one Lua script, from the
queue to a ``leases`` sorted set scored by a deadline.  The worker completes the lease
(``ZREM``) once the request is handled, renews the leases it still holds while it works,
and any worker puts expired leases back into the queue with their priority
(``requeue_expired``), so a dead worker's requests are fetched by the others.

A lease member is ``b"<score> <encoded request>"``: the score keeps the request's queue
priority for the requeue.  Requests are encoded by scrapy-redis's serializer, unchanged.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

LEASE_META = "nc_lease"

_POP = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
local lease = found[2] .. ' ' .. found[1]
redis.call('ZADD', KEYS[2], ARGV[1], lease)
return lease
"""

_REQUEUE = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, lease in ipairs(expired) do
  redis.call('ZREM', KEYS[2], lease)
  local space = string.find(lease, ' ', 1, true)
  redis.call('ZADD', KEYS[1], string.sub(lease, 1, space - 1), string.sub(lease, space + 1))
end
return #expired
"""


class LeasedPriorityQueue(PriorityQueue):
    """``scrapy_redis.queue.PriorityQueue`` whose ``pop`` leases instead of removing."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None,
                 leases_key: str = "", lease_seconds: float = 60.0) -> None:
        super().__init__(server, spider, key, serializer)
        self.leases_key = leases_key or f"{self.key}:leases"
        self.lease_seconds = lease_seconds
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)

    def push(self, request: Request) -> None:
        request.meta.pop(LEASE_META, None)  # a retry/redirect copy of a leased request
        super().push(request)

    def pop(self, timeout: int = 0) -> Request | None:
        lease = self._pop(keys=[self.key, self.leases_key],
                          args=[time.time() + self.lease_seconds])
        if not lease:
            return None
        data = lease.split(b" ", 1)[1]
        request = self._decode_request(data)
        request.meta[LEASE_META] = lease
        return request

    def complete(self, leases: list[bytes]) -> int:
        return int(self.server.zrem(self.leases_key, *leases)) if leases else 0

    def renew(self, leases: list[bytes]) -> None:
        """Move the deadline of leases this worker still holds (``XX``: a lease that was
        meanwhile requeued, because this worker stalled, is not recreated)."""
        if leases:
            deadline = time.time() + self.lease_seconds
            self.server.zadd(self.leases_key, dict.fromkeys(leases, deadline), xx=True)

    def requeue_expired(self, limit: int = 1000) -> int:
        """Put leases past their deadline back into the queue; how many."""
        return int(self._requeue(keys=[self.key, self.leases_key], args=[time.time(), limit]))

    def leased(self) -> int:
        return int(self.server.zcard(self.leases_key))

    def clear(self) -> None:
        self.server.delete(self.key, self.leases_key)
