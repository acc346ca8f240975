"""The held-out split: about a third of the sites of each set, fixed before any tuning.

A site is held out when the first eight hex digits of the SHA-1 of its name are divisible by
three. The site of a page is the host of its URL without ``www.`` (``extraction/``), its
publisher (``metadata/``) or its folder name without a trailing ``-N`` (``readability/``), so
that every page of one site falls on the same side. The chosen sites and pages are committed
in ``bench/extraction/holdout.json``; ``newscrawl eval`` reads that file, and a test checks
that it still follows the rule.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl_dev.evaluation.datasets import Page, bench_dir

RULE = "sha1(site) first 8 hex digits as an integer, divisible by 3"
_NUMBERED = re.compile(r"-\d+$")


def site_of(page: Page) -> str:
    if page.dataset == "extraction":
        host = (urlsplit(page.url).hostname or "").lower()
        return host[4:] if host.startswith("www.") else host
    if page.dataset == "metadata":
        return str(page.expected.get("publisher") or page.id.split("_")[1])
    return _NUMBERED.sub("", page.id)


def held_out(site: str) -> bool:
    return int(hashlib.sha1(site.encode("utf-8")).hexdigest()[:8], 16) % 3 == 0


def split(pages: list[Page]) -> dict[str, list[str]]:
    """Held-out sites and page ids of one set, by the rule."""
    sites = sorted({site_of(p) for p in pages if held_out(site_of(p))})
    return {"sites": sites, "pages": sorted(p.id for p in pages if held_out(site_of(p)))}


def holdout_path(root: Path | None = None) -> Path:
    return (root or bench_dir()) / "holdout.json"


def load_holdout(root: Path | None = None) -> dict[str, set[str]]:
    """Page ids held out, per set."""
    data = json.loads(holdout_path(root).read_text(encoding="utf-8"))
    return {name: set(entry["pages"]) for name, entry in data["sets"].items()}
