"""Scrapy's robots.txt middleware with every waiting request checked, not only the first.

While robots.txt of a host is being fetched, Scrapy 2.19's ``RobotsTxtMiddleware`` lets
each waiting request await the same Deferred through ``maybe_deferred_to_future``; the
adapter callback returns ``None``, so from the second waiter on the parser arrives as
``None`` and the request is let through unchecked.  Here each waiter awaits its own branch
of that Deferred and then reads the parser the middleware stored.

An unreachable robots.txt (a 5xx answer after the retries, a timeout, a lost connection)
means complete disallow, as RFC 9309 (2.3.1.4) asks, not "everything allowed" as in
Scrapy; the warning names the cause and ``robotstxt/unreachable`` counts it.  A 4xx means
no robots.txt: everything is allowed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def _branch(source: Deferred[Any]) -> Deferred[Any]:
    """A Deferred that fires when ``source`` does, leaving ``source``'s result in its chain."""
    branch: Deferred[Any] = Deferred()

    def relay(result: Any) -> Any:
        branch.callback(None)
        return result

    source.addBoth(relay)
    return branch


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            await maybe_deferred_to_future(_branch(pending))
            return self._parsers.get(netloc)
        if netloc in self._parsers:
            return pending
        return await self._fetch(request, netloc)

    async def _fetch(self, request: Request, netloc: str) -> RobotParser | None:
        from scrapy import Request as ScrapyRequest
        from scrapy.http.request import NO_CALLBACK

        self._parsers[netloc] = Deferred()
        url = urlparse_cached(request)
        robots = ScrapyRequest(f"{url.scheme}://{netloc}/robots.txt",
                               priority=self.DOWNLOAD_PRIORITY,
                               meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        try:
            response = await self.crawler.engine.download_async(robots)
        except IgnoreRequest as exc:
            self._robots_error(exc, netloc)
        except Exception as exc:  # timeouts, refused or lost connections, DNS
            self._unreachable(netloc, f"{type(exc).__name__}: {exc}")
        else:
            if response.status >= 500:
                self._unreachable(netloc, f"HTTP {response.status}")
            else:
                await self._parse_robots(response, netloc, request)
        self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    def _unreachable(self, netloc: str, cause: str) -> None:
        logger.warning("robots.txt of %s unreachable (%s): assuming complete disallow "
                       "(RFC 9309), no page of this host is fetched", netloc, cause)
        self._stats.inc_value("robotstxt/unreachable")
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)
