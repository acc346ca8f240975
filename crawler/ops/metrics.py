"""Prometheus metrics of the crawl runs, written after each run.

The exposition is built from the ``crawl_runs`` collection, not from the run alone, so that
one file holds every site's figures whichever site ran last, and the ``_total`` counters
really are totals over all recorded runs (they only go down when run records are deleted,
which Prometheus reads as a counter reset).  Gauges describe each site's latest run.

``NEWSCRAWL_METRICS_FILE`` is written atomically (a temporary file renamed over it) for
node_exporter's textfile collector; ``NEWSCRAWL_METRICS_PUSHGATEWAY`` receives the figures of
the site that ran (grouping key ``job="newscrawl", site=...``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, push_to_gateway, write_to_textfile
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from crawler.extensions.runrecord import COLLECTION

logger = logging.getLogger(__name__)

PROJECTION = {"site": 1, "status": 1, "counts": 1, "started_at": 1, "finished_at": 1,
              "exit_code": 1, "monitor": 1}
OUTCOMES = ("new", "updated", "unchanged", "duplicate")
# counter name (without _total), help, key in the run record's counts
TOTALS = (
    ("newscrawl_pages_fetched", "Pages (responses) received by crawl runs.", "pages"),
    ("newscrawl_extract_failures", "Article pages whose extraction failed.", "extract_failed"),
    ("newscrawl_request_errors", "Requests that failed after retries.", "errors"),
    ("newscrawl_links_stored", "Links between articles newly stored.", "links_new"),
)


def _timestamp(value: Any) -> float | None:
    if not isinstance(value, datetime):
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _n(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


class RunsCollector(Collector):
    """Metric families from run records (dicts with the fields of ``PROJECTION``)."""

    def __init__(self, runs: Iterable[dict[str, Any]]) -> None:
        self.runs = [r for r in runs if r.get("status") != "running"]

    def collect(self) -> Iterator[Metric]:
        runs_total = CounterMetricFamily("newscrawl_runs", "Finished crawl runs by status.",
                                         labels=["site", "status"])
        stored = CounterMetricFamily(
            "newscrawl_articles_stored",
            "Articles handed to storage by crawl runs, by outcome.", labels=["site", "outcome"])
        totals = {name: CounterMetricFamily(name, text, labels=["site"])
                  for name, text, _ in TOTALS}
        duration = GaugeMetricFamily("newscrawl_run_duration_seconds",
                                     "Wall time of the site's latest run.", labels=["site"])
        exit_code = GaugeMetricFamily("newscrawl_run_exit_code",
                                      "Exit code of the site's latest run (0 ok, 1 failed, "
                                      "3 partial, 4 monitor alert).", labels=["site"])
        alerts = GaugeMetricFamily("newscrawl_run_alerts",
                                   "Failed monitors of the site's latest run.", labels=["site"])
        last = GaugeMetricFamily("newscrawl_run_last_timestamp_seconds",
                                 "When the site's latest run finished (Unix time).",
                                 labels=["site"])
        success = GaugeMetricFamily("newscrawl_run_last_success_timestamp_seconds",
                                    "When the site's latest successful run (exit code 0) "
                                    "finished (Unix time).", labels=["site"])
        by_status: dict[tuple[str, str], int] = defaultdict(int)
        sums: dict[tuple[str, str], float] = defaultdict(float)
        latest: dict[str, dict[str, Any]] = {}
        last_ok: dict[str, float] = {}
        for run in self.runs:
            site = run.get("site") or "urls"
            by_status[site, run.get("status") or "unknown"] += 1
            c = run.get("counts") or {}
            for outcome in OUTCOMES:
                sums[site, outcome] += _n((c.get("articles") or {}).get(outcome))
            for name, _, key in TOTALS:
                sums[site, name] += _n(c.get(key))
            started = _timestamp(run.get("started_at")) or 0.0
            if site not in latest or started >= (_timestamp(latest[site].get("started_at")) or 0):
                latest[site] = run
            finished = _timestamp(run.get("finished_at"))
            if run.get("exit_code") == 0 and finished is not None:
                last_ok[site] = max(last_ok.get(site, 0.0), finished)
        for (site, status), n in sorted(by_status.items()):
            runs_total.add_metric([site, status], n)
        for site in sorted(latest):
            for outcome in OUTCOMES:
                stored.add_metric([site, outcome], sums[site, outcome])
            for name, _, _ in TOTALS:
                totals[name].add_metric([site], sums[site, name])
            run = latest[site]
            started, finished = _timestamp(run.get("started_at")), _timestamp(
                run.get("finished_at"))
            if started is not None and finished is not None:
                duration.add_metric([site], finished - started)
                last.add_metric([site], finished)
            if isinstance(run.get("exit_code"), int):
                exit_code.add_metric([site], run["exit_code"])
            alerts.add_metric([site], len((run.get("monitor") or {}).get("alerts") or []))
            if site in last_ok:
                success.add_metric([site], last_ok[site])
        yield from (runs_total, stored, *totals.values(), duration, exit_code, alerts, last,
                    success)


def registry_from_database(db: Any, site: str | None = None) -> CollectorRegistry:
    query = {"site": site} if site is not None else {}
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RunsCollector(db[COLLECTION].find(query, PROJECTION)))
    return registry


def write_metrics_file(path: str, registry: CollectorRegistry) -> None:
    """Atomic: prometheus_client writes a temporary file beside ``path`` and renames it."""
    write_to_textfile(path, registry)


def push_metrics(url: str, registry: CollectorRegistry, site: str, timeout: float) -> None:
    push_to_gateway(url, job="newscrawl", registry=registry, grouping_key={"site": site},
                    timeout=timeout)


def export_metrics(db: Any, settings: Any, site: str) -> list[str]:
    """Write the file and push, as configured; the names of the outputs that failed."""
    failed: list[str] = []
    path = settings.get("NEWSCRAWL_METRICS_FILE")
    if path:
        try:
            write_metrics_file(path, registry_from_database(db))
        except Exception as exc:
            failed.append("file")
            logger.error("could not write the metrics file %s: %s", path, exc)
    url = settings.get("NEWSCRAWL_METRICS_PUSHGATEWAY")
    if url:
        try:
            push_metrics(url, registry_from_database(db, site), site,
                         settings.getfloat("NEWSCRAWL_METRICS_TIMEOUT"))
        except Exception as exc:
            failed.append("pushgateway")
            logger.error("could not push metrics to the Pushgateway: %s",
                         f"{type(exc).__name__}: {exc}".replace(url, "<pushgateway>")[:300])
    return failed
