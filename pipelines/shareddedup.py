"""The dedup pipeline of a distributed run: every worker also knows the others' articles.

Each worker's :class:`pipelines.dedup.Deduplicator` holds the stored articles' keys (its
preload at start) and those of the articles it decided itself.  In a distributed run the
articles other workers decide meanwhile must count too, or an article and its republished
copy handled by two workers would both be stored as originals.  So every decision's keys
(canonical URL, aliases, content hash, MinHash, ``duplicate_of``) go to a Redis stream of
the run (``XADD``), and before each check the worker reads what the others added since its
last read into its own index: the same in-memory decision as in a local crawl, over the
whole run's articles.  The read is one script (``_SINCE``) that leaves out the worker's own
entries, so a check and its publication cost two round trips, however many entries came.

Catching up, checking and publishing happen in one step of the reactor when the keys are
preloaded, so two workers can only miss each other's copy when both check it within one
Redis round trip.  The stream is trimmed to ``NEWSCRAWL_REDIS_DEDUP_STREAM_MAX`` entries
(older ones are stored in the database, which a worker starting later preloads) and
expires with the run's other keys.
"""

from __future__ import annotations

import array
import time
from types import SimpleNamespace
from typing import Any, Self

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.crawler import Crawler

from crawler.distributed.run import RunKeys
from crawler.items import ArticleItem
from crawler.urls import article_id
from pipelines.dedup import SAME, DedupPipeline

# The entries after ARGV[1] (at most ARGV[3]) that a pipeline other than ARGV[2] added:
# {last id read, entries read, the others' entries as {id, {field, value, ...}}}.
_SINCE = """
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[3])
local last = ''
local others = {}
for _, entry in ipairs(entries) do
  last = entry[1]
  local fields = entry[2]
  local mine = false
  for i = 1, #fields, 2 do
    if fields[i] == 'w' then
      mine = fields[i + 1] == ARGV[2]
      break
    end
  end
  if not mine then others[#others + 1] = entry end
end
return {last, #entries, others}
"""
READ_COUNT = 1000


def _after(entry_id: bytes) -> bytes:
    """The smallest stream id after ``entry_id`` (XRANGE's start is inclusive)."""
    ms, _, seq = entry_id.partition(b"-")
    return ms + b"-" + str(int(seq or 0) + 1).encode()


def _pack(minhash: list[int]) -> bytes:
    return array.array("I", minhash).tobytes()


def _unpack(data: bytes) -> list[int]:
    values = array.array("I")
    values.frombytes(data)
    return values.tolist()


class SharedDedupPipeline(DedupPipeline):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.server: Any = None
        self.stream = ""
        self.max_len = 0
        self.ttl = 0
        self.last_id = b"0-0"
        self._since: Any = None
        self._refreshed = 0.0
        self.crawler: Crawler | None = None
        self.owners: dict[str, str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from crawler.distributed.scheduler import redis_client

        pipeline = super().from_crawler(crawler)
        s = crawler.settings
        keys = RunKeys(s.get("NEWSCRAWL_REDIS_PREFIX"), s.get("NEWSCRAWL_RUN_ID"))
        pipeline.server = redis_client(s.get("NEWSCRAWL_REDIS_URL"))
        pipeline._since = pipeline.server.register_script(_SINCE)
        pipeline.stream = keys.site(s.get("NEWSCRAWL_SITE") or "urls", "articles")
        pipeline.max_len = s.getint("NEWSCRAWL_REDIS_DEDUP_STREAM_MAX")
        pipeline.ttl = s.getint("NEWSCRAWL_REDIS_KEY_TTL")
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        return pipeline

    def spider_idle(self) -> None:
        """Read the others' last articles while the run winds down: their owners reach
        the writer before it closes, so edges to them are stored resolved."""
        if self.dedup is None:
            return
        try:
            self.catch_up()
        except RedisError:
            self.stats.inc_value("dedup/shared_failed")

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        try:
            self.catch_up()
        except RedisError:
            # The scheduler stops the worker on Redis errors; the check stays local.
            self.stats.inc_value("dedup/shared_failed")
        item = await super().process_item(item)
        if item.dedup != SAME:
            try:
                self.publish(item)
            except RedisError:
                self.stats.inc_value("dedup/shared_failed")
        return item

    def catch_up(self) -> None:
        """Index the articles other workers decided since the last read."""
        assert self.dedup is not None
        mine = self._origin()
        while True:
            last, count, entries = self._since(keys=[self.stream],
                                               args=[_after(self.last_id), mine, READ_COUNT])
            if last:
                self.last_id = last
            for _, flat in entries:
                fields = dict(zip(flat[::2], flat[1::2], strict=True))
                canonical = fields[b"c"].decode()
                aliases = [u for u in fields[b"a"].decode().split("\n") if u]
                self.dedup._remember(SimpleNamespace(
                    canonical_url=canonical, aliases=aliases,
                    content_hash=fields[b"h"].decode(), minhash=_unpack(fields[b"m"]),
                    duplicate_of=fields.get(b"d", b"").decode() or None))
                self._announce(article_id(canonical), [canonical, *aliases])
                self.stats.inc_value("dedup/shared_indexed")
            if count < READ_COUNT:
                return

    def _announce(self, _id: str, urls: list[str]) -> None:
        """Tell this worker's writer who owns ``urls``, so that edges to articles another
        worker stores get their ``to_id`` when inserted instead of waiting for a
        reconciliation at close (a single-edge update each, slow on FerretDB).  The other
        worker's lease ends only once the article is stored, or it is fetched again under
        the same ``_id``.  A dict insert, atomic under the GIL; the writer thread only
        looks owners up."""
        if self.owners is None:
            self.owners = self._writer_owners()
        if self.owners is not None:
            for url in urls:
                self.owners.setdefault(url, _id)

    def _writer_owners(self) -> dict[str, str] | None:
        scraper = getattr(self.crawler.engine, "scraper", None) if self.crawler else None
        for component in getattr(getattr(scraper, "itemproc", None), "middlewares", ()):
            view = getattr(getattr(component, "writer", None), "view", None)
            if view is not None:
                return view.owner
        return None

    def publish(self, item: ArticleItem) -> None:
        fields = {"w": self._origin(), "c": item.canonical_url, "a": "\n".join(item.aliases),
                  "h": item.content_hash, "m": _pack(item.minhash),
                  "d": item.duplicate_of or ""}
        self.server.xadd(self.stream, fields, maxlen=self.max_len, approximate=True)
        now = time.monotonic()
        if now - self._refreshed > 60:
            self._refreshed = now
            self.server.expire(self.stream, self.ttl)

    def _origin(self) -> bytes:
        return str(id(self)).encode() + b"@" + self._worker

    @property
    def _worker(self) -> bytes:
        from crawler.distributed.run import worker_id

        return worker_id().encode()

    def close_spider(self) -> None:
        super().close_spider()
        if self.server is not None:
            self.server.close()
