"""What the runner does once a crawl has stopped: notify, record that, export metrics.

Runs after the reactor has stopped, so a slow mail server or webhook delays only the
process's exit (each channel is bounded by ``NEWSCRAWL_NOTIFY_TIMEOUT``), never the crawl.
Nothing here raises: a failing channel or metrics output is logged and counted
(``notify/failed``, ``metrics/failed`` in the run record's stats).
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.extensions.runrecord import COLLECTION
from crawler.ops.metrics import export_metrics
from crawler.ops.notify import NotifyOptions, notify
from crawler.ops.summary import RunSummary

logger = logging.getLogger(__name__)


def finish_run(settings: Any, summary: RunSummary, db: Any | None) -> None:
    """Notify and export metrics for a finished run; ``db`` is None when unreachable."""
    record: dict[str, Any] = {}
    try:
        result = notify(summary, NotifyOptions.from_settings(settings))
    except Exception as exc:  # a bad setting: say so, never fail the run for it
        logger.error("notifications not sent: %s", exc)
        record["notify/failed"] = 1
    else:
        if result.sent or result.failed:
            record["notify/sent"] = len(result.sent)
            record["notify/failed"] = len(result.failed)
    if db is None:
        if settings.get("NEWSCRAWL_METRICS_FILE") or settings.get("NEWSCRAWL_METRICS_PUSHGATEWAY"):
            logger.error("metrics not exported: the database is unreachable")
        return
    _record(db, summary.run_id, record)  # before the metrics, which read the run records
    failed = export_metrics(db, settings, summary.site or "urls")
    if failed:
        _record(db, summary.run_id, {"metrics/failed": len(failed)})


def _record(db: Any, run_id: str | None, values: dict[str, Any]) -> None:
    if not run_id or not values:
        return
    try:
        db[COLLECTION].update_one({"_id": run_id},
                                  {"$set": {f"stats.{k}": v for k, v in values.items()}})
    except Exception as exc:
        logger.error("could not record %s in run %s: %s", ", ".join(values), run_id, exc)
