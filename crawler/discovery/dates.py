"""Parsing the dates found in sitemaps, feeds, listings and HTTP headers, for comparison."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601 (``2024-05-01``, ``2024-05-01T10:00:00+02:00``, ``...Z``) or RFC 822.

    The result is timezone-aware (naive values are taken as UTC); None when unparseable.
    """
    if not value:
        return None
    value = value.strip()
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def http_date(dt: datetime) -> str:
    """``dt`` as an HTTP date (for If-Modified-Since)."""
    return dt.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
