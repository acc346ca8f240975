"""Every generic selector and XPath of the extractor, compiled once at import.

Site-specific selectors live in the site profiles (``crawler/sites/*.yaml``), never here.
"""

from __future__ import annotations

import re

from lxml.etree import XPath

# --- <head> metadata ------------------------------------------------------------------------
JSONLD_SCRIPTS = XPath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
META = XPath("//meta[@content]")
TITLE = XPath("//head/title | //title")
HTML_LANG = XPath("/html/@lang | /html/@xml:lang")
CANONICAL = XPath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
H1 = XPath("//h1")
# An h1 in navigation (breadcrumbs, menus) or inside a link is not the page's headline.
H1_VISIBLE = XPath('//h1[not(ancestor::nav or ancestor::a or ancestor::aside or ancestor::footer'
                   ' or ancestor::*[@role="navigation"])]')
# Where pages without a usable h1 print their headline: an h2 heading the article.
HEADLINE_H2 = XPath('(//article//header//h2 | //article//h2[contains(@class, "title")'
                    ' or contains(@class, "headline")])[not(ancestor::a or ancestor::nav'
                    ' or ancestor::aside or ancestor::footer)]')
TIME_DATETIME = XPath("//time[@datetime]")
# A date the page labels as its last update, not its publication.
UPDATED_CLASS = re.compile(r"updated|modified|aktualisiert", re.IGNORECASE)
UPDATED_LABEL = re.compile(
    r"(?:updated|modified|aktualisiert|geändert|mis à jour|modifié|actualizado|atualizado"
    r"|aggiornato|bijgewerkt|oppdatert|opdateret|uppdaterad|päivitetty|güncelleme"
    r"|aktualizováno|обновлено)\s*(?:on|am|le|el|em|il|op|:)?\s*:?\s*$", re.IGNORECASE)
# Dates printed for readers: time elements and date/byline lines outside navigation, sidebars,
# footers and comments, modification dates left out (read in page order).
PRINTED_DATES = XPath(
    '//*[self::time or @itemprop="datePublished" or contains(@class, "date")'
    ' or contains(@class, "posted-on") or contains(@class, "published")'
    ' or contains(@class, "byline")][not(@itemprop="dateModified")'
    ' and not(contains(@class, "modified"))'
    ' and not(ancestor::nav or ancestor::aside or ancestor::footer'
    ' or ancestor::*[contains(@class, "comment")])]')

# Meta names/properties in trust order for each field (lower-cased keys).
META_TITLE = ("og:title", "twitter:title", "dc.title", "sailthru.title", "parsely-title")
META_DESCRIPTION = ("description", "og:description", "twitter:description", "dc.description")
META_AUTHOR = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author",
               "byl", "cxenseparse:author", "twitter:creator")
META_PUBLISHED = ("article:published_time", "og:article:published_time", "published_time",
                  "article:published", "datepublished", "pubdate", "publishdate",
                  "publish-date", "date", "dc.date.issued", "dc.date", "dcterms.created",
                  "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime",
                  "article.published", "og:published_time")
META_MODIFIED = ("article:modified_time", "og:updated_time", "og:article:modified_time",
                 "modified_time", "datemodified", "last-modified", "dcterms.modified",
                 "article.updated")
META_SECTION = ("article:section", "og:article:section", "section", "parsely-section")
META_TAG = ("article:tag", "og:article:tag", "news_keywords", "keywords", "parsely-tags")
META_IMAGE = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
              "twitter:image:src")
META_SITE_NAME = ("og:site_name", "application-name", "apple-mobile-web-app-title",
                  "publisher", "twitter:site")
META_LANGUAGE = ("og:locale", "content-language", "language", "dc.language")
META_OG_TYPE = ("og:type",)
META_URL = ("og:url",)

# --- On-page metadata ------------------------------------------------------------------------
_BYLINE_CLASSES = ("author-name", "authorName", "entry-author", "post-author",
                   "article-author", "td-post-author-name", "tdb-author-name")
# A byline class in any case ("byline", "FeatureByline"); the cheap substring tests first,
# so that the exact ones run on few elements.
BYLINE = XPath(
    '//*[@rel="author" or @itemprop="author" or ((contains(@class, "uthor")'
    ' or contains(@class, "yline") or contains(@class, "YLINE")) and ('
    'contains(concat(" ", normalize-space(@class), " "), " author ")'
    ' or contains(translate(@class, "BYLINE", "byline"), "byline")'
    + "".join(f' or contains(@class, "{c}")' for c in _BYLINE_CLASSES) + "))]"
)
# Inside a byline element: the author links, the name element (not the role or avatar).
AUTHOR_LINKS = XPath('.//a[@rel="author" or contains(@href, "/author") or @itemprop="author"'
                     ' or contains(@href, "/autor") or contains(@href, "/auteur")'
                     ' or contains(@href, "/journalist") or contains(@href, "/profile")]')
