"""Article bodies of the mirror's posts, generated on demand from each post's seed.

A body is paragraphs of word-list text with headings, a figure, an ad slot, inline links to
other articles, an external and a category link (anchor text is part of the expected text).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable

from newscrawl_dev.mirror.content import SiteContent
from newscrawl_dev.mirror.model import Body, BodyBlock, Category, Post
from newscrawl_dev.mirror.seed import CYRILLIC_PARAGRAPHS
from newscrawl_dev.mirror.words import paragraph, sentence, title_words

INLINE_ANCHORS = ("an earlier analysis", "a previous article", "our report on the subject",
                  "a related commentary", "this background piece")


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
