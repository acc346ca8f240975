"""One distributed run in Redis: which run a worker joins, its keys, seeding, liveness.

A run is named by what it crawls (the sites, base URLs and discovery modes): every
``newscrawl crawl ... --redis URL`` with the same arguments joins the run that its
``current`` key points to, or starts one (``SET NX``).  A run whose workers all stopped
ticking (dead, or the run ended) is not joined: the next worker starts a new run, which
seeds again; articles stored by the old one are known and not fetched again.

Keys, all under ``NEWSCRAWL_REDIS_PREFIX`` and all expiring (``NEWSCRAWL_REDIS_KEY_TTL``,
renewed while workers tick), so nothing of a run outlives it for long:

* ``{prefix}:current:{name}`` -> run id (deleted when the run ends);
* ``{prefix}:run:{id}:workers`` zset: worker id -> last tick (liveness);
* per site ``{prefix}:run:{id}:{site}:requests`` (the scrapy-redis priority queue),
  ``:leases`` (requests taken by workers, scored by their deadline), ``:seen`` (the
  duplicate filter: canonical URLs), ``:seeded`` (the seeding claim: a lease held by the
  seeding worker, then ``done``) and ``:ended`` (set once the site's shared frontier
  stayed empty long enough).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError
from twisted.internet import task

# Marks one site of a run ended (KEYS[2]); once every site (KEYS[2..]) ended, the run
# stops being the current one of its name (KEYS[1]) if it still is (compare and delete).
_END = """
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then return 0 end
end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""

SEED_DONE = b"done"

logger = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def run_name(sites: list[str], base_url: str = "", discover: str = "") -> str:
    """What identifies "the same crawl": a readable head and a hash of the arguments."""
    head = "+".join(sorted(sites)) if len(sites) <= 3 else f"{len(sites)}-sites"
    digest = hashlib.sha1("\n".join([*sorted(sites), base_url, discover]).encode())
    return f"{head}:{digest.hexdigest()[:10]}"


@dataclass(frozen=True)
class RunKeys:
    prefix: str
    run_id: str

    def run(self, what: str) -> str:
        return f"{self.prefix}:run:{self.run_id}:{what}"

    def site(self, site: str, what: str) -> str:
        return f"{self.prefix}:run:{self.run_id}:{site}:{what}"

    def current(self, name: str) -> str:
        return f"{self.prefix}:current:{name}"


def join_run(client: Any, prefix: str, name: str, new_id: str, *, stale_after: float,
             ttl: int) -> str:
    """The id of the live run called ``name``, or ``new_id`` started now.

    A run is live while one of its workers ticked within ``stale_after`` seconds; a worker
    registers itself here, so a second worker started a moment later finds the first.
    """
    current_key = RunKeys(prefix, "").current(name)
    for _ in range(5):
        found = client.get(current_key)
        if found is None:
            if client.set(current_key, new_id, nx=True, ex=ttl):
                register_worker(client, RunKeys(prefix, new_id), ttl)
                return new_id
            continue
        run_id = found.decode() if isinstance(found, bytes) else str(found)
        keys = RunKeys(prefix, run_id)
        newest = client.zrevrange(keys.run("workers"), 0, 0, withscores=True)
        if newest and newest[0][1] >= time.time() - stale_after:
            register_worker(client, keys, ttl)
            return run_id
        # Stale: take the name over for a new run (only if nobody did meanwhile).
        pipe = client.pipeline()
        pipe.watch(current_key)
        if pipe.get(current_key) == found:
            pipe.multi()
            pipe.set(current_key, new_id, ex=ttl)
            try:
                pipe.execute()
            except Exception:  # WatchError: another worker was quicker; look again
                continue
            register_worker(client, RunKeys(prefix, new_id), ttl)
            return new_id
        pipe.reset()
    raise RuntimeError(f"could not join or start run {name!r}")


def register_worker(client: Any, keys: RunKeys, ttl: int) -> None:
    pipe = client.pipeline(transaction=False)
    pipe.zadd(keys.run("workers"), {worker_id(): time.time()})
    pipe.expire(keys.run("workers"), ttl)
    pipe.execute()


