"""The page layout the profile-less spider learns from its first articles.

The first articles judged by strong rules are sampled; once there are enough, their body
container, the parts to leave out and the related-link blocks are learned in a thread
(:func:`crawler.autoprofile.layout.learn_layout`) and, when the body rule holds on enough of
them, used to extract every later page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from scrapy.exceptions import DontCloseSpider
from twisted.internet import threads

from crawler.autoprofile.layout import Layout, learn_layout

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.profiles import SiteProfile

# Articles judged by these rules teach the layout; the body rule must hold on this share.
STRONG_RULES = ("signals:json-ld", "signals:og+published")
LAYOUT_MIN_SHARE = 0.9


class ProfilelessLayout:
    """Layout learning of the profile-less spider (mixed into
    :class:`~spiders.profileless.ProfilelessSpider`)."""

    layout_pages: int
    layout_samples: list[tuple[str, bytes]]
    layout_state: str  # off | sampling | learning | learned | rejected
    extract_profile: SiteProfile | None  # the profile with the learned layout

    def sample_layout(self, response: Response) -> None:
        """Keep the first articles; once there are enough, learn their layout in a thread."""
        if self.layout_state != "sampling":
            return
        self.layout_samples.append((response.url, response.body))
        if len(self.layout_samples) < self.layout_pages:
            return
        self.layout_state = "learning"
        samples, self.layout_samples = self.layout_samples, []
        d = threads.deferToThread(learn_layout, samples, self.profile)
        d.addCallbacks(self.layout_learned, self.layout_failed)

    def wait_for_layout(self) -> None:
        """``spider_idle``: a crawl that runs dry while its layout is being learned waits for
        the verdict, so that the run record states it (Scrapy re-checks idleness shortly)."""
        if self.layout_state == "learning":
            raise DontCloseSpider

    def layout_learned(self, layout: Layout) -> None:
        stats = self.crawler.stats
        for e in layout.evidence:
            self.logger.info("layout %s", e.line())
        if not layout.holds(LAYOUT_MIN_SHARE):
            self.layout_state = "rejected"
            stats.set_value("profileless/layout", "rejected")
            return
        self.layout_state = "learned"
        self.extract_profile = replace(self.profile, body=layout.body,
                                       body_exclude=layout.body_exclude,
                                       related=layout.related)
        stats.set_value("profileless/layout", layout.body[0])
        stats.set_value("profileless/layout_blocks", len(layout.related))

    def layout_failed(self, failure: Failure) -> None:
        self.layout_state = "rejected"
        self.crawler.stats.set_value("profileless/layout", "failed")
        self.logger.warning("learning the layout failed: %s", failure.getErrorMessage())
