"""Deterministic content of the mirror sites: posts, authors, categories, tags and body text.

Everything is derived from the theme, the article count and the revision with seeded
``random.Random`` instances, so two generators built with the same arguments produce the
same site.  Only post *metadata* is held in memory; bodies are generated on demand
(:func:`post_body`), so a 10,000-article site starts instantly.

The newspaper site contains the seed article (text copied from a real page) and the eight
articles its "Latest news" / "Must read" blocks name; everything else is word-list text.

About 600 lines of data and generators: the site's authors, sections, posts and bodies, all
drawn from one seeded sequence; split, the seeds of one part would shift another's.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

DATA = Path(__file__).parent / "data"
TZ = ZoneInfo("Europe/Bucharest")
# The generic site is a US local newsroom: evening posts fall on the next UTC day.
US_TZ = ZoneInfo("America/New_York")

FUNCTION_WORDS = ("the", "of", "and", "in", "to", "a", "for", "with", "on", "that", "is",
                  "was", "by", "as", "from", "its", "which", "has", "this", "their")


@dataclass(frozen=True)
class Author:
    slug: str
    name: str
    bio: str


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    id: int


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str


@dataclass(frozen=True)
class Post:
    """One article's metadata; its body comes from :func:`post_body`."""

    index: int  # position in generation order: the seed of its text
    id: int  # WordPress post id
    slug: str
    title: str
    published: datetime
    modified: datetime
    authors: tuple[Author, ...]
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...]
    opening: str = ""  # fixed first paragraph (seed block targets)
    fixed_body: tuple[tuple[str, str], ...] = ()  # (tag, text) blocks: the seed article
    changed: bool = False  # the revision-2 change applies to this post
    language: str = "en"
    encoding_trap: bool = False  # body has Cyrillic text; page is served as windows-1251
    utc_dates: bool = False  # every instant on the page in UTC, only the local date printed

    @property
    def category(self) -> Category:
        return self.categories[0]


@dataclass(frozen=True)
class BodyBlock:
    tag: str  # p | h2 | h3 | figure | ad | source
    html: str  # inner HTML (figure: the whole <figure>)
    text: str  # text the extractor should produce ("" for figure/ad/source)


@dataclass(frozen=True)
class Body:
    blocks: tuple[BodyBlock, ...]
    inline: tuple[tuple[Post, str], ...]  # (target post, anchor text) in page order

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.text)

    @property
    def plain(self) -> str:
        """All visible body words joined by spaces (what a teaser excerpt is cut from)."""
        return " ".join(b.text for b in self.blocks if b.text)


@functools.cache
def vocabulary() -> tuple[str, ...]:
    lines = (DATA / "words.txt").read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def slugify(text: str, max_words: int = 20) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    return "-".join(words[:max_words])


def excerpt(text: str, words: int) -> str:
    """tagDiv's excerpt: the first ``words`` words and "..." when the text is longer."""
    parts = text.split()
    return " ".join(parts) if len(parts) <= words else " ".join(parts[:words]) + "..."


@functools.cache
def _mixed_words() -> tuple[str, ...]:
    """Vocabulary plus function words weighted to about a third of all words drawn."""
    vocab = vocabulary()
    copies = max(1, round(len(vocab) * 0.35 / 0.65 / len(FUNCTION_WORDS)))
    return vocab + FUNCTION_WORDS * copies


def sentence(rng: random.Random, lo: int = 8, hi: int = 20) -> str:
    words = rng.choices(_mixed_words(), k=rng.randint(lo, hi))
    if len(words) > 9 and rng.random() < 0.4:
        words[rng.randint(3, len(words) - 4)] += ","
    words[0] = words[0][0].upper() + words[0][1:]
    return " ".join(words) + "."


