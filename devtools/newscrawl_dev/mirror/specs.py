"""The four mirror sites' fixed facts: name, authors, sections, tags, date range, minimum size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from newscrawl_dev.mirror.model import Author, Category, Tag
from newscrawl_dev.mirror.words import slugify

TZ = ZoneInfo("Europe/Bucharest")
# The generic site is a US local newsroom: evening posts fall on the next UTC day.
US_TZ = ZoneInfo("America/New_York")


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
