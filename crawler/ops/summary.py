"""One finished run as the operations code sees it: site, run id, outcome and figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
