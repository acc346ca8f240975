"""The Drupal site's fixed nodes and paths: basic pages, the paywalled article, the live blog,
the login page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LIVE_BLOG_INDEX = 12  # generation index of the post rendered as a live blog
PAYWALL_SLUG = "inside-the-port-authoritys-plan-for-the-eastern-docks"
PAYWALL_TITLE = "Inside the Port Authority's Plan for the Eastern Docks"
PAYWALL_DATE = datetime.fromisoformat("2024-09-28T08:30:00+02:00")
LOGIN = "/user/login"
Page = tuple[int, str, dict[str, str]]  # status, HTML, extra headers


@dataclass(frozen=True)
class StaticPage:
    title: str
    words: int  # paragraphs of filler: long pages look like articles by length
    updated: str = ""  # "Last updated" line (a date on a page that is not an article)


STATIC = {
    "/about-us": StaticPage("About us", 3),
    "/contact": StaticPage("Contact", 0),
    "/privacy-policy": StaticPage("Privacy policy", 4, "March 3, 2023"),
    "/subscribe": StaticPage("Subscribe", 1),
    "/editorial-standards-and-corrections-policy": StaticPage(
        "Editorial standards and corrections policy", 5, "January 12, 2024"),
}
