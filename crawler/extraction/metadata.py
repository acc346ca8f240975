"""Article metadata with provenance: JSON-LD first, then ``<meta>`` tags, then the page.

Each field records where its value came from (``json-ld``, ``meta:<name>``, ``h1``,
``time``, ``byline``, ``htmldate`` ...), so a data team can judge how far to trust it.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extraction import selectors as sel
from crawler.extraction.authors import extract_authors
from crawler.extraction.dates import publication_dates
from crawler.extraction.jsonld import LinkedData, text_of, types_of
from crawler.extraction.titles import choose_title, clean_space


class MetaTags:
    """``<meta>`` contents by lower-cased ``name``/``property``/``itemprop``/``http-equiv``."""

    def __init__(self, tree: HtmlElement) -> None:
        self.values: dict[str, list[str]] = defaultdict(list)
        for el in sel.META(tree):
            content = clean_space(el.get("content"))
            if not content:
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = (el.get(attr) or "").strip().lower()
                if key:
                    self.values[key].append(content)

    def first(self, keys: tuple[str, ...]) -> tuple[str | None, str | None]:
        for key in keys:
            if self.values.get(key):
                return self.values[key][0], f"meta:{key}"
        return None, None

    def all(self, keys: tuple[str, ...]) -> tuple[list[str], str | None]:
        for key in keys:
            if self.values.get(key):
                return list(self.values[key]), f"meta:{key}"
        return [], None


# --- the whole record ------------------------------------------------------------------------

def extract_metadata(tree: HtmlElement, url: str, ld: LinkedData) -> dict[str, Any]:
    """All metadata fields plus ``provenance``; absent fields are None or empty lists."""
    meta = MetaTags(tree)
    prov: dict[str, str] = {}
    out: dict[str, Any] = {}

    def put(field: str, value: Any, source: str | None) -> None:
        out[field] = value
        if value and source:
            prov[field] = source

    publisher = text_of(ld.first("publisher"))
    site_name, src = publisher, "json-ld"
    if not site_name:
        site_name, src = meta.first(sel.META_SITE_NAME)
    put("site_name", site_name, src)

    # title
    h1s = [el.text_content() for el in sel.H1_VISIBLE(tree)[:1]]
    headings = [] if h1s else [el.text_content() for el in sel.HEADLINE_H2(tree)[:1]]
    metas: list[tuple[str, str]] = []
    for key in ("headline", "name"):
        headline = text_of(ld.get(key))
        if headline:
            metas.append(("json-ld", html.unescape(headline)))
    for key in sel.META_TITLE:
        for v in meta.values.get(key, [])[:1]:
            metas.append((f"meta:{key}", v))
    titles = sel.TITLE(tree)
    if titles:
        metas.append(("title", titles[0].text_content()))
    host = urlsplit(url).hostname or ""
    site_names = [n for n in (site_name, publisher, *meta.values.get("og:site_name", []),
                              *meta.values.get("application-name", []),
                              host.removeprefix("www."), host.removeprefix("www.").split(".")[0])
                  if n]
    title, src = choose_title(h1s, metas, site_names, headings)
    put("title", title, src)

    description, src = (text_of(ld.get("description")), "json-ld")
    if not description:
        description, src = meta.first(sel.META_DESCRIPTION)
    put("description", clean_space(description) or None, src)

    # authors
    authors, credits, src = extract_authors(tree, ld, meta.values, site_names)
    put("authors", authors, src)
    put("credits", credits, None if authors else src)

    # dates
    dates = publication_dates(tree, url, ld, meta.values)
    for name in ("published_at", "published_local", "published_day", "modified_at"):
        out[name] = getattr(dates, name)
    prov.update(dates.provenance)

    # language
    langs = sel.HTML_LANG(tree)
    language, src = (str(langs[0]).strip() if langs else None), "html-lang"
    if not language:
        language, src = text_of(ld.get("inLanguage")), "json-ld"
    if not language:
        language, src = meta.first(sel.META_LANGUAGE)
    put("language", _lang(language), src)

    # categories and tags
    categories, src = _categories(tree, url, ld, meta)
    put("categories", categories, src)
    keywords = ld.get("keywords")
    tags = (keywords if isinstance(keywords, list)
            else [k for k in re.split(r"\s*,\s*", keywords)] if isinstance(keywords, str) else [])
    src = "json-ld"
    if not tags:
        tags = [clean_space(a.text_content()) for a in sel.TAG_LINKS(tree)]
        src = "links"
    if not tags:
        raw, src = meta.all(sel.META_TAG)
        tags = [t for v in raw for t in re.split(r"\s*,\s*", v)]
    put("tags", _unique(t for t in tags if isinstance(t, str)), src)

    # image, canonical
    image, src = ld.get("image"), "json-ld"
    image_url = text_of(image) if not isinstance(image, list) else text_of(image[0])
    caption = text_of(image.get("caption")) if isinstance(image, dict) else None
    if not image_url:
        image_url, src = meta.first(sel.META_IMAGE)
    if image_url:
        image_url = urljoin(url, image_url)
        caption = caption or _image_caption(tree, url, image_url)
    put("image", {"url": image_url, "caption": caption} if image_url else None, src)
    canonical = [str(h).strip() for h in sel.CANONICAL(tree) if str(h).strip()]
    src = "link:canonical"
    if not canonical:
        og, src = meta.first(sel.META_URL)
        canonical = [og] if og else []
    put("page_canonical", urljoin(url, canonical[0]) if canonical else None, src)

    out["og_type"] = (meta.first(sel.META_OG_TYPE)[0] or "").lower()
    out["published_meta"] = bool(meta.values.get("article:published_time"))
    out["provenance"] = prov
    return out


def _lang(value: str | None) -> str | None:
    """The primary language subtag, lower-cased (``en-US`` -> ``en``)."""
    if not value:
        return None
    value = value.replace("_", "-").split(",")[0].strip().split("-")[0].lower()
    return value if value.isalpha() and 2 <= len(value) <= 3 else None


def _image_caption(tree: HtmlElement, page_url: str, image_url: str) -> str | None:
    """The caption printed with the top image on the page (figure, caption block, lightbox)."""
    for el in sel.IMAGE_REFS(tree):
        ref = el.get("src") or el.get("data-src") or el.get("href") or ""
        if urljoin(page_url, ref.strip()) != image_url:
            continue
        for holder in (el, *list(el.iterancestors())[:4]):
            if holder.get("data-caption"):
                return clean_space(holder.get("data-caption"))
            found = sel.FIGURE_CAPTION(holder)
            if found:
                return clean_space(found[0].text_content()) or None
    return None


def _categories(tree: HtmlElement, url: str, ld: LinkedData, meta: MetaTags
                ) -> tuple[list[str], str | None]:
    """Sections: what the reader sees (category links, breadcrumbs) wins over structured data.

    Category links win when they name other sections than the structured data; a
    breadcrumb trail (which also names parent sections) when it lacks a structured one.

    A JSON-LD ``articleSection`` or meta section that joins several sections in one string
    (``"Business,Technology"``) is split.
    """
    section = ld.get("articleSection")
    structured = _split_sections(section if isinstance(section, list) else [section])
    src: str | None = "json-ld"
    if not structured:
        raw, src = meta.all(sel.META_SECTION)
        structured = _split_sections(raw)
    known = {s.lower() for s in structured}
    visible = _unique(a.text_content() for a in sel.CATEGORY_LINKS(tree))
    if visible and {v.lower() for v in visible} != known:
        return visible, "links"
    if not visible:
        # A trail also names the parent sections: it disagrees only when it lacks one.
        trail = _breadcrumb_sections(tree, url)
        if trail and not (known and known <= {t.lower() for t in trail}):
            return trail, "breadcrumbs"
    return structured, src if structured else None


_SECTION_SEPARATORS = re.compile(r"\s*[,;|]\s*")


def _split_sections(values: list[Any]) -> list[str]:
    return _unique(part for v in values if isinstance(v, str)
                   for part in _SECTION_SEPARATORS.split(v))


def _breadcrumb_sections(tree: HtmlElement, url: str) -> list[str]:
    """The inner links of a breadcrumb trail: not the home page, not the article itself."""
    page = urlsplit(url)
    names = []
    for a in sel.BREADCRUMB_LINKS(tree):
        target = urlsplit(urljoin(url, (a.get("href") or "").strip()))
        if target.path in ("", "/") or (target.netloc, target.path) == (page.netloc, page.path):
            continue
        names.append(a.text_content())
    return _unique(names)


def _unique(values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        v = clean_space(v)
        if len(v) >= 2 and len(v) <= 100 and v.lower() not in {s.lower() for s in seen}:
            seen[v] = None
    return list(seen)


def is_article_node(node: dict[str, Any] | None) -> bool:
    return bool(node) and any(sel.ARTICLE_TYPES.match(t) for t in types_of(node))
