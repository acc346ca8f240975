"""A site profile suggested from a sample crawl, with the evidence for each rule.

Input: what a profile-less sample crawl learned (:class:`Sample`): the URL shapes of the
pages it judged, the sitemaps and feeds that answered, the pagination it followed, and the
HTML of the first pages.  Output: :class:`Suggestion`, the profile as a mapping that
:func:`crawler.profiles.parse_profile` accepts, and one :class:`Evidence` line per rule
(sample pages it covers, pages it contradicts), rendered as a commented YAML file by
:func:`render_yaml`.

Selectors (body container, exclusions, related blocks) come from
:func:`crawler.autoprofile.layout.learn_layout` on the sample's article pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.autoprofile.layout import Evidence, learn_layout
from crawler.autoprofile.url_shapes import ShapeBook, shape_regex
from crawler.profiles import RelatedBlock

DEFAULT_EXCLUDE = ("/feed/?$", r"[?&](?:share|replytocom|s)=", "/printable/",
                   "/(?:wp-admin|wp-login|wp-json)/", r"/user/(?:login|register|password)")
PAGINATION = {"path": r"/page/(\d+)/?$", "query": r"[?&]page=(\d+)"}


@dataclass
class Sample:
    base_url: str
    shapes: ShapeBook
    pages: list[tuple[str, str, str, bytes]]  # url, kind, rule, body
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    pagination: set[str] = field(default_factory=set)


@dataclass
class Suggestion:
    profile: dict[str, Any]
    evidence: list[Evidence]
    articles: int  # sample pages judged articles
    problem: str | None = None  # why no profile can be suggested


def _relative(base: str, url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "") if url.startswith(base) \
        else url


def _regex_rules(sample: Sample, kind: str) -> list[Evidence]:
    merged: dict[str, list[int]] = {}
    for shape, stats in sample.shapes.shapes.items():
        if stats.counts.get(kind, 0) == 0 or stats.counts[kind] != max(stats.counts.values()):
            continue
        regex = shape_regex(shape).replace(r"[^/?#]+", r"[^/]+")
        row = merged.setdefault(regex, [0, 0])
        row[0] += stats.counts[kind]
        row[1] += stats.total - stats.counts[kind]
    total = sum(s.counts.get(kind, 0) for s in sample.shapes.shapes.values())
    rules = [Evidence(f"{kind}_url", regex, n, bad, total) for regex, (n, bad) in merged.items()
             if n >= 2 or kind == "listing"]
    return sorted(rules, key=lambda e: -e.covers)


def _block(spec: RelatedBlock) -> dict[str, Any]:
    block: dict[str, Any] = {"label": spec.label, "block": spec.block, "links": spec.links}
    if spec.title:
        block["title"] = spec.title
        block["title_selector"] = spec.title_selector
    return block


def _name(host: str) -> str:
    host = host.split(":")[0].lower()
    label = host if re.match(r"^[\d.]+$", host) else host.split(".")[0]
    return re.sub(r"[^a-z0-9]+", "", label) or "site"


def suggest(sample: Sample) -> Suggestion:
    """The profile for ``sample``'s site, or a Suggestion with ``problem`` set."""
    from crawler.autoprofile.address import profile_from_address, site_key

    judged = Counter(kind for _, kind, _, _ in sample.pages)
    articles = sum(s.counts.get("article", 0) for s in sample.shapes.shapes.values())
    if articles == 0:
        return Suggestion({}, [], 0, problem=(
            f"no page of {sample.base_url} was classified as an article "
            f"({sum(judged.values())} page(s) judged): not a news site, or its articles carry "
            f"no article signals"))
    evidence: list[Evidence] = []
    article_rules = _regex_rules(sample, "article")
    listing_rules = _regex_rules(sample, "listing")
    evidence += article_rules + listing_rules
    profile_obj = profile_from_address(sample.base_url)
    samples = [(url, body) for url, kind, _rule, body in sample.pages if kind == "article"]
    layout = learn_layout(samples, profile_obj)
    evidence += layout.evidence
    form = sorted(sample.pagination)[0] if sample.pagination else "path"
    data: dict[str, Any] = {
        "name": _name(site_key(sample.base_url)),
        "description": f"suggested from a sample of {sample.base_url}; review before use",
        "base_url": sample.base_url,
        "allowed_domains": list(profile_obj.allowed_domains),
        "start_urls": ["/"],
        "sitemaps": [_relative(sample.base_url, u) for u in sample.sitemaps] or ["/robots.txt"],
        "feeds": [_relative(sample.base_url, u) for u in sample.feeds],
        "article_url": [e.value for e in article_rules] or [r"^/[^/]+/?$"],
        "listing_url": [r"^/$"] + [e.value for e in listing_rules],
        "exclude": list(DEFAULT_EXCLUDE),
        "pagination": {"pattern": PAGINATION[form], "max_pages": 50},
        "body": list(layout.body),
        "body_exclude": list(layout.body_exclude),
        "related": [_block(spec) for spec in layout.related],
        "article_types": ["article"],
    }
    if not data["feeds"]:
        del data["feeds"]
    return Suggestion(data, evidence, articles)


def render_yaml(suggestion: Suggestion) -> str:
    """The profile as YAML, each rule preceded by a comment with its evidence."""
    lines = ["# Suggested by `newscrawl profile suggest`: review every rule before use.",
             f"# {suggestion.articles} sample page(s) were judged articles.", "#"]
    lines += [f"#   {e.line()}" for e in suggestion.evidence]
    lines.append("")
    data = dict(suggestion.profile)
    for key, value in data.items():
        comment = [e.line() for e in suggestion.evidence if e.rule == key + "_url"
                   or e.rule == key or (key == "related" and e.rule.startswith("related["))]
        if key in ("article_url", "listing_url", "body", "body_exclude", "related") and comment:
            lines.append(f"# {key}: " + "; ".join(
                f"{e.value} ({e.covers} covered, {e.contradicts} contradicted)"
                for e in suggestion.evidence if e.line() in comment))
        lines.append(yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True,
                                    width=100).rstrip())
    return "\n".join(lines) + "\n"