NAME_ELEMENTS = XPath('.//*[contains(@class, "name") or @itemprop="name"]'
                      '[not(.//*[contains(@class, "name") or @itemprop="name"])]')
BYLINE_INSIDE = XPath('ancestor::*[@rel="author" or @itemprop="author"'
                      ' or contains(concat(" ", normalize-space(@class), " "), " author ")]')
COMMENT_ANCESTORS = XPath('ancestor::*[contains(@class, "comment") or contains(@id, "comment")'
                          ' or contains(@class, "reaction") or contains(@class, "avatar")]')
# News agencies and desk credits: credited, but not the people who wrote the article.
AGENCY_CREDIT = re.compile(
    r"^(?:afp|ap|associated press|reuters|dpa|dpa-afx|apa|sda|keystone-sda|kna|epd|efe|ansa"
    r"|europa press|xinhua|pa|pa media|press association|tt|ntb|ritzau|kyodo|yonhap|aap|čtk|ctk"
    r"|pap|tass|ria novosti|interfax|ians|pti|ani|uni|anadolu|aa|dha|iha|agence france-presse"
    r"|agencias?|agencies|agências?|agenzie|agenturen|wires?|wire services?|red|red\."
    r"|(?:die |la |el |a )?(?:redaktion|rédaction|redacción|redação|redazione|redactie"
    r"|redaksjonen|redaktionen|redakce|redakcja)(?:\s+\S.*)?"
    r"|(?:news|web|online|city|metro|sports?|foreign|national) ?desk|newsdesk|staff"
    r"|staff (?:reporters?|writers?))$", re.IGNORECASE)
# An author element in the headline's own block, whatever the case of its class name.
NEAR_HEADLINE_AUTHOR = XPath(
    './/*[contains(translate(@class, "AUTHOR", "author"), "author") and not('
    + " or ".join(f'contains(translate(@class, "{w.upper()}", "{w}"), "{w}")'
                  for w in ("img", "image", "avatar", "photo", "bio", "desc", "social",
                            "follow", "about"))
    + ")]")
# The article's own category links, as a reader sees them (WordPress rel="category",
# tagDiv entry-category links); an article's own footer holds them in WordPress themes, the
# page's footer, navigation and sidebars do not.  Tested on ``a`` elements only: every page
# runs it.
CATEGORY_LINKS = XPath(
    '//a[contains(@rel, "category") or contains(@class, "entry-category")'
    ' or contains(../../@class, "td-category")]'
    '[not(ancestor::nav or ancestor::aside or ancestor::footer[not(ancestor::article)])]')
# Breadcrumb trails (Home > Section > Article): their inner links name the sections.
BREADCRUMB_LINKS = XPath(
    '//*[contains(@class, "readcrumb")'
    ' or @aria-label[contains(translate(., "BREADCUMS", "breadcums"), "breadcrumb")]]//a[@href]')
TAG_LINKS = XPath('//a[@rel="tag" and not(contains(@rel, "category"))]'
                  ' | //*[contains(@class, "tdb-tags") or contains(@class, "td-tags")]//a'
                  ' | //*[contains(@class, "post-tags") or contains(@class, "entry-tags")]//a')
FIGURE_CAPTION = XPath(".//figcaption | .//*[contains(@class, 'wp-caption-text')]"
                       " | .//*[contains(@class, 'caption-text')]")
IMAGE_REFS = XPath("//img[@src or @data-src] | //a[@href][@data-caption]")

# --- Body ------------------------------------------------------------------------------------
CAPTIONS = XPath(".//figcaption | .//*[contains(@class, 'wp-caption-text')]"
                 " | .//*[contains(@class, 'caption') and not(self::p)]")
PARAGRAPH_PARENTS = XPath(".//p/..")
# The text a reader sees: no scripts, styles or templates.
VISIBLE_TEXT = XPath("//body//text()[not(ancestor::script or ancestor::style"
                     " or ancestor::noscript or ancestor::template)]")
# A container of body chunks that a page splits with ads or embeds (same tag and class).
SAME_CLASS_ELEMENTS = "//{tag}[@class=$cls]"

