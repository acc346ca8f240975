"""The Redis side of distributed runs on a real server: leases, the per-run duplicate
filter, joining runs, the seeding claim, URL redaction and the memory script."""

from __future__ import annotations

import time

import pytest
from scrapy import Request, Spider

from crawler.distributed.dupefilter import CanonicalUrlDupeFilter
from crawler.distributed.queue import LEASE_META, LeasedPriorityQueue
from crawler.distributed.run import RunKeys, Seeding, end_run, join_run, run_name, worker_id
from crawler.distributed.scheduler import redis_client
from crawler.distributed.server import redact_url, resolve_redis


@pytest.fixture
def client(redis_server):
    server = redis_client(redis_server.url)
    yield server
    server.close()


def test_a_lease_not_completed_in_time_goes_back_to_the_queue(client, redis_prefix) -> None:
    queue = LeasedPriorityQueue(client, Spider(name="site"), f"{redis_prefix}:requests",
                                lease_seconds=0.2)
    queue.push(Request("https://example.org/a", priority=5))
    queue.push(Request("https://example.org/b", priority=1))
    first = queue.pop()
    assert first is not None and first.url == "https://example.org/a"  # priority kept
    assert len(queue) == 1 and queue.leased() == 1
    assert queue.requeue_expired() == 0  # not expired yet
    time.sleep(0.3)
    assert queue.requeue_expired() == 1
    assert len(queue) == 2 and queue.leased() == 0
    again = queue.pop()
    assert again is not None and again.url == first.url and again.priority == 5
    # Completed: gone for good; renewing a completed lease does not bring it back.
    queue.complete([again.meta[LEASE_META]])
    queue.renew([again.meta[LEASE_META]])
    assert queue.leased() == 0 and len(queue) == 1
    # A retry copy of a leased request is queued without the old lease.
    retry = again.replace(dont_filter=True)
    queue.push(retry)
    popped = [queue.pop(), queue.pop()]
    assert all(p is not None and p.meta[LEASE_META] for p in popped)
    queue.clear()


def test_pushes_and_leases_go_in_one_round_trip(client, redis_prefix) -> None:
    queue = LeasedPriorityQueue(client, Spider(name="site"), f"{redis_prefix}:requests",
                                seen_key=f"{redis_prefix}:seen", lease_seconds=0.2)
    requests = [Request("https://example.org/a", priority=1),
                Request("https://example.org/b", priority=5),
                Request("https://example.org/a", priority=9),  # a duplicate: not queued
                Request("https://example.org/a", dont_filter=True)]  # not filtered
    pushes = [queue.encode(r, b"" if r.dont_filter else r.url.encode()) for r in requests]
    added, leases = queue.push_pop(pushes, 2)
    assert added == [True, True, False, True]
    assert [queue.decode(lease).url for lease in leases] == ["https://example.org/b",
                                                             "https://example.org/a"]
    assert len(queue) == 1 and queue.leased() == 2
    # Renew one lease, complete the other; the renewed one outlives its first deadline.
    assert queue.maintain([leases[0]], [leases[1]]) == 0
    assert queue.leased() == 1
    # Taken but never started: back to the queue at once, with its priority.
    _, [third] = queue.push_pop([], 5)
    assert queue.release([third]) == 1 and queue.leased() == 1 and len(queue) == 1
    time.sleep(0.3)
    assert queue.requeue_expired() == 1
    _, again = queue.push_pop([], 5)
    assert [queue.decode(lease).url for lease in again] == ["https://example.org/b",
                                                            "https://example.org/a"]
    queue.clear()
    client.delete(queue.seen_key)


def test_duplicate_filter_is_per_run_and_by_canonical_url(client, redis_prefix) -> None:
    first = CanonicalUrlDupeFilter(client, RunKeys(redis_prefix, "run-1").site("s", "seen"))
    assert not first.request_seen(Request("https://example.org/post/?utm_source=x"))
    assert first.request_seen(Request("https://example.org/post/"))
    first.close("finished")  # kept for the other workers of the run
    assert first.request_seen(Request("https://example.org/post"))
    nxt = CanonicalUrlDupeFilter(client, RunKeys(redis_prefix, "run-2").site("s", "seen"))
    assert not nxt.request_seen(Request("https://example.org/post/"))  # a new run re-reads
    client.delete(first.key, nxt.key)


def test_workers_join_the_live_run_and_a_new_run_starts_after_its_end(client,
                                                                      redis_prefix) -> None:
    name = run_name(["a", "b"], "", "all")
    assert name == run_name(["b", "a"], "", "all") != run_name(["a"], "", "all")
    run = join_run(client, redis_prefix, name, "run-1", stale_after=60, ttl=600)
    assert join_run(client, redis_prefix, name, "run-2", stale_after=60, ttl=600) == run
    keys = RunKeys(redis_prefix, run)
    end_run(client, keys, name, "a", ["a", "b"], 600)
    assert join_run(client, redis_prefix, name, "run-3", stale_after=60, ttl=600) == run
    end_run(client, keys, name, "b", ["a", "b"], 600)  # every site ended: the run is over
    assert join_run(client, redis_prefix, name, "run-4", stale_after=60, ttl=600) == "run-4"
    # A run whose workers stopped beating is not joined.
    client.zadd(RunKeys(redis_prefix, "run-4").run("workers"),
                {worker_id(): time.time() - 120})
    assert join_run(client, redis_prefix, name, "run-5", stale_after=60, ttl=600) == "run-5"


def test_one_worker_seeds_a_run_and_a_lapsed_claim_passes_on(client, redis_prefix) -> None:
    key = RunKeys(redis_prefix, "run").site("s", "seeded")
    first, second = (Seeding(client, key, 600, 600, owner=w) for w in ("w1", "w2"))
    assert first.claim() and not second.claim()
    assert first.renew() and not second.renew()  # only the holder renews
    assert not second.finished()
    # The holder stops renewing (it died): its claim lapses, the next claim wins.
    client.delete(key)
    assert second.claim() and not first.renew() and not first.claim()
    second.done()
    assert first.finished() and not first.claim() and not first.renew()
    # A claim is a lease: it expires by itself.
    lease = Seeding(client, key + ":lease", 0.2, 600, owner="w3")
    assert lease.claim()
    assert 0 < client.pttl(lease.key) <= 200
    client.delete(key, lease.key)


def test_redis_url_credentials_are_redacted() -> None:
    shown = redact_url("redis://user:s3cret@redis.internal:6379/0")
    assert "s3cret" not in shown and "redis.internal:6379" in shown


def test_the_resolved_server_is_real(redis_server) -> None:
    with resolve_redis(redis_server.url) as again:
        assert redis_client(again.url).ping()


def test_memory_script_measures_per_url_costs(redis_server, monkeypatch, capsys) -> None:
    from newscrawl_dev.redis_memory import main

    monkeypatch.setenv("NEWSCRAWL_REDIS_URL", redis_server.url)
    assert main(["--urls", "300"]) == 0
    row = capsys.readouterr().out.splitlines()[-1]
    assert '"urls": 300' in row and '"seen_bytes_per_url": ' in row


def test_run_record_arguments_hold_no_redis_password() -> None:
    from crawler.runner import CrawlOptions

    opts = CrawlOptions(sites=["a"], redis="redis://:pw1@redis.internal:6379/0",
                        settings=["NEWSCRAWL_REDIS_URL=redis://:pw2@redis.internal/0", "X=1"])
    recorded = repr(opts.arguments())
    assert "pw1" not in recorded and "pw2" not in recorded and "X=1" in recorded
