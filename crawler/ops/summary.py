"""One finished run as the operations code sees it: site, run id, outcome and figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from crawler.extensions.runrecord import counts

# Figures worth naming in a message, from the run record's counts (label, key).
FIGURES = (("pages", "pages"), ("stored", "stored"), ("links new", "links_new"),
           ("extraction failures", "extract_failed"), ("request errors", "errors"))


@dataclass(frozen=True)
class RunSummary:
    site: str
    run_id: str | None  # None: the run never got a record (e.g. the database was down)
    status: str  # finished, alert, partial, failed, crashed
    exit_code: int
    alerts: tuple[str, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)  # the run record's counts
    duration_s: float | None = None
    error: str | None = None

    @classmethod
    def from_stats(cls, site: str, run_id: str | None, status: str, exit_code: int,
                   stats: Mapping[str, Any] | None, error: str | None = None) -> RunSummary:
        stats = stats or {}
        started, finished = stats.get("start_time"), stats.get("finish_time")
        duration = (finished - started).total_seconds() if started and finished else None
        return cls(site=site, run_id=run_id, status=status, exit_code=exit_code,
                   alerts=tuple(stats.get("monitor/alerts") or ()),
                   figures=counts(stats) if stats else {}, duration_s=duration, error=error)

    @property
    def is_failure(self) -> bool:
        """Exit code 1 (failed) or 3 (partial failure)."""
        return self.exit_code in (1, 3)

    @property
    def is_alert(self) -> bool:
        """A failure, an alert exit code (4) or a failed monitor."""
        return self.is_failure or self.exit_code == 4 or bool(self.alerts)


def print_summary(out: TextIO, run_id: str, stats: dict[str, Any], status: str) -> None:
    def n(key: str) -> int:
        v = stats.get(key, 0)
        return int(v) if isinstance(v, int | float) else 0

    started, finished = stats.get("start_time"), stats.get("finish_time")
    elapsed = (finished - started).total_seconds() if started and finished else 0.0
    extracted = n("extract/ok") + n("extract/failed")
    ms = stats.get("extract/ms_total", 0) / max(n("extract/pages_timed"), 1)
    lines = [
        f"run {run_id}: {status} ({stats.get('finish_reason')}) in {elapsed:.1f}s",
        f"  requests {n('downloader/request_count')}, pages {n('response_received_count')}, "
        f"errors {n('errors/total')}, retries {n('retry/count')}",
        f"  articles new {n('articles/new')}, updated {n('articles/updated')}, "
        f"unchanged {n('articles/unchanged')}, duplicate {n('articles/duplicate')}, "
        f"not modified {n('refresh/not_modified')}, already stored (not fetched) "
        f"{n('discovery/known_urls')}, dropped {n('item_dropped_count')}",
        f"  links new {n('links/new')}; extracted {extracted} page(s), "
        f"{n('extract/failed')} failed, {ms:.0f} ms/page",
    ]
    if n("storage/unstored"):
        lines.append(f"  UNSTORED: {n('storage/unstored')} article(s)")
    for alert in stats.get("monitor/alerts") or []:
        lines.append(f"  ALERT: {alert}")
    if stats.get("profileless/diagnosis"):
        lines.append(f"  PROFILE-LESS: {stats['profileless/diagnosis']}")
    print("\n".join(lines), file=out)
