"""The monitor's verdicts, exit codes, run-record helpers and Retry-After parsing."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.cli import EXIT_ALERT, EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL
from crawler.discovery.frontier import Frontier
from crawler.extensions.monitor import Thresholds, evaluate, outcome
from crawler.extensions.runrecord import counts, mongo_safe
from crawler.middlewares.retry import retry_after_seconds

T = Thresholds(max_extract_failure_rate=0.25, max_error_rate=0.25, min_pages=10)


def test_healthy_first_run_has_no_alert() -> None:
    stats = {"articles/new": 40, "extract/ok": 41, "extract/failed": 1,
             "downloader/request_count": 80, "errors/total": 2}
    assert evaluate(stats, T) == []
    assert outcome({**stats, "monitor/status": "ok"}, "finished") == ("finished", EXIT_OK)


def test_incremental_run_that_only_meets_known_articles_is_fine() -> None:
    stats = {"discovery/known_skipped": 60, "downloader/request_count": 12}
    assert evaluate(stats, T) == []


def test_nothing_stored_is_an_alert() -> None:
    alerts = evaluate({"downloader/request_count": 5}, T)
    assert len(alerts) == 1 and alerts[0].startswith("stored nothing")
    alerts = evaluate({"extract/failed": 3, "discovery/known_skipped": 10}, T)
    assert alerts and alerts[0].startswith("stored nothing")
    assert outcome({"monitor/status": "alert"}, "finished") == ("alert", EXIT_ALERT)


def test_a_distributed_worker_left_without_work_is_not_an_alert() -> None:
    # Its run's other workers stored 61 articles (seen on the shared dedup stream) ...
    idle = {"downloader/request_count": 0, "dedup/shared_indexed": 61}
    assert evaluate(idle, T) == []
    # ... but a worker that fetched pages and stored none still alerts.
    failing = {**idle, "extract/failed": 3, "downloader/request_count": 3}
    assert evaluate(failing, T)[0].startswith("stored nothing")


def test_failure_and_error_rates_over_thresholds_alert() -> None:
    stats = {"articles/new": 10, "extract/ok": 10, "extract/failed": 10,
             "downloader/request_count": 40, "errors/total": 20}
    alerts = evaluate(stats, T)
    assert any("extraction failure rate 50%" in a for a in alerts)
    assert any("error rate 50%" in a for a in alerts)
    small = {"articles/new": 1, "extract/ok": 1, "extract/failed": 3,
             "downloader/request_count": 4, "errors/total": 3}
    assert evaluate(small, T) == []  # too few pages to judge a rate


def test_partial_and_failed_outcomes() -> None:
    assert outcome({}, "database_unavailable") == ("partial", EXIT_PARTIAL)
    assert outcome({"storage/unstored": 2}, "finished") == ("partial", EXIT_PARTIAL)
    assert outcome({}, "closespider_pagecount") == ("finished", EXIT_OK)
    assert outcome({}, None) == ("failed", EXIT_FAILURE)
    lost = {"monitor/status": "alert", "storage/unstored": 40, "extract/ok": 40}
    assert outcome(lost, "finished") == ("partial", EXIT_PARTIAL)
    assert evaluate(lost, T) == []  # unstored, not "stored nothing"


def test_stats_become_a_mongo_safe_document() -> None:
    now = datetime.now(UTC)
    doc = mongo_safe({"a.b": 1, "$x": {"c.d": [1, object]}, "t": now})
    assert set(doc) == {"a_b", "_x", "t"} and set(doc["_x"]) == {"c_d"}
    assert doc["t"] == now and isinstance(doc["_x"]["c_d"][1], str)
    c = counts({"articles/new": 3, "articles/unchanged": 2, "links/new": 7})
    assert c["articles"]["new"] == 3 and c["stored"] == 5 and c["links_new"] == 7


def test_retry_after_in_seconds_or_http_date() -> None:
    assert retry_after_seconds(b"7") == 7.0
    now = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 01 May 2024 10:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_frontier_claims_once() -> None:
    frontier = Frontier()
    assert frontier.claim("https://e.org/x/") and not frontier.claim("https://e.org/x/")
