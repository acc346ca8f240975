"""Meta-refresh redirects, read from the head of the page only.

Scrapy's ``MetaRefreshMiddleware`` looks for ``<meta http-equiv="refresh">`` in the first
4,096 characters of ``response.text``, but getting there decodes (and sniffs the encoding
of) the whole body on the reactor thread, for every page.  This subclass does the same
check on a copy of the response cut to its first ``HEAD_BYTES`` bytes, and skips pages
whose head does not contain the word at all.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response

HEAD_BYTES = 8192


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not isinstance(response, HtmlResponse):
            return response
        head = response.body[:HEAD_BYTES]
        if b"refresh" not in head.lower():
            return response
        result = super().process_response(request, response.replace(body=head))
        return result if isinstance(result, Request) else response