# Lines that are never article text when they open or close a body.
EDGE_BOILERPLATE = re.compile(
    r"^\s*(?:image source\s*:.*|photo(?:graph)?s?\s*(?:credit|source)?\s*:.*|foto\s*:.*"
    r"|share(?: this)?(?: article| story| on \w+)?:?|tweet|print|e-?mail"
    r"|advertisement|anzeige|werbung|publicité|publicidad"
    r"|read more:?|read (?:also|next):?.*|related:?|see also:?.*|more on this:?.*"
    r"|tell us what you think.*|(?:\d+\s+)?comments?|leave a (?:comment|reply).*"
    r"|(?:sign up|subscribe) (?:to|for) .*newsletters?.*|get the latest .* inbox.*"
    r"|follow (?:us|@\w+) on .*|click here for more information\.?.*"
    r"|.*delivered (?:through your letterbox|to your inbox).*"
    r"|copyright\b.*|©.*|all rights reserved\.?|\[/?\w+[^\]]*\].*\[/\w+\])\s*$",
    re.IGNORECASE,
)

# --- Page type -------------------------------------------------------------------------------
ARTICLE_TYPES = re.compile(
    r"^(?:Article|NewsArticle|BlogPosting|Report|ReportageNewsArticle|AnalysisNewsArticle"
    r"|OpinionNewsArticle|BackgroundNewsArticle|ReviewNewsArticle|AskPublicNewsArticle"
    r"|ScholarlyArticle|TechArticle|SatiricalArticle|LiveBlogPosting|Review|SocialMediaPosting"
    r"|DiscussionForumPosting|Posting|Blog)$", re.IGNORECASE)
LISTING_TYPES = re.compile(r"^(?:CollectionPage|ItemList|SearchResultsPage)$",
                           re.IGNORECASE)
OTHER_TYPES = re.compile(r"^(?:AboutPage|ContactPage|FAQPage|CheckoutPage|Product|Event)$",
                         re.IGNORECASE)
ARTICLE_OG_TYPES = ("article", "news", "blog", "newsarticle")
NON_ARTICLE_PATHS = re.compile(
    r"^/(?:[a-z]{2}/)?(?:about(?:-us)?|contact(?:-us)?|privacy(?:-policy)?|terms|imprint|impressum"
    r"|team|project|proiect|subprojects?|faq|search|login|register|cart|shop)/?$",
    re.IGNORECASE)
# WordPress (and themes copying it) name the template in <body class>.
BODY_CLASS = XPath("//body/@class")
STATIC_BODY_CLASSES = {"page-template-default", "page-template", "page"}
LISTING_BODY_CLASSES = {"archive", "category", "tag", "author", "blog", "home", "search",
                        "search-results", "date"}
POST_BODY_CLASSES = {"single", "single-post", "postid"}
LISTING_PATHS = re.compile(
    r"/(?:category|tag|tags|topic|topics|author|section|archive|page)/|/\d{4}/(?:\d{2}/)?$",
    re.IGNORECASE)

# --- Related links ---------------------------------------------------------------------------
NAV_ANCESTORS = XPath('ancestor::nav | ancestor::header | ancestor::footer | ancestor::aside'
                      ' | ancestor::*[@role="navigation"]')
MENU_ANCESTORS = XPath('ancestor::nav | ancestor::*[@role="navigation"]'
                       ' | ancestor::*[contains(@class, "menu")]')
BODY_LINK_HOLDERS = XPath(".//p | .//li | .//h2 | .//h3 | .//h4 | .//blockquote")
LINKS = XPath(".//a[@href]")
BASE_HREF = XPath("//base/@href")
NON_ARTICLE_LINK = re.compile(
    r"/(?:category|tag|tags|author|topic|topics|page|feed|wp-admin|wp-login|wp-content|wp-json"
    r"|search|comments?)/|[?&](?:share|replytocom|s)=|^mailto:|^tel:|^javascript:"
    r"|\.(?:jpe?g|png|gif|webp|svg|pdf|zip|mp3|mp4)(?:$|\?)",
    re.IGNORECASE)
SHARE_HOSTS = re.compile(
    r"(?:^|\.)(?:facebook\.com|twitter\.com|x\.com|linkedin\.com|pinterest\.com|reddit\.com"
    r"|t\.me|telegram\.me|wa\.me|whatsapp\.com|vk\.com|tumblr\.com|plus\.google\.com)$",
    re.IGNORECASE)
# Blocks that may print a byline as plain text ("By Jane Doe, in News").
PRINTED_BYLINE_HOLDERS = XPath('//p | //div | //span | //address')
# The page's paragraphs, weighed as prose inside or outside a profile's body container.
PROSE_CANDIDATES = XPath('//p')
