"""scrapy-redis's priority queue with leases: a request taken by a worker is not gone.

A plain scrapy-redis ``pop`` removes the request from Redis, so a worker killed while it
holds requests loses them.  Here a pop moves requests, in one Lua script, from the queue to
a ``leases`` sorted set scored by a deadline.  The worker completes a lease (``ZREM``) once
the request is handled, renews the leases it still holds while it works, and any worker
puts expired leases back into the queue with their priority, so a dead worker's requests
are fetched by the others.

Every operation the scheduler needs often is one script, so one round trip:
:meth:`LeasedPriorityQueue.push_pop` adds a batch of requests not seen yet (the duplicate
filter's ``SADD`` and the queue's ``ZADD`` together: a request is never marked seen without
being queued) and leases up to ``count`` requests; :meth:`LeasedPriorityQueue.maintain`
renews, completes and requeues leases.  (A pipeline of scripts would cost redis-py a
``SCRIPT EXISTS`` round trip on every execute.)

A lease member is ``b"<score> <encoded request>"``: the score keeps the request's queue
priority for the requeue.  Requests are encoded by scrapy-redis's serializer, unchanged.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

LEASE_META = "nc_lease"

# KEYS: queue, leases, seen.  ARGV: deadline, count, then (fingerprint, score, request)
# triples to push first; an empty fingerprint is not filtered (dont_filter).
# Returns {added flags of the pushes, leases taken}.
_PUSH_POP = """
local added = {}
for i = 3, #ARGV, 3 do
  if ARGV[i] == '' or redis.call('SADD', KEYS[3], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i + 2])
    added[#added + 1] = 1
  else
    added[#added + 1] = 0
  end
end
local leases = {}
local count = tonumber(ARGV[2])
if count > 0 then
  local found = redis.call('ZRANGE', KEYS[1], 0, count - 1, 'WITHSCORES')
  for i = 1, #found, 2 do
    local lease = found[i + 1] .. ' ' .. found[i]
    redis.call('ZADD', KEYS[2], ARGV[1], lease)
    leases[#leases + 1] = lease
  end
  if #leases > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #leases - 1) end
end
return {added, leases}
"""

# KEYS: queue, leases.  ARGV: now, deadline, requeue limit, number of leases to renew,
# the leases to renew (ZADD XX: a lease requeued meanwhile is not recreated), then the
# leases to complete.  Returns how many expired leases went back into the queue.
_MAINTAIN = """
local renew = tonumber(ARGV[4])
for i = 5, 4 + renew do
  redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[i])
end
for i = 5 + renew, #ARGV do
  redis.call('ZREM', KEYS[2], ARGV[i])
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, lease in ipairs(expired) do
  redis.call('ZREM', KEYS[2], lease)
  local space = string.find(lease, ' ', 1, true)
  redis.call('ZADD', KEYS[1], string.sub(lease, 1, space - 1), string.sub(lease, space + 1))
end
return #expired
"""

# KEYS: queue, leases.  ARGV: leases this worker gives back unstarted.
_RELEASE = """
local n = 0
for _, lease in ipairs(ARGV) do
  if redis.call('ZREM', KEYS[2], lease) == 1 then
    local space = string.find(lease, ' ', 1, true)
    redis.call('ZADD', KEYS[1], string.sub(lease, 1, space - 1), string.sub(lease, space + 1))
    n = n + 1
  end
end
return n
"""

# A push waiting for push_pop: (fingerprint or b"" when not filtered, score, encoded).
Push = tuple[bytes, float, bytes]


class LeasedPriorityQueue(PriorityQueue):
    """``scrapy_redis.queue.PriorityQueue`` whose pops lease instead of removing."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None,
                 leases_key: str = "", lease_seconds: float = 60.0,
                 seen_key: str = "") -> None:
        super().__init__(server, spider, key, serializer)
        self.leases_key = leases_key or f"{self.key}:leases"
        self.seen_key = seen_key or f"{self.key}:seen"
        self.lease_seconds = lease_seconds
        self._push_pop = server.register_script(_PUSH_POP)
        self._maintain = server.register_script(_MAINTAIN)
        self._release = server.register_script(_RELEASE)

    def encode(self, request: Request, fingerprint: bytes = b"") -> Push:
        """``request`` ready for :meth:`push_pop` (a retry/redirect copy of a leased request
        is queued without the old lease)."""
        request.meta.pop(LEASE_META, None)
        return fingerprint, -request.priority, self._encode_request(request)

    def decode(self, lease: bytes) -> Request:
        request = self._decode_request(lease.split(b" ", 1)[1])
        request.meta[LEASE_META] = lease
        return request

    def push(self, request: Request) -> None:
        request.meta.pop(LEASE_META, None)
        super().push(request)

    def push_pop(self, pushes: list[Push], count: int) -> tuple[list[bool], list[bytes]]:
        """Queue ``pushes`` whose fingerprint is not in the seen set (added to it), then
        lease up to ``count`` requests: whether each push was added, and the leases."""
        args: list[Any] = [time.time() + self.lease_seconds, count]
        for push in pushes:
            args += push
        added, leases = self._push_pop(keys=[self.key, self.leases_key, self.seen_key],
                                       args=args)
        return [bool(a) for a in added], leases

    def pop(self, timeout: int = 0) -> Request | None:
        _, leases = self.push_pop([], 1)
        return self.decode(leases[0]) if leases else None

    def maintain(self, renew: list[bytes], complete: list[bytes], limit: int = 1000) -> int:
        """Renew the leases this worker still holds, complete the handled ones and put any
        worker's expired leases back into the queue; how many were put back."""
        now = time.time()
        return int(self._maintain(keys=[self.key, self.leases_key],
                                  args=[now, now + self.lease_seconds, limit, len(renew),
                                        *renew, *complete]))

    def complete(self, leases: list[bytes]) -> int:
        return int(self.server.zrem(self.leases_key, *leases)) if leases else 0

    def renew(self, leases: list[bytes]) -> None:
        if leases:
            self.maintain(leases, [], limit=0)

    def requeue_expired(self, limit: int = 1000) -> int:
        """Put leases past their deadline back into the queue; how many."""
        return self.maintain([], [], limit)

    def release(self, leases: list[bytes]) -> int:
        """Put leases taken but never started back into the queue at once."""
        if not leases:
            return 0
        return int(self._release(keys=[self.key, self.leases_key], args=leases))

    def leased(self) -> int:
        return int(self.server.zcard(self.leases_key))

    def clear(self) -> None:
        self.server.delete(self.key, self.leases_key)
