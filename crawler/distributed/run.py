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
  duplicate filter: canonical URLs), ``:seeded`` (the seeding claim) and ``:ended`` (set
  once the site's shared frontier stayed empty long enough).
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

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


class Seeding:
    """The claim that makes one worker per run and site seed (sitemaps, feeds, listings)."""

    def __init__(self, client: Any, key: str, timeout: int, ttl: int) -> None:
        self.client = client
        self.key = key
        self.timeout = timeout
        self.ttl = ttl

    def claim(self) -> bool:
        """True for exactly one worker of the run (``SET NX``); the claim lapses after
        ``timeout`` seconds unless seeding finished, so a worker that died while seeding
        does not leave the run unseeded (the next worker to start takes it over)."""
        return bool(self.client.set(self.key, worker_id(), nx=True, ex=self.timeout))

    def done(self) -> None:
        self.client.set(self.key, SEED_DONE, ex=self.ttl)

    def finished(self) -> bool:
        return self.client.get(self.key) == SEED_DONE


def seeding_of(crawler: Any) -> Seeding:
    """The seeding claim of the crawler's run and site."""
    from crawler.distributed.scheduler import redis_client

    s = crawler.settings
    keys = RunKeys(s.get("NEWSCRAWL_REDIS_PREFIX"), s.get("NEWSCRAWL_RUN_ID"))
    return Seeding(redis_client(s.get("NEWSCRAWL_REDIS_URL")),
                   keys.site(s.get("NEWSCRAWL_SITE") or "urls", "seeded"),
                   s.getint("NEWSCRAWL_REDIS_SEED_TIMEOUT"), s.getint("NEWSCRAWL_REDIS_KEY_TTL"))
