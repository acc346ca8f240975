"""Article authors: people apart from credits, from structured data, meta tags and the page.

Sources in trust order: the JSON-LD article's ``author``; author ``<meta>`` tags; byline
elements (``rel=author``, ``itemprop=author``, byline classes, an author list printed next
to the headline); a credit line that opens or closes the body (``<p><strong>Name</strong>``).
Many pages credit the outlet in their metadata (a JSON-LD ``Organization``, the site's own
name, the CMS account named after the site), a news agency (``AFP``, ``dpa``, ``Reuters``)
or a desk (``red``, ``Redaktion X``) and print the reporter on the page: those names are
*credits*, kept apart from the people who wrote the article, and a later source that names
a person still wins the ``authors`` field.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from crawler.extraction import selectors as sel
from crawler.extraction.jsonld import LinkedData, text_of, types_of
from crawler.extraction.titles import clean_space

_URLISH = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+")
_BY = re.compile(r"^(?:(?:written|posted|reported|text|words|story|photos?)\s+)?"
                 r"(?:by|von|por|par|av|af|di|door|od|от|tekst|texto|texte|autor(?:in)?|author"
                 r"|auteur|autore)\s*:?\s+", re.IGNORECASE)
_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_DATEISH = re.compile(r"\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.*$")
_SPLIT_AUTHORS = re.compile(r"\s*(?:,|;|\||&|\s/\s|(?<=[^\W\d_])/(?=[^\W\d_])|\band\b|\bund\b"
                            r"|\by\b|\bet\b|\bog\b|\ben\b|\boch\b|\bi\b|\be\b|\bu\.\b|\bsowie\b"
                            r"|、|・)\s*", re.IGNORECASE)
_AUTHOR_NOISE = re.compile(r"^(?:by|admin|administrator|editor|unknown|"
                           r"anonymous|guest|null|none|undefined)$", re.IGNORECASE)
# A date or time printed after the name in a byline ("Jane Doe - Apr 16, 2015 8:02 pm").
_MONTH_DATE = re.compile(
    r"\s*[-–—|,·]?\s*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r"\s+\d{1,2}(?:st|nd|rd|th)?\b.*$", re.IGNORECASE)
_ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation"}
_TOKEN = re.compile(r"[^\W_]+")
# A credit line's name: two to four capitalised words, or two to four CJK characters.
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*\.?$")
_CJK_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,4}$")


def clean_authors(raw: Iterable[str]) -> list[str]:
    """Names only: no "By", no e-mails/URLs/handles, "A and B" split, duplicates dropped."""
    names: list[str] = []
    for value in raw:
        value = clean_space(_PARENS.sub(" ", _URLISH.sub(" ", value or "")))
        value = _MONTH_DATE.sub("", _DATEISH.sub("", _BY.sub("", value)))
        for part in _SPLIT_AUTHORS.split(value):
            part = _BY.sub("", part.strip(" .:-–—()[]\"'"))
            part = clean_space(part)
            if not part or _AUTHOR_NOISE.match(part) or len(part) > 60:
                continue
            if (not re.search(r"[^\W\d_]", part) or re.search(r"\d", part)
                    or len(part.split()) > 6):
                continue
            if part.lower() not in {n.lower() for n in names}:
                names.append(part)
    return names


def _ld_authors(ld: LinkedData) -> tuple[list[str], str]:
    """Author names of the article node and what they are: ``"organisation"`` (all typed
    so), ``"person"`` (all typed ``Person``) or ``""`` (untyped or mixed).

    ``{"@id": ...}`` references are resolved against the page's other nodes (Yoast and
    other graph generators name the author once, in a separate ``Person`` node).
    """
    value = ld.get("author") or ld.get("creator")
    values = value if isinstance(value, list) else [value]
    by_id = {node["@id"]: node for node in ld.nodes if isinstance(node.get("@id"), str)}
    out, orgs, people = [], 0, 0
    for v in values:
        if isinstance(v, dict) and not v.get("name") and isinstance(v.get("@id"), str):
            v = by_id.get(v["@id"], v)
        if isinstance(v, dict):
            name = text_of(v.get("name"))
            if name:
                out.append(html.unescape(name))
                orgs += bool(_ORGANISATION_TYPES & set(types_of(v)))
                people += "Person" in types_of(v)
        elif isinstance(v, str) and not v.startswith("http"):
            out.append(html.unescape(v))
    kind = "organisation" if orgs == len(out) else "person" if people == len(out) else ""
    return out, kind if out else ""


def _meta_authors(values: dict[str, list[str]]) -> list[str]:
    """Names from the first author meta tag that holds names (not only profile URLs)."""
    for key in sel.META_AUTHOR:
        names = clean_authors(v for v in values.get(key, []) if not _URLISH.fullmatch(v))
        if names:
            return names
    return []


def _byline_authors(tree: HtmlElement) -> list[str]:
    """Names in the page's byline elements: the author links or the name element inside a
    byline when it has them (not the role, date or avatar printed with it); bylines of
    comments and reaction lists are not the article's."""
    out = []
    for el in sel.BYLINE(tree)[:6]:
        if sel.COMMENT_ANCESTORS(el) or sel.BYLINE_INSIDE(el):
            continue
        parts = [clean_space(a.text_content()) for a in sel.AUTHOR_LINKS(el)]
        parts = [t for t in parts if t] or [clean_space(n.text_content())
                                            for n in sel.NAME_ELEMENTS(el)]
        parts = [t for t in parts if t] or [clean_space(el.text_content())]
        out.extend(t for t in parts if t and len(t) <= 80)
        if len(out) >= 2:
            break
    return out[:4]


