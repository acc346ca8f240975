"""``extract``: bytes or text of one page in, one :class:`ExtractionResult` out."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from crawler.extraction import selectors as sel
from crawler.extraction.body import Body, generic_body
from crawler.extraction.decode import decode
from crawler.extraction.fields import apply_fields
from crawler.extraction.jsonld import LinkedData
from crawler.extraction.metadata import extract_metadata
from crawler.extraction.options import ExtractOptions
from crawler.extraction.pagetype import ARTICLE_TYPES_SOURCE, page_type
from crawler.extraction.profilebody import (
    body_range,
    profile_body,
    profile_container,
    prove_container,
)
from crawler.extraction.related import related_links
from crawler.extraction.result import ExtractionResult
from crawler.extraction.timelimit import ExtractionTimeout, time_limit
from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

_HTML_TYPES = re.compile(r"^\s*(?:text/html|application/xhtml\+xml|text/plain|text/xml"
                         r"|application/xml)?\s*(?:;|$)", re.IGNORECASE)
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_MARKUP = re.compile(r"<\s*(?:html|head|body|div|p|article|meta|title|!doctype)\b", re.IGNORECASE)
MAX_TREE_NODES = 200_000


def extract(data: bytes | str | None, options: ExtractOptions | None = None) -> ExtractionResult:
    """Extract one page.  Never raises for bad input: failures carry a ``reason``."""
    opts = options or ExtractOptions()
    try:
        with time_limit(opts.timeout):
            return _extract(data, opts)
    except ExtractionTimeout:
        return ExtractionResult.failed("timeout", opts.url)
    except (RecursionError, MemoryError, etree.LxmlError, ValueError) as exc:
        logger.debug("extraction failed for %s: %r", opts.url, exc)
        return ExtractionResult.failed("parse_error", opts.url)
    except Exception:
        logger.exception("unexpected extraction error for %s", opts.url)
        return ExtractionResult.failed("parse_error", opts.url)


def _check_input(data: bytes | str | None, opts: ExtractOptions) -> str | None:
    if data is None or len(data) == 0:
        return "empty_document"
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "replace"))
    if opts.max_bytes and size > opts.max_bytes:
        return "too_large"
    if opts.content_type and not _HTML_TYPES.match(opts.content_type):
        return "unsupported_content_type"
    if isinstance(data, bytes):
        head = data[:4096]
        utf16 = head[:2] in (b"\xff\xfe", b"\xfe\xff")
        if not utf16 and len(_BINARY.findall(head)) > max(8, len(head) // 100):
            return "unsupported_content_type"
    return None


def _parse(text: str) -> lxml.html.HtmlElement | None:
    if not _MARKUP.search(text[:100_000]) and "<" not in text[:2000]:
        return None
    text = text.replace("\x00", "")
    if text.lstrip().startswith("<?xml"):
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    tree = lxml.html.document_fromstring(text, parser=_PARSER)
    if tree is None:
        return None
    if _TREE_NODES(tree) > MAX_TREE_NODES + 1:
        raise ValueError("document tree too large")
    return tree


_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
# The nodes ``tree.iter()`` visits, counted inside libxml2 (no Python proxy per node).
_TREE_NODES = etree.XPath("count(descendant-or-self::*) + count(descendant::comment())"
                          " + count(descendant::processing-instruction())")


def _extract(data: bytes | str | None, opts: ExtractOptions) -> ExtractionResult:
    reason = _check_input(data, opts)
    if reason:
        return ExtractionResult.failed(reason, opts.url)
    assert data is not None
    text, encoding = decode(data, opts.content_type)
    tree = _parse(text)
    if tree is None or not any(t.strip() for t in tree.itertext()):
        return ExtractionResult.failed("empty_body" if tree is not None else "parse_error",
                                       opts.url, encoding=encoding)
    url = opts.url
    if not url:
        base = sel.BASE_HREF(tree)
        url = str(base[0]) if base else ""
    ld = LinkedData(tree)
    meta = extract_metadata(tree, url, ld)
    provenance: dict[str, str] = meta.pop("provenance")
    og_type: str = meta.pop("og_type")
    published_meta: bool = meta.pop("published_meta")

    profile = opts.profile
    if profile is not None and profile.inferred:  # profile-less: the page's own signals
        return _extract_profileless(tree, url, ld, meta, provenance, og_type, encoding, opts)
    if profile is not None and profile.fields:
        apply_fields(meta, provenance, tree, url, profile.fields)
    def generic() -> Body:
        return generic_body(tree, url, ld.get("articleBody") if ld.article else None,
                            meta.get("description"), opts.min_words, opts.include_captions)

    container = _profile_container(tree, profile)
    body = _chosen_body(tree, url, container, profile.body_exclude if profile else (), opts,
                        generic, provenance)
    body.drop_heading(meta.get("title"))
    words = body.word_count
    provenance["text"] = body.source
    body_class = sel.BODY_CLASS(tree)
    kind, kind_source = page_type(url, profile, ld, og_type, words, opts.min_words,
                                  str(body_class[0]) if body_class else "",
                                  published_meta=published_meta, url_known=bool(opts.url))
    provenance["page_type"] = kind_source

    result = ExtractionResult(url=url, page_type=kind, encoding=encoding, **meta)
    reason = None
    if kind != "article":
        reason = "article_type" if kind_source == ARTICLE_TYPES_SOURCE else "not_an_article"
    elif words < opts.min_words:
        reason = "empty_body"
    if reason:
        return ExtractionResult.failed(
            reason, url, page_type=kind, title=result.title,
            page_canonical=result.page_canonical, encoding=encoding,
            provenance={"page_type": kind_source})
    _fill_body(result, body, words)
    if opts.with_related:
        result.related = related_links(tree, url, result.page_canonical, profile, body.elements)
    result.provenance = provenance
    result.ok = True
    return result


def _chosen_body(tree: lxml.html.HtmlElement, url: str, container: etree._Element | None,
                 exclude: tuple[str, ...], opts: ExtractOptions, generic: Callable[[], Body],
                 provenance: dict[str, str], source: str | None = None) -> Body:
    """The container's body when it proves itself against the generic one (the verdict in
    ``provenance["body_container"]``), else the generic body."""
    if container is None:
        return generic()
    body = profile_body(tree, url, container, exclude, opts.include_captions)
    if source is not None:
        body.source = source
    body, provenance["body_container"] = prove_container(tree, container, body, generic,
                                                         opts.min_words)
    return body


def _profile_container(tree: lxml.html.HtmlElement, profile: SiteProfile | None
                       ) -> etree._Element | None:
    """The profile's body element, or the run of elements its body range delimits."""
    if profile is None:
        return None
    if profile.body_start or profile.body_stop:
        return body_range(tree, profile.body, profile.body_start, profile.body_stop)
    return profile_container(tree, profile.body) if profile.body else None


