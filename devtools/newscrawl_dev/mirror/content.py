"""Deterministic content of the mirror sites: which posts each site has, with their metadata.

Everything is derived from the theme, the article count and the revision with seeded
``random.Random`` instances, so two generators built with the same arguments produce the
same site.  Only post *metadata* is held in memory; bodies are generated on demand
(:mod:`newscrawl_dev.mirror.bodies`), so a 10,000-article site starts instantly.

The newspaper site contains the seed article (:mod:`newscrawl_dev.mirror.seed`) and the eight
articles its "Latest news" / "Must read" blocks name; everything else is word-list text
(:mod:`newscrawl_dev.mirror.words`).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from newscrawl_dev.mirror.model import Category, Post
from newscrawl_dev.mirror.seed import TARGET_OPENINGS, seed_text
from newscrawl_dev.mirror.specs import SPECS, TZ, SiteSpec
from newscrawl_dev.mirror.words import slugify, title_words

# Articles-category posts other than the seed's targets are older than the oldest target,
# so "Latest news" (newest Articles posts) on the seed page is exactly the seed's list.
ARTICLES_BEFORE = datetime(2023, 1, 31, 23, 0, tzinfo=TZ)
REVISION2_MODIFIED = datetime(2025, 1, 15, 10, 0, tzinfo=TZ)
REVISION2_NEW_DATE = datetime(2024, 12, 16, 9, 0, tzinfo=TZ)
CHANGED_SUFFIX = " (updated)"


def _local(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=TZ)


def _random_date(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds() // 60)
    moment = start + timedelta(minutes=rng.randrange(span))
    return moment.replace(hour=rng.randint(7, 20), second=0, microsecond=0)


@dataclass
class SiteContent:
    """All posts of one site at one revision, newest first in ``posts``."""

    spec: SiteSpec
    posts: list[Post]
    revision: int
    changed: Post | None = None  # the post whose content differs in revision 2
    added: Post | None = None  # the post that only exists from revision 2 on
    special: dict[str, Post] = field(default_factory=dict)

    @functools.cached_property
    def by_category(self) -> dict[str, list[Post]]:
        out: dict[str, list[Post]] = {c.slug: [] for c in self.spec.categories}
        for p in self.posts:
            for c in p.categories:
                out[c.slug].append(p)
        return out

    @functools.cached_property
    def by_tag(self) -> dict[str, list[Post]]:
        out: dict[str, list[Post]] = {t.slug: [] for t in self.spec.tags}
        for p in self.posts:
            for t in p.tags:
                out[t.slug].append(p)
        return {k: v for k, v in out.items() if v}

    @functools.cached_property
    def by_author(self) -> dict[str, list[Post]]:
        out: dict[str, list[Post]] = {a.slug: [] for a in self.spec.authors}
        for p in self.posts:
            for a in p.authors:
                out[a.slug].append(p)
        return {k: v for k, v in out.items() if v}

    @functools.cached_property
    def stable(self) -> list[Post]:
        """Posts in generation order without the revision-2 addition: the pool of picks."""
        return sorted((p for p in self.posts if p is not self.added), key=lambda p: p.index)

    @functools.cached_property
    def stable_by_category(self) -> dict[str, list[Post]]:
        out: dict[str, list[Post]] = {c.slug: [] for c in self.spec.categories}
        for p in self.stable:
            out[p.category.slug].append(p)
        return out

    @functools.cached_property
    def by_id(self) -> dict[int, Post]:
        return {p.id: p for p in self.posts}

    @functools.cached_property
    def by_index(self) -> dict[int, Post]:
        return {p.index: p for p in self.posts}

    @functools.cached_property
    def position(self) -> dict[int, int]:
        """Post id -> position in ``posts`` (newest first)."""
        return {p.id: i for i, p in enumerate(self.posts)}

    def newest(self, pool: list[Post], count: int, exclude: Post | None = None) -> list[Post]:
        out: list[Post] = []
        for p in pool:
            if len(out) == count:
                break
            if p is not exclude:
                out.append(p)
        return out


def build_site(theme: str, articles: int, revision: int = 1) -> SiteContent:
    """Generate the posts of ``theme``'s site (deterministic in all three arguments)."""
    spec = SPECS[theme]
    if articles < spec.min_articles:
        raise ValueError(f"the {theme} mirror needs at least {spec.min_articles} articles")
    if revision not in (1, 2):
        raise ValueError("revision must be 1 or 2")
    rng = random.Random(f"{theme}:{articles}")
    cats = {c.slug: c for c in spec.categories}
    posts: list[Post] = []
    titles: set[str] = set()
    slugs: set[str] = set()
    special: dict[str, Post] = {}

    def add(title: str, when: datetime, category: Category, **kw) -> Post:
        index = len(posts)
        slug = kw.pop("slug", None) or slugify(title)
        base, n = slug, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        titles.add(title)
        prng = random.Random(f"{theme}:{articles}:meta:{index}")
        authors = kw.pop("authors", None) or (prng.choice(spec.authors),)
        extra = [c for c in spec.categories if c is not category]
        categories = (category,) + ((prng.choice(extra),) if prng.random() < 0.1 else ())
        tags = tuple(sorted(prng.sample(spec.tags, prng.randint(1, 3)), key=spec.tags.index))
        modified = when + timedelta(days=prng.choice((0, 0, 0, 1, 3, 12)),
                                    minutes=prng.randint(5, 600))
        post = Post(index=index, id=1000 + 7 * index, slug=slug, title=title, published=when,
                    modified=modified, authors=authors, categories=categories, tags=tags, **kw)
        posts.append(post)
        return post

    if theme == "newspaper":
        seed = seed_text()
        special["seed"] = add(seed.title, _local("2022-10-13T14:05:00"), cats["articles"],
                              fixed_body=seed.body, authors=(spec.authors[0],))
        for title, (opening, iso) in TARGET_OPENINGS.items():
            special[f"target:{title}"] = add(title, _local(iso), cats["articles"],
                                             opening=opening)
        special["mission"] = add("Mission Statement", _local("2021-04-22T12:00:00"),
                                 cats["uncategorized"], slug="mission-statement")
        special["career"] = add("5 Postdoctoral Research Positions of 12 Months",
                                _local("2021-04-19T09:00:00"), cats["career"])
        special["encoding"] = add("Russian-Language Sources on the Minsk Talks",
                                  _local("2021-11-08T10:00:00"), cats["analyses"],
                                  encoding_trap=True)
    else:
        start, end = spec.start, spec.end

    while len(posts) < articles:
        title = title_words(rng)
        if title in titles:
            continue
        category = rng.choices(spec.categories, weights=spec.category_weights)[0]
        if theme == "newspaper":
            end = ARTICLES_BEFORE if category.slug == "articles" else spec.end
            start = spec.start
        add(title, _random_date(rng, start, end), category)

    # generated posts with a role: fixed positions after the fixed posts
    first = len(special)
    roles = ("coauthored", "changed_in_revision_2", "broken", "flaky_500", "flaky_503",
             "flaky_429", "aliased", "duplicated")
    for k, role in enumerate(roles):
        special[role] = posts[first + 1 + k]
    if theme == "generic":
        # 20:59 local (-05:00 or -04:00) is the next day in UTC; the page states its offset.
        late = posts[first + 1 + len(roles)]
        when = late.published.replace(hour=20, minute=59)
        posts[late.index] = special["late_evening"] = replace(
            late, published=when, modified=when + (late.modified - late.published))
        # A CMS that writes every instant in UTC and prints only the local date.
        utc_only = posts[first + 2 + len(roles)]
        when = utc_only.published.replace(hour=21, minute=30)
        posts[utc_only.index] = special["utc_dates"] = replace(
            utc_only, published=when, modified=when + (utc_only.modified - utc_only.published),
            utc_dates=True)
    if theme == "newspaper":
        co = special["coauthored"]
        posts[co.index] = special["coauthored"] = replace(co, authors=spec.authors[1:3])
    changed_index = special["changed_in_revision_2"].index
    added = None
    if revision >= 2:
        old = posts[changed_index]
        posts[changed_index] = replace(old, title=old.title + CHANGED_SUFFIX,
                                       modified=REVISION2_MODIFIED, changed=True)
        special["changed_in_revision_2"] = posts[changed_index]
        if theme == "newspaper":
            title = "Revision Two " + title_words(random.Random(f"{theme}:new"))
            added = add(title, REVISION2_NEW_DATE, spec.categories[1])
            special["added_in_revision_2"] = added
    content = SiteContent(spec=spec, posts=sorted(posts, key=lambda p: p.published,
                                                  reverse=True),
                          revision=revision, special=special)
    content.changed = posts[changed_index] if revision >= 2 else None
    content.added = added
    return content
