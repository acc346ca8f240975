"""Scrapy's robots.txt middleware with every waiting request checked, not only the first.

While robots.txt of a host is being fetched, Scrapy 2.19's ``RobotsTxtMiddleware`` lets
each waiting request await the same Deferred through ``maybe_deferred_to_future``; the
adapter callback returns ``None``, so from the second waiter on the parser arrives as
``None`` and the request is let through unchecked.  Here each waiter awaits its own branch
of that Deferred and then reads the parser the middleware stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.robotstxt import RobotParser


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
        return await super().robot_parser(request)