def _extract_profileless(tree: lxml.html.HtmlElement, url: str, ld: LinkedData,
                         meta: dict, provenance: dict[str, str], og_type: str, encoding: str,
                         opts: ExtractOptions) -> ExtractionResult:
    """No site profile: the page type decided by :mod:`crawler.autoprofile.pagesignals`;
    related blocks found by heading, or by the layout the crawl learned
    (:mod:`crawler.autoprofile.layout`: body container, exclusions, blocks), and taken
    out of the page before the body is read."""
    from crawler.autoprofile.pagesignals import classify, early_verdict, read_signals
    from crawler.autoprofile.related_blocks import find_blocks, layout_blocks, number_positions
    from crawler.extraction.related import LinkFilter

    profile = opts.profile
    assert profile is not None
    accept = LinkFilter(url, meta.get("page_canonical"), None, strict=True)
    blocks = []
    if opts.with_related:
        blocks = layout_blocks(tree, profile.related, accept) if profile.related else []
        blocks = blocks or find_blocks(tree, accept)
    skip = {el for b in blocks for el in b.element.iter()}
    signals = read_signals(tree, url, ld, og_type, skip)
    early = early_verdict(signals)
    if early is not None:  # a listing or another page: its body is not read
        return ExtractionResult.failed(
            "not_an_article", url, page_type=early[0], title=meta.get("title"),
            page_canonical=meta.get("page_canonical"), encoding=encoding,
            provenance={"page_type": early[1]})
    for block in blocks:
        parent = block.element.getparent()
        if parent is not None:
            parent.remove(block.element)
    def generic() -> Body:
        return generic_body(tree, url, ld.get("articleBody") if ld.article else None,
                            meta.get("description"))

    container = profile_container(tree, profile.body) if profile.body else None
    body = _chosen_body(tree, url, container, profile.body_exclude, opts, generic, provenance,
                        source="layout+trafilatura")
    body.drop_heading(meta.get("title"))
    words = body.word_count
    kind, rule = classify(signals, words, opts.min_words, bool(meta.get("published_at")))
    provenance["text"] = body.source
    provenance["page_type"] = rule
    if blocks:
        provenance["related"] = "profileless:" + ",".join(
            sorted({f"{b.rule}:{b.label}" for b in blocks}))
    result = ExtractionResult(url=url, page_type=kind, encoding=encoding, **meta)
    if kind != "article" or words < opts.min_words:
        return ExtractionResult.failed(
            "not_an_article" if kind != "article" else "empty_body", url, page_type=kind,
            title=result.title, page_canonical=result.page_canonical, encoding=encoding,
            provenance={"page_type": rule})
    _fill_body(result, body, words)
    if opts.with_related:
        result.related = number_positions(blocks) + related_links(
            tree, url, result.page_canonical, None, body.elements, strict=True)
    result.provenance = provenance
    result.ok = True
    return result


def _fill_body(result: ExtractionResult, body: Body, words: int) -> None:
    result.text = body.text
    result.body_markdown = body.markdown
    result.word_count = words
