"""Shared test factories: the site's base URL, article items, stats and crawler settings.

Items carry the body fingerprint the extraction worker computes (content hash and MinHash),
so they reach the pipelines and the writer in the shape a crawl gives them.
"""

from __future__ import annotations

import random
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import MemoryStatsCollector, StatsCollector
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.fingerprint import fingerprint
from crawler.items import ArticleItem, RelatedLink

BASE = "https://russianstudiesromania.eu"
# Where in-process mirror apps (no server) say they are served.
MIRROR_BASE = "http://127.0.0.1:8080"
SITE = "russianstudiesromania"
VOCAB = [f"w{i}" for i in range(3000)]


def body(seed: int, words: int = 300) -> str:
    """A reproducible body of ``words`` words; different seeds share few shingles."""
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCAB) for _ in range(words))


def article_url(slug: str, day: str = "2024-05-01", base: str = BASE) -> str:
    return f"{base}/{day.replace('-', '/')}/{slug}/"


def article_item(slug: str, text: str | None = None, *, seed: int = 0, day: str = "2024-05-01",
                 base: str = BASE, site: str = SITE, links: tuple[str, ...] = (),
                 **fields: Any) -> ArticleItem:
    """An article item as the spider yields it after normalisation: its URL is canonical,
    its fingerprint computed; ``links`` are slugs of related articles on the same day."""
    url = article_url(slug, day, base)
    text = body(seed) if text is None else text
    fp = fingerprint(text)
    fields.setdefault("title", slug.title())
    fields.setdefault("canonical_url", url)
    fields.setdefault("aliases", [url])
    fields.setdefault("content_hash", fp.content_hash)
    fields.setdefault("minhash", list(fp.minhash))
    if links:
        fields.setdefault("related", [
            RelatedLink(url=article_url(t, day, base), text=t, label="related", position=i)
            for i, t in enumerate(links)])
    return ArticleItem(url=url, site=site, text=text, **fields)


def with_fingerprint(item: ArticleItem) -> ArticleItem:
    """``item`` with the fingerprint of its (changed) body, as the worker would give it."""
    fp = fingerprint(item.text)
    item.content_hash, item.minhash = fp.content_hash, list(fp.minhash)
    return item


def project_crawler(**settings: Any) -> Crawler:
    """A crawler with the project's settings (every ``NEWSCRAWL_*`` default) and overrides."""
    merged = {k: v for k, v in vars(project_settings).items()
              if k.isupper() and k != "TWISTED_REACTOR"}  # the test process runs no reactor
    merged.update(settings)
    return get_crawler(settings_dict=merged)


def stats() -> StatsCollector:
    """Scrapy's in-memory stats collector, open."""
    collector = MemoryStatsCollector(get_crawler())
    collector.open_spider()
    return collector