def _headline_authors(tree: HtmlElement) -> list[str]:
    """An author element printed next to the headline (in the h1's own header block)."""
    for h1 in sel.H1_VISIBLE(tree)[:1]:
        for holder in (h1.getparent(), *list(h1.iterancestors())[1:2]):
            if holder is None:
                continue
            for el in sel.NEAR_HEADLINE_AUTHOR(holder)[:3]:
                links = [clean_space(a.text_content()) for a in sel.LINKS(el)]
                texts = [t for t in links if t] or [clean_space(el.text_content())]
                texts = [t for t in texts if t and len(t) <= 80]
                if texts:
                    return texts
    return []


def _is_name(part: str) -> bool:
    words = part.split()
    if _CJK_NAME.match(part):
        return True
    return 2 <= len(words) <= 4 and all(w[0].isupper() and _NAME_WORD.match(w) for w in words)


def _credit_line_authors(tree: HtmlElement) -> list[str]:
    """A bold credit line opening or closing the body: ``<p><strong>A/B</strong></p>``."""
    best, count = None, 0
    for parent in sel.PARAGRAPH_PARENTS(tree):
        n = sum(1 for child in parent if child.tag == "p")
        if n > count:
            best, count = parent, n
    if best is None:
        return []
    paragraphs = [child for child in best if child.tag == "p"
                  and clean_space(child.text_content())]
    for p in [*paragraphs[:3], *paragraphs[-2:]]:
        marks = [child for child in p if child.tag in ("strong", "b")]
        text = clean_space(p.text_content())
        if len(marks) != 1 or len(p) > 2 or clean_space(marks[0].text_content()) != text:
            continue
        if len(text) > 80 or text.endswith(":"):
            continue
        parts = [clean_space(x) for x in _SPLIT_AUTHORS.split(_BY.sub("", text)) if x.strip()]
        if parts and all(_is_name(x) for x in parts):
            return parts
    return []


# The name a printed byline gives: up to the first comma, bullet, bar or line end.
_PRINTED_NAME = re.compile(r"^([^,·|•\n]{2,60})")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")


def _printed_byline(tree: HtmlElement) -> list[str]:
    """A line the page prints as its byline without marking it up: a short block whose own
    text opens with "By" (``<p>By TPN, in <a>News</a> · 31 Jan 2025</p>``).  The name must
    look like a person's (capitalised words) or an acronym (an outlet or agency)."""
    for el in sel.PRINTED_BYLINE_HOLDERS(tree):
        lead = (el.text or "").lstrip()
        if not _BY.match(lead) or lead.lower().startswith("photo"):
            continue
        text = clean_space(el.text_content())
        if len(text) > 150 or sel.NAV_ANCESTORS(el) or sel.COMMENT_ANCESTORS(el):
            continue
        found = _PRINTED_NAME.match(clean_space(_BY.sub("", text, count=1)))
        if not found:
            continue
        name = clean_space(_MONTH_DATE.sub("", _DATEISH.sub("", found[1])))
        if _is_name(name) or _ACRONYM.match(name) or sel.AGENCY_CREDIT.match(name):
            return [name]
    return []


def _outlet_keys(site_names: Iterable[str]) -> set[str]:
    return {t for n in site_names if n for t in _TOKEN.findall(n.lower()) if len(t) >= 4}


def _is_outlet(names: list[str], site_names: list[str], typed_person: bool = False) -> bool:
    """Every name is the site's own: its name, or (unless typed as a ``Person``) an account
    opening with the site's distinctive word (``Ilanga D`` on Ilanga News)."""
    whole = {n.lower() for n in site_names if n}
    keys = _outlet_keys(site_names)

    def outlet(name: str) -> bool:
        tokens = _TOKEN.findall(name.lower())
        return name.lower() in whole or (not typed_person and bool(tokens)
                                         and tokens[0] in keys)

    return bool(names) and all(outlet(n) for n in names)


def extract_authors(tree: HtmlElement, ld: LinkedData, meta: dict[str, list[str]],
                    site_names: list[str]) -> tuple[list[str], list[str], str | None]:
    """``(people, credits, source)``: the first source naming people; the outlets, agencies
    and desks credited by the sources read up to it go to ``credits``."""
    ld_names, kind = _ld_authors(ld)
    sources = (
        ("json-ld", lambda: clean_authors(ld_names)),
        ("meta", lambda: _meta_authors(meta)),
        ("byline", lambda: _byline_names(tree)),
        ("byline", lambda: _few(clean_authors(_headline_authors(tree)))),
        ("credit-line", lambda: _credit_line_authors(tree)),
        ("printed-byline", lambda: _printed_byline(tree)),
    )
    credits: list[str] = []
    credit_source: str | None = None
    for source, find in sources:
        names = find()
        if not names:
            continue
        person = source == "json-ld" and kind == "person"
        if (source == "json-ld" and kind == "organisation") or _is_outlet(names, site_names,
                                                                            person):
            people, found = [], names
        else:
            credited = [n for n in names if sel.AGENCY_CREDIT.match(n)
                        or (source == "printed-byline" and _ACRONYM.match(n))]
            people = [n for n in names if n not in credited]
            found = credited
        for name in found:
            if name.lower() not in {c.lower() for c in credits}:
                credits.append(name)
                credit_source = credit_source or source
        if people:
            return people, credits, source
    return [], credits, credit_source


def _byline_names(tree: HtmlElement) -> list[str]:
    return _few(clean_authors(_byline_authors(tree)))


def _few(names: list[str]) -> list[str]:
    """A "byline" that lists more than eight names is an index or a link list."""
    return names if len(names) <= 8 else []
