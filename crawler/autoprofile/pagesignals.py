"""Is a page an article?  Decided from the page's own signals when no profile says so.

The signals, strongest first: a paywall flag (``isAccessibleForFree: false``), an article
type in JSON-LD, ``og:type=article`` together with ``article:published_time``, a page
type in JSON-LD that is not an article (``WebPage`` alone, ``AboutPage``, ``ProfilePage``,
``CollectionPage``...), repeated teasers (a listing), a static page's name in the URL, a
dated byline.  The result names the rule that decided (``provenance.page_type``).  A page
with weaker evidence (a dated byline and a body, no metadata) comes back as
``signals:byline``: the crawl confirms it from the URL shapes it learned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from crawler.extraction import selectors as sel
from crawler.extraction.jsonld import LinkedData, types_of

NON_ARTICLE_TYPES = re.compile(
    r"^(?:AboutPage|ContactPage|FAQPage|ProfilePage|CollectionPage|ItemList|SearchResultsPage"
    r"|CheckoutPage|Product|Event|Person|QAPage|MedicalWebPage)$", re.IGNORECASE)
LISTING_TYPES = re.compile(r"^(?:CollectionPage|ItemList|SearchResultsPage)$", re.IGNORECASE)
# Names of static pages: a whole last path segment ("about", "privacy-policy").  Longer
# slugs that only start with such a word ("about-time-the-council-acted") are articles.
STATIC_NAMES = re.compile(
    r"^(?:about(?:[-_]us)?|contact(?:[-_]us)?|privacy|terms|imprint|impressum|legal|cookies?"
    r"|subscribe|subscriptions?|newsletters?|advertise|advertising|careers?|jobs|faq|help"
    r"|support(?:[-_]us)?|donate|membership|login|register|account|masthead|team|staff"
    r"|our[-_]team|meet[-_]the[-_]team|who[-_]we[-_]are|mission|accessibility|sitemap|search"
    r"|datenschutz|kontakt|mentions[-_]legales|a[-_]propos|contacto|aviso[-_]legal"
    r"|chi[-_]siamo|contatti|despre(?:[-_]noi)?|confidentialitate|o[-_]nas|kontakty"
    r"|(?:privacy|cookies?|editorial|corrections|ethics|terms|comments?|republishing)"
    r"(?:[-_](?:and|of|policy|policies|statement|notice|standards|guidelines|use|service"
    r"|conditions|corrections))+)$", re.IGNORECASE)
RULE_BYLINE = "signals:byline"
_OUTSIDE = "not(ancestor::aside | ancestor::nav | ancestor::footer)"
_META_PUBLISHED = etree.XPath(
    "//head/meta[@property='article:published_time' or @name='article:published_time'"
    " or @itemprop='datePublished' or @name='date' or @name='publish-date'"
    " or @name='parsely-pub-date' or @name='sailthru.date']/@content")
_BYLINE_TIME = etree.XPath(
    f"//time[{_OUTSIDE}][ancestor::*[contains(@class, 'byline') or contains(@class, 'meta')"
    " or contains(@class, 'author') or contains(@class, 'submitted')"
    " or contains(@class, 'posted') or contains(@class, 'date')]]")
_HEADLINE = "[a[@href]][normalize-space(.) = normalize-space(a)]"
_TEASERS = etree.XPath(
    f"//article[{_OUTSIDE}] | //h2{_HEADLINE}[count(*) = 1][{_OUTSIDE}][not(ancestor::article)]"
    f" | //h3{_HEADLINE}[count(*) = 1][{_OUTSIDE}][not(ancestor::article)]")
_LINKED_HEADLINES = etree.XPath(
    " | ".join(f"//{h}{_HEADLINE}[{_OUTSIDE}][not(ancestor::header[@role='banner']"
               " | ancestor::*[@id='header' or @id='masthead'])]" for h in ("h1", "h2", "h3")))
_PASSWORD = etree.XPath("//input[@type='password'][ancestor::form]")
MIN_TEASERS = 4


@dataclass
class PageSignals:
    article_schema: bool = False
    other_schema: str = ""
    listing_schema: bool = False
    paywalled: bool = False
    og_type: str = ""
    published_meta: bool = False
    dated_byline: bool = False
    teasers: int = 0
    linked_headlines: int = 0  # headings that are links to other pages: teasers
    static_name: bool = False
    login_form: bool = False


def _free(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("false", "true"):
        return value.strip().lower() == "true"
    return None


def read_signals(tree: etree._Element, url: str, ld: LinkedData, og_type: str,
                 skip: set[etree._Element] | frozenset = frozenset()) -> PageSignals:
    """The page-type signals of one page (``skip``: elements of related blocks)."""
    types = ld.all_types()
    s = PageSignals(og_type=(og_type or "").lower())
    s.article_schema = ld.article is not None and any(sel.ARTICLE_TYPES.match(t)
                                                      for t in types_of(ld.article))
    if not s.article_schema:
        s.other_schema = next((t for t in types if NON_ARTICLE_TYPES.match(t)), "")
        if not s.other_schema and types and all(t in ("WebPage", "WebSite", "BreadcrumbList",
                                                      "Organization", "ImageObject")
                                               for t in types) and "WebPage" in types:
            s.other_schema = "WebPage"
    s.listing_schema = any(LISTING_TYPES.match(t) for t in types)
    for node in ld.nodes:
        if _free(node.get("isAccessibleForFree")) is False:
            s.paywalled = True
    s.published_meta = bool(_META_PUBLISHED(tree)) or bool(ld.get("datePublished"))
    s.dated_byline = bool(_BYLINE_TIME(tree))
    s.teasers = sum(1 for el in _TEASERS(tree) if el not in skip)
    s.linked_headlines = sum(1 for el in _LINKED_HEADLINES(tree) if el not in skip)
    last = [seg for seg in urlsplit(url).path.split("/") if seg][-1:] or [""]
    s.static_name = bool(STATIC_NAMES.match(last[0])) or bool(
        sel.NON_ARTICLE_PATHS.search(urlsplit(url).path or "/"))
    s.login_form = bool(_PASSWORD(tree))
    return s


def early_verdict(s: PageSignals) -> tuple[str, str] | None:
    """The page type when the signals alone rule the page out as an article (no body
    needed: a listing or another page is not read further), else None."""
    if s.paywalled:
        return "other", "signals:paywalled"
    strong = s.article_schema or (s.og_type.startswith("article") and s.published_meta)
    if s.static_name and not s.article_schema:
        return "other", "signals:static-name"
    # Yoast and others describe some posts as a WebPage with a date: og says article then.
    if s.other_schema and not s.article_schema and not (s.other_schema == "WebPage" and strong):
        kind = "listing" if s.listing_schema or s.teasers >= MIN_TEASERS else "other"
        return kind, f"json-ld:{s.other_schema}"
    if s.teasers >= MIN_TEASERS and not strong:
        return "listing", "signals:teasers"
    if s.teasers >= 2 * MIN_TEASERS and not s.article_schema:
        return "listing", "signals:teasers"
    if s.og_type in ("website", "profile", "object", "book", "product") and not strong:
        return "other", "meta:og:type"
    if s.linked_headlines and not strong:
        return "listing", "signals:linked-headlines"
    return None


def classify(s: PageSignals, words: int, min_words: int, has_date: bool) -> tuple[str, str]:
    """``(page type, rule)`` from the page's signals and its body."""
    early = early_verdict(s)
    if early is not None:
        return early
    strong = s.article_schema or (s.og_type.startswith("article") and s.published_meta)
    if strong and has_date and words >= min_words:
        return "article", "signals:json-ld" if s.article_schema else "signals:og+published"
    if s.login_form and words < 4 * min_words:
        return "other", "signals:login-form"
    if s.dated_byline and has_date and words >= min_words:
        return "article", RULE_BYLINE
    return "other", "signals:none"