def paragraph(rng: random.Random, sentences: tuple[int, int] = (3, 7)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def title_words(rng: random.Random) -> str:
    vocab = vocabulary()
    n = rng.randint(4, 9)
    words = [rng.choice(vocab) if i % 3 != 1 or rng.random() < 0.5 else rng.choice(FUNCTION_WORDS)
             for i in range(n)]
    out = " ".join(w if w in FUNCTION_WORDS else w[0].upper() + w[1:] for w in words)
    out = out[0].upper() + out[1:]
    if rng.random() < 0.3:
        out += ": " + " ".join(rng.choice(vocab).capitalize() for _ in range(2))
    if rng.random() < 0.15:
        out += "?"
    return out


# --- the seed article ------------------------------------------------------------------


@dataclass(frozen=True)
class SeedText:
    title: str
    crumb: str
    body: tuple[tuple[str, str], ...]  # (tag, text)
    latest: tuple[tuple[str, str], ...]  # (title, excerpt)
    must_read: tuple[tuple[str, str], ...]


SEED_SUBHEADINGS = (
    "Lukashenko’s first visit to Abkhazia",
    "Lukashenko convened meetings to discuss military security",
)


@functools.cache
def seed_text() -> SeedText:
    """Parse the copied text of the real seed page (see ``data/seed-article.txt``)."""
    lines = [ln.strip() for ln in
             (DATA / "seed-article.txt").read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    crumb, title = lines[0], lines[1]
    start = lines.index(SEED_SUBHEADINGS[0])
    end = lines.index("Image source:")
    body = tuple(("h2" if ln in SEED_SUBHEADINGS else "p", ln) for ln in lines[start:end])
    i_latest, i_must, i_end = (lines.index("Latest news"), lines.index("Must read"),
                               next(i for i, ln in enumerate(lines)
                                    if ln.startswith("You might also like")))
    pairs = lambda seq: tuple(zip(seq[0::2], seq[1::2], strict=True))  # noqa: E731
    return SeedText(title=title, crumb=crumb, body=body,
                    latest=pairs(lines[i_latest + 1:i_must]),
                    must_read=pairs(lines[i_must + 1:i_end]))


# Opening paragraphs of the seed's block targets: each starts with the words the seed
# page's excerpts show (19 words for "Latest news", 9 for "Must read").
TARGET_OPENINGS = {
    "The Legacy": (
        "More than a year has passed since the beginning of the war launched by Russia "
        "against Ukraine, or rather of its new phase, and the question of what it leaves "
        "behind has become unavoidable.", "2023-04-12T09:30:00"),
    "Weapons for Russia? Brief Notes on Alexander Lukashenko’s Visit to Beijing": (
        "After Vladimir Putin's visit to Minsk last year, Western leaders feared he might "
        "pressure Alexander Lukashenko to send the Belarusian army into Ukraine.",
        "2023-03-27T11:00:00"),
    "The Convergence of the Crisis in News and the War in Ukraine": (
        "We accept it as axiomatic. The news industry must cover what's important. But we "
        "forget two things: first, that the news business is itself in a deep crisis.",
        "2023-03-19T10:15:00"),
    "One Year of War on Romania’s Border – Short- and Long-Term Consequences": (
        "After almost one year of war on Romania's border, we are all wondering if and how "
        "the war in Ukraine will end and what it will leave behind.", "2023-02-22T08:45:00"),
    "The Peaceful Atom in Times of War": (
        "Seemingly, the EU has almost exhausted the inventory of sanctions to impose on "
        "Russia after the invasion of Ukraine, but nuclear energy remains untouched.",
        "2023-02-10T12:20:00"),
    "How did Bulgaria Conceal Its Military Assistance to Ukraine during the War?": (
        "With the announcement of the fifth round of legislative elections, since April "
        "2021, Bulgaria is facing an unprecedented level of political instability.",
        "2023-02-03T10:00:00"),
}

CYRILLIC_PARAGRAPHS = (
    "В заявлении министерства говорится: «Мы не признаём так называемые референдумы и "
    "призываем к диалогу».",
    "Газета «Коммерсантъ» писала, что переговоры в Минске продолжались почти четыре часа, "
    "но итоговый документ так и не был подписан.",
)


# --- sites ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSpec:
    key: str  # theme name: newspaper | generic | drupal
    name: str  # site name
    tagline: str
    authors: tuple[Author, ...]
    categories: tuple[Category, ...]
    category_weights: tuple[int, ...]
    tags: tuple[Tag, ...]
    start: datetime
    end: datetime
    min_articles: int


def _authors(names: list[tuple[str, str, str]]) -> tuple[Author, ...]:
    return tuple(Author(slug=s, name=n, bio=f"{n} writes about {b}.") for s, n, b in names)


NEWSPAPER = SiteSpec(
    key="newspaper", name="Romanian Centre for Russian Studies",
    tagline="Research on Russia and the post-Soviet space",
    authors=_authors([("rcrs", "RCRS Editorial Team", "Russia and its neighbours"),
                      ("aionescu", "Andrei Ionescu", "Eastern European politics"),
                      ("mpopescu", "Maria Popescu", "security studies"),
                      ("ddumitrescu", "Dan Dumitrescu", "energy and sanctions"),
                      ("estan", "Elena Stan", "media and propaganda"),
                      ("vmarin", "Victor Marin", "the Black Sea region")]),
    categories=(Category("articles", "Articles", 5), Category("analyses", "Analyses", 7),
                Category("career", "Career", 3), Category("uncategorized", "Uncategorized", 1),
                Category("interviews", "Interviews", 9)),
    category_weights=(50, 25, 8, 7, 10),
    tags=tuple(Tag(slugify(n), n) for n in (
        "Ukraine", "Belarus", "Moldova", "Romania", "Black Sea", "energy", "sanctions",
        "media", "propaganda", "NATO", "European Union", "Caucasus", "Kremlin", "elections",
        "security", "history", "Transnistria", "Georgia", "Central Asia", "economy")),
    start=datetime(2020, 1, 15, tzinfo=TZ), end=datetime(2024, 11, 30, tzinfo=TZ),
    min_articles=20,
)

GENERIC = SiteSpec(
    key="generic", name="The Riverside Chronicle", tagline="News from the valley",
    authors=_authors([("jharlow", "Jane Harlow", "the town council"),
                      ("tokafor", "Tom Okafor", "local business"),
                      ("lberg", "Lena Berg", "schools and housing"),
                      ("rmensah", "Rui Mensah", "arts and culture")]),
    categories=(Category("local", "Local", 2), Category("business", "Business", 3),
                Category("politics", "Politics", 4), Category("culture", "Culture", 5)),
    category_weights=(35, 25, 25, 15),
    tags=tuple(Tag(slugify(n), n) for n in (
        "council", "schools", "river", "transport", "housing", "festival", "budget", "jobs")),
    start=datetime(2021, 3, 1, tzinfo=US_TZ), end=datetime(2024, 10, 31, tzinfo=US_TZ),
    min_articles=12,
)

DRUPAL = SiteSpec(
    key="drupal", name="Harbour City Courier", tagline="Independent news for the harbour city",
    authors=_authors([("nadia-varga", "Nadia Varga", "city hall and its budgets"),
                      ("owen-pryce", "Owen Pryce", "the port and the economy"),
                      ("sofia-lindqvist", "Sofia Lindqvist", "health and the environment"),
                      ("marcus-adeyemi", "Marcus Adeyemi", "sport and culture")]),
    categories=(Category("city", "City", 3), Category("economy", "Economy", 4),
                Category("environment", "Environment", 5), Category("sport", "Sport", 6)),
    category_weights=(35, 25, 25, 15),
    tags=tuple(Tag(slugify(n), n) for n in (
        "harbour", "ferries", "council", "budget", "climate", "football", "housing", "tourism")),
    start=datetime(2022, 2, 1, tzinfo=TZ), end=datetime(2024, 9, 30, tzinfo=TZ),
    min_articles=20,
)

LEGACY = SiteSpec(
    key="legacy", name="The Lakeside Courier", tagline="Serving the lake country since 1911",
    authors=_authors([("mbrandt", "Margaret Brandt", "city hall"),
                      ("okeller", "Owen Keller", "schools"),
                      ("psantos", "Paula Santos", "courts and police"),
                      ("dwhitfield", "Dale Whitfield", "sports"),
                      ("rnakamura", "Rachel Nakamura", "business")]),
    categories=(Category("local", "Local News", 2), Category("business", "Business", 3),
                Category("sports", "Sports", 4), Category("opinion", "Opinion", 5)),
    category_weights=(40, 25, 25, 10),
    tags=tuple(Tag(slugify(n), n) for n in (
        "city council", "schools", "lake", "police", "taxes", "high school football",
        "downtown", "county fair")),
    start=datetime(2003, 2, 1, tzinfo=TZ), end=datetime(2009, 12, 20, tzinfo=TZ),
    min_articles=10,
)

SPECS = {"newspaper": NEWSPAPER, "generic": GENERIC, "legacy": LEGACY, "drupal": DRUPAL}

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


INLINE_ANCHORS = ("an earlier analysis", "a previous article", "our report on the subject",
                  "a related commentary", "this background piece")

# --- bodies -----------------------------------------------------------------------------


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def post_body(post: Post, content: SiteContent, base: str, url_for: Callable[[Post], str],
              category_url: Callable[[Category], str]) -> Body:
    """The body of ``post``: blocks in page order and the inline article links.

    ``url_for(post)`` and ``category_url(category)`` give absolute URLs.  Inline links to
    other articles, one external link and one category link are put inside paragraphs;
    their anchor text is part of the expected text.
    """
    blocks: list[BodyBlock] = []
    inline: list[tuple[Post, str]] = []
    if post.fixed_body:
        for tag, text in post.fixed_body:
            blocks.append(BodyBlock(tag, _esc(text), text))
        blocks.append(BodyBlock("source", "<em>Image source:</em>", ""))
        return Body(tuple(blocks), ())
    rng = random.Random(f"body:{content.spec.key}:{post.index}")
    paras = [paragraph(rng) for _ in range(rng.randint(5, 8))]
    paras[0] = _first_paragraph(post, paras[0])
    if post.encoding_trap:
        paras[1:1] = list(CYRILLIC_PARAGRAPHS)
    if post.changed:
        paras[1] = ("Update: this article was revised after new information became "
                    "available. " + paragraph(random.Random(f"rev2:{post.index}"), (2, 3)))
    html = [_esc(p) for p in paras]
    texts = list(paras)
    # inline links to other articles (0-2), an external link, a category link
    others = content.stable
    n_links = post.index % 3
    pick = random.Random(f"inline:{content.spec.key}:{post.index}")
    slots = [2, 4]
    for k in range(n_links):
        for _ in range(10):
            target = others[pick.randrange(len(others))]
            if target is not post and target.id not in {t.id for t, _ in inline}:
                break
        else:
            continue
        # anchor text independent of the target's title, which revision 2 may change
        anchor = INLINE_ANCHORS[pick.randrange(len(INLINE_ANCHORS))]
        i = slots[k] if slots[k] < len(paras) else len(paras) - 1
        html[i] += (f' As we noted in <a href="{url_for(target)}">{_esc(anchor)}</a>, '
                    "the debate is far from over.")
        texts[i] += f" As we noted in {anchor}, the debate is far from over."
        inline.append((target, anchor))
    if post.index % 7 == 0:
        html[1] += (' See also the <a href="https://www.example.org/report" rel="noopener" '
                    'target="_blank">report of the observers</a>.')
        texts[1] += " See also the report of the observers."
    if post.index % 11 == 0:
        cat = post.category
        html[-1] += f' More in <a href="{category_url(cat)}">{_esc(cat.name)}</a>.'
        texts[-1] += f" More in {cat.name}."
    heads = [title_words(rng) for _ in range(2)]
    order: list[BodyBlock] = []
    for i, (h, t) in enumerate(zip(html, texts, strict=True)):
        if i == 1:
            order.append(BodyBlock("h2", _esc(heads[0]), heads[0]))
        if i == len(paras) - 2:
            order.append(BodyBlock("h3", _esc(heads[1]), heads[1]))
        order.append(BodyBlock("p", h, t))
        if i == 2:
            order.append(BodyBlock("figure", _figure(post, base, rng), ""))
        if i == 3:
            order.append(BodyBlock("ad", "", ""))
    order.append(BodyBlock("source", 'Image source: <a href="https://commons.wikimedia.org/">'
                           "Wikimedia Commons</a>", ""))
    return Body(tuple(order), tuple(inline))


def _first_paragraph(post: Post, generated: str) -> str:
    if post.opening:
        return post.opening + " " + generated
    if post.encoding_trap:
        return "Café owners in Chișinău told us: “nobody expected this” – " + generated
    return generated


@functools.lru_cache(maxsize=50_000)
def lead_text(post: Post, site_key: str) -> str:
    """The start of the body's visible text (at least 24 words): what excerpts are cut from.

    Draws the same random numbers as :func:`post_body`, so it always agrees with it.
    """
    if post.fixed_body:
        return " ".join(text for _, text in post.fixed_body[:2])
    rng = random.Random(f"body:{site_key}:{post.index}")
    rng.randint(5, 8)
    return _first_paragraph(post, paragraph(rng))


def _figure(post: Post, base: str, rng: random.Random) -> str:
    caption = _esc(sentence(rng, 4, 8))
    n = 500 + post.index
    src = f"/wp-content/uploads/{post.published:%Y/%m}/{post.slug[:30]}-inline.jpg"
    return (f'<figure id="attachment_{n}" aria-describedby="caption-attachment-{n}" '
            f'style="width: 696px" class="wp-caption aligncenter"><img decoding="async" '
            f'class="size-large wp-image-{n}" src="{base}{src}" alt="" width="696" '
            f'height="464" /><figcaption id="caption-attachment-{n}" class="wp-caption-text">'
            f"{caption}</figcaption></figure>")


def image_caption(post: Post) -> str:
    rng = random.Random(f"caption:{post.index}")
    return sentence(rng, 4, 9)
