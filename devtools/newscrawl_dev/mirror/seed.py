"""The newspaper site's seed article (text copied from a real page) and the posts it names.

The eight articles its "Latest news" / "Must read" blocks name open with the words the seed
page's excerpts show.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"


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
