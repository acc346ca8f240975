"""The figures of a report, read from the database with portable queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from crawler.commands.stats import collect as collect_stats
from crawler.extensions.runrecord import COLLECTION as RUNS

# Above this many days the articles chart counts per month instead of per day.
MAX_DAILY_SPAN = 92


@dataclass
class RunRow:
    run_id: str
    site: str
    status: str
    started_at: datetime | None
    duration_s: float | None
    exit_code: int | None
    stored: int
    new: int
    pages: int
    extract_ok: int
    extract_failed: int
    errors: int
    duplicates: int
    alerts: list[str]

    @property
    def failed(self) -> bool:
        return self.status not in ("finished", "running") or bool(self.exit_code)

    @property
    def failure_rate(self) -> float | None:
        seen = self.extract_ok + self.extract_failed
        return self.extract_failed / seen if seen else None


@dataclass
class ReportData:
    since: date
    site: str | None
    generated_at: datetime
    bucket: str  # "day" or "month"
    per_bucket: dict[str, dict[str, int]]  # site -> bucket -> articles published
    buckets: list[str]
    runs: list[RunRow]  # newest first
    articles: int  # stored originals (not near-duplicates), all time
    near_duplicates: int
    with_aliases: int
    links: int
    links_resolved: int
    most_linked: list[dict[str, Any]] = field(default_factory=list)
    max_failure_rate: float = 0.25

    @property
    def published_in_period(self) -> int:
        return sum(sum(days.values()) for days in self.per_bucket.values())

    @property
    def duplicates_in_period(self) -> int:
        return sum(r.duplicates for r in self.runs)


def _n(mapping: dict[str, Any], key: str) -> int:
    value = mapping.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def _buckets(first: date, last: date, bucket: str) -> list[str]:
    out: list[str] = []
    day = first
    while day <= last:
        key = day.isoformat() if bucket == "day" else day.strftime("%Y-%m")
        if not out or out[-1] != key:
            out.append(key)
        day += timedelta(days=1)
    return out


def articles_per_bucket(db: Any, since: date, site: str | None,
                        today: date) -> tuple[str, list[str], dict[str, dict[str, int]]]:
    """Originals published per site and day (or month, over a long period)."""
    match: dict[str, Any] = {"published_day": {"$gte": since.isoformat(),
                                               "$lte": today.isoformat()},
                             "duplicate_of": None}
    if site:
        match["site"] = site
    per_day: dict[str, dict[str, int]] = defaultdict(dict)
    for row in db["articles"].aggregate([
        {"$match": match},
        {"$group": {"_id": {"site": "$site", "day": "$published_day"}, "n": {"$sum": 1}}},
    ]):
        per_day[row["_id"].get("site") or "?"][row["_id"]["day"]] = row["n"]
    days = [d for by_day in per_day.values() for d in by_day]
    first = date.fromisoformat(min(days)) if days else since
    first = max(first, since)
    bucket = "day" if (today - first).days < MAX_DAILY_SPAN else "month"
    buckets = _buckets(first, today, bucket)
    per_bucket: dict[str, dict[str, int]] = {}
    for name, by_day in sorted(per_day.items()):
        counts: dict[str, int] = defaultdict(int)
        for day, n in by_day.items():
            counts[day if bucket == "day" else day[:7]] += n
        per_bucket[name] = dict(counts)
    return bucket, buckets, per_bucket


def recent_runs(db: Any, since: date, site: str | None, limit: int = 200) -> list[RunRow]:
    query: dict[str, Any] = {"started_at": {"$gte": datetime(since.year, since.month, since.day,
                                                              tzinfo=UTC)}}
    if site:
        query["site"] = site
    rows = []
    for doc in db[RUNS].find(query, {"stats": 0, "arguments": 0}).sort("started_at", -1) \
            .limit(limit):
        c = doc.get("counts") or {}
        started, finished = doc.get("started_at"), doc.get("finished_at")
        rows.append(RunRow(
            run_id=str(doc["_id"]), site=doc.get("site") or "", status=doc.get("status") or "",
            started_at=started,
            duration_s=(finished - started).total_seconds() if started and finished else None,
            exit_code=doc.get("exit_code"), stored=_n(c, "stored"),
            new=_n(c.get("articles") or {}, "new"), pages=_n(c, "pages"),
            extract_ok=_n(c, "extract_ok"), extract_failed=_n(c, "extract_failed"),
            errors=_n(c, "errors"), duplicates=_n(c.get("articles") or {}, "duplicate"),
            alerts=list((doc.get("monitor") or {}).get("alerts") or []),
        ))
    return rows


def collect(db: Any, *, since: date, site: str | None = None, top: int = 10,
            max_failure_rate: float = 0.25, now: datetime | None = None) -> ReportData:
    now = now or datetime.now(UTC)
    bucket, buckets, per_bucket = articles_per_bucket(db, since, site, now.date())
    stats = collect_stats(db, site=site, days=1, top=top, today=now)
    return ReportData(
        since=since, site=site, generated_at=now, bucket=bucket, per_bucket=per_bucket,
        buckets=buckets, runs=recent_runs(db, since, site),
        articles=stats["articles"] - stats["near_duplicates"],
        near_duplicates=stats["near_duplicates"], with_aliases=stats["with_aliases"],
        links=stats["links"], links_resolved=stats["links_resolved"],
        most_linked=stats["most_linked"], max_failure_rate=max_failure_rate,
    )