def end_run(client: Any, keys: RunKeys, name: str, site: str, sites: list[str],
            ttl: int) -> None:
    """Mark ``site`` ended in the run, so that its idle workers stop; once all ``sites``
    ended, a worker started later begins a new run."""
    ended = [keys.site(site, "ended")] + [keys.site(s, "ended") for s in sites if s != site]
    client.eval(_END, 1 + len(ended), keys.current(name), *ended, keys.run_id, ttl)


# Extends the seeding claim (KEYS[1]) while it is this worker's (ARGV[1]).
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class Seeding:
    """The claim that makes one worker per run and site seed (sitemaps, feeds, listings).

    The claim is a lease, like a request's: it lasts ``lease_seconds`` and the seeding
    worker renews it every ``tick`` seconds (:meth:`keep_alive`) until seeding is done,
    when the key says ``done`` for the rest of the run.  A seeder that dies stops renewing;
    its claim expires and one of the workers waiting in :meth:`wait_for_turn` seeds instead.
    """

    def __init__(self, client: Any, key: str, lease_seconds: float, ttl: int,
                 tick: float = 1.0, owner: str = "") -> None:
        self.client = client
        self.key = key
        self.lease_ms = max(1, int(lease_seconds * 1000))
        self.ttl = ttl
        self.tick = tick
        self.owner = owner or worker_id()
        self._renew = client.register_script(_RENEW)
        self._heartbeat: Any = None

    def claim(self) -> bool:
        """True for exactly one worker at a time (``SET NX``), until the lease expires."""
        return bool(self.client.set(self.key, self.owner, nx=True, px=self.lease_ms))

    def renew(self) -> bool:
        """Extend this worker's claim; False when it is no longer this worker's."""
        return bool(self._renew(keys=[self.key], args=[self.owner, self.lease_ms]))

    def keep_alive(self) -> None:
        """Renew the claim every ``tick`` seconds from the reactor until :meth:`done` or
        :meth:`stop`."""
        if self._heartbeat is None:
            self._heartbeat = task.LoopingCall(self._beat)
            self._heartbeat.start(self.tick, now=False)

    def _beat(self) -> None:
        try:
            self.renew()
        except RedisError as exc:  # the scheduler's tick stops the worker on Redis errors
            logger.warning("could not renew the seeding claim %s: %s", self.key, exc)

    def stop(self) -> None:
        """Stop renewing (a worker closing mid-seeding leaves its claim to expire)."""
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        self._heartbeat = None

    def done(self) -> None:
        self.stop()
        self.client.set(self.key, SEED_DONE, ex=self.ttl)

    def finished(self) -> bool:
        return self.client.get(self.key) == SEED_DONE

    async def wait_for_turn(self) -> bool:
        """While another worker seeds: False once seeding is done, True when this worker
        claimed it because the seeder's lease expired (it died or stalled)."""
        while True:
            try:
                if self.claim():
                    return True
                if self.finished():
                    return False
            except RedisError as exc:  # the scheduler's tick stops the worker
                logger.warning("could not check the seeding claim %s: %s", self.key, exc)
                return False
            await asyncio.sleep(self.tick)


def seeding_of(crawler: Any) -> Seeding:
    """The seeding claim of the crawler's run and site."""
    from crawler.distributed.scheduler import redis_client

    s = crawler.settings
    keys = RunKeys(s.get("NEWSCRAWL_REDIS_PREFIX"), s.get("NEWSCRAWL_RUN_ID"))
    return Seeding(redis_client(s.get("NEWSCRAWL_REDIS_URL")),
                   keys.site(s.get("NEWSCRAWL_SITE") or "urls", "seeded"),
                   s.getfloat("NEWSCRAWL_REDIS_LEASE_TIMEOUT"), s.getint("NEWSCRAWL_REDIS_KEY_TTL"),
                   s.getfloat("NEWSCRAWL_REDIS_TICK"))
