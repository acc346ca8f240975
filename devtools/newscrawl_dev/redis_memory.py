"""Redis memory of a distributed run, per URL: ``python -m newscrawl_dev.redis_memory``.

Fills the structures a run keeps in Redis with synthetic article URLs, through the crawler's
own classes, and reads their size with ``MEMORY USAGE`` (exact: ``SAMPLES 0``) and the
server's ``used_memory`` (``INFO memory``):

* the duplicate filter (``crawler.distributed.dupefilter``): one entry per seen URL;
* the request queue (``crawler.distributed.queue``): one entry per queued request;
* the dedup stream (``pipelines.shareddedup``): one entry per decided article.

Uses ``NEWSCRAWL_REDIS_URL`` or starts a local ``redis-server`` (crawler.distributed.server).
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from typing import Any

from scrapy import Request, Spider

SAMPLE_QUEUE = 2000  # queued requests measured (their size does not depend on the count)


def article_url(i: int) -> str:
    return (f"https://news-{i % 100}.example.org/{2000 + i % 25}/{1 + i % 12:02d}/"
            f"{1 + i % 28:02d}/article-number-{i}-about-something-newsworthy/")


def used_memory(server: Any) -> int:
    return int(server.info("memory")["used_memory"])


def measure(server: Any, urls: int, prefix: str) -> dict[str, Any]:
    from crawler.distributed.dupefilter import CanonicalUrlDupeFilter
    from crawler.distributed.queue import LeasedPriorityQueue
    from pipelines.shareddedup import _pack

    key = f"{prefix}:{urls}"
    seen = CanonicalUrlDupeFilter(server, f"{key}:seen")
    before = used_memory(server)
    pipe = server.pipeline(transaction=False)
    for i in range(urls):
        pipe.sadd(seen.key, seen.request_fingerprint(Request(article_url(i))))
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    seen_bytes = server.memory_usage(seen.key, samples=0)
    seen_used = used_memory(server) - before

    spider = Spider(name="site")
    queue = LeasedPriorityQueue(server, spider, f"{key}:requests")
    for i in range(SAMPLE_QUEUE):
        url = article_url(i)
        queue.push(Request(url, priority=0, meta={
            "nc_kind": "article", "nc_hops": 1, "nc_run": "run-id", "nc_claim": url}))
    queue_bytes = server.memory_usage(queue.key, samples=0)

    rng = random.Random(7)
    stream = f"{key}:articles"
    pipe = server.pipeline(transaction=False)
    for i in range(min(urls, 10_000)):
        pipe.xadd(stream, {"w": "host-1234", "c": article_url(i), "a": "",
                           "h": uuid.uuid4().hex + "01234567",
                           "m": _pack([rng.getrandbits(32) for _ in range(128)]), "d": ""})
    pipe.execute()
    stream_bytes = server.memory_usage(stream, samples=0)
    entries = min(urls, 10_000)
    server.delete(seen.key, queue.key, queue.leases_key, stream)
    return {
        "urls": urls,
        "seen_bytes_per_url": round(seen_bytes / urls, 1),
        "seen_used_memory_per_url": round(seen_used / urls, 1),
        "queued_request_bytes": round(queue_bytes / SAMPLE_QUEUE, 1),
        "dedup_stream_bytes_per_article": round(stream_bytes / entries, 1),
    }


def main(argv: list[str] | None = None) -> int:
    from crawler.distributed.scheduler import redis_client
    from crawler.distributed.server import resolve_redis

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    with resolve_redis() as redis:
        server = redis_client(redis.url)
        version = server.info("server")["redis_version"]
        prefix = f"memory-{uuid.uuid4().hex[:8]}"
        rows = [measure(server, n, prefix) for n in args.urls]
        server.close()
    print(f"redis {version}")
    for row in rows:
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
