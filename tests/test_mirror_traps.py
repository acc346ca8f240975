"""The pages real crawls meet: errors, redirects, conditional GET, robots, sitemaps, feeds,
listings, aliases, duplicates, odd bodies and endless traps."""

from __future__ import annotations

import http.client
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from parsel import Selector
from protego import Protego

from crawler.urls import canonicalize


def raw(base_url: str, target: str, method: str = "GET",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request, no redirects followed, no retries."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        if target.startswith("http"):
            split = urlsplit(target)
            target = split.path + (f"?{split.query}" if split.query else "")
        conn.request(method, target, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def locs(xml: bytes) -> list[str]:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return [e.text or "" for e in ET.fromstring(xml).iter(f"{ns}loc")]


def test_flaky_articles_fail_once_then_serve(make_mirror) -> None:
    m = make_mirror()
    for flaky in m.manifest["trap_urls"]["flaky"]:
        status, headers, _ = raw(m.base_url, flaky["url"])
        assert status == flaky["first_status"]
        if flaky["retry_after"]:
            assert headers["retry-after"] == flaky["retry_after"]
        assert raw(m.base_url, flaky["url"])[0] == 200
        assert m.hits[urlsplit(flaky["url"]).path] == 2


def test_redirects(mirror) -> None:
    traps = mirror.manifest["trap_urls"]
    chain = traps["redirect_chain"]
    url = chain["url"]
    for location, status in chain["hops"]:
        got, headers, _ = raw(mirror.base_url, url)
        assert (got, headers["location"]) == (status, location)
        url = location
    assert raw(mirror.base_url, chain["target"])[0] == 200
    short = traps["shortlink"]
    status, headers, _ = raw(mirror.base_url, short["url"])
    assert (status, headers["location"]) == (301, short["target"])
    one = traps["page_one_redirect"]
    status, headers, _ = raw(mirror.base_url, one["url"])
    assert (status, headers["location"]) == (301, one["target"])
    assert raw(mirror.base_url, traps["not_found"])[0] == 404
    assert raw(mirror.base_url, "/category/articles/page/99/")[0] == 404


def test_conditional_get_and_head(mirror) -> None:
    article = mirror.manifest["articles"][3]
    path = urlsplit(article["url"]).path
    assert raw(mirror.base_url, path, headers={"If-None-Match": article["etag"]})[0] == 304
    assert raw(mirror.base_url, path, headers={"If-None-Match": '"other"'})[0] == 200
    ims = {"If-Modified-Since": article["last_modified"]}
    assert raw(mirror.base_url, path, headers=ims)[0] == 304
    old = {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"}
    assert raw(mirror.base_url, path, headers=old)[0] == 200
    status, headers, body = raw(mirror.base_url, path, method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 50_000
    assert headers["content-type"] == "text/html; charset=UTF-8"
    recorded = [r for r in mirror.requests if r[1] == path and r[2].get("If-None-Match")]
    assert recorded and recorded[-1][2]["If-None-Match"] == '"other"'


def test_robots_txt(mirror) -> None:
    status, headers, body = raw(mirror.base_url, "/robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    robots = Protego.parse(body.decode())
    base = mirror.base_url
    assert not robots.can_fetch(f"{base}/wp-admin/options.php", "newscrawl")
    assert robots.can_fetch(f"{base}/wp-admin/admin-ajax.php", "newscrawl")
    for url in mirror.manifest["trap_urls"]["disallowed"]:
        assert not robots.can_fetch(url, "newscrawl"), url
    assert robots.can_fetch(mirror.manifest["seed_url"], "newscrawl")
    assert list(robots.sitemaps) == [f"{base}/sitemap_index.xml"]


def test_sitemaps_list_every_article_once(mirror) -> None:
    manifest = mirror.manifest
    index = locs(raw(mirror.base_url, "/sitemap_index.xml")[2])
    assert f"{mirror.base_url}/post-sitemap2.xml" in index
    assert f"{mirror.base_url}/news-sitemap.xml" in index
    posts = [u for s in index if "/post-sitemap" in s for u in locs(raw(mirror.base_url, s)[2])]
    assert sorted(posts) == sorted(a["url"] for a in manifest["articles"])
    news = raw(mirror.base_url, "/news-sitemap.xml")[2].decode()
    assert news.count("<news:publication_date>") == 10 and "<news:title>" in news
    pages = locs(raw(mirror.base_url, "/page-sitemap.xml")[2])
    assert f"{mirror.base_url}/about-us/" in pages


def test_feed_lists_every_article(mirror) -> None:
    status, headers, body = raw(mirror.base_url, "/feed/")
    assert status == 200 and headers["content-type"].startswith("application/rss+xml")
    channel = ET.fromstring(body).find("channel")
    items = channel.findall("item")
    assert sorted(i.findtext("link") for i in items) == sorted(
        a["url"] for a in mirror.manifest["articles"])
    dc = "{http://purl.org/dc/elements/1.1/}creator"
    encoded = "{http://purl.org/rss/1.0/modules/content/}encoded"
    first = items[0]
    assert first.findtext(dc) and first.findtext("pubDate") and first.findtext("category")
    assert "<p>" in first.findtext(encoded)
    cat = ET.fromstring(raw(mirror.base_url, "/category/career/feed/")[2])
    assert all("Career" in [c.text for c in i.findall("category")]
               for i in cat.find("channel").findall("item"))


def test_listing_pagination_covers_every_article(mirror) -> None:
    manifest = mirror.manifest
    article_urls = {a["url"] for a in manifest["articles"]}
    found: set[str] = set()
    for listing in manifest["listings"]:
        if listing["kind"] not in ("category", "home"):
            continue
        url, pages = listing["url"], 0
        while url:
            status, _, body = raw(mirror.base_url, url)
            assert status == 200, url
            page = Selector(text=body.decode("utf-8"))
            loop = page.css("div.tdb_loop")
            found |= set(loop.css("h3.entry-title a::attr(href)").getall())
            pages += 1
            url = loop.css("div.page-nav a[aria-label=next-page]::attr(href)").get()
        assert pages == listing["pages"], listing["url"]
    assert found == article_urls


def test_aliases_and_the_duplicate_serve_the_same_article(mirror) -> None:
    traps = mirror.manifest["trap_urls"]
    original = next(a for a in mirror.manifest["articles"] if a["url"] == traps["aliased"]["url"])
    assert original["aliases"] == traps["aliased"]["aliases"]
    for alias in original["aliases"]:
        status, _, body = raw(mirror.base_url, alias)
        assert status == 200, alias
        page = Selector(text=body.decode("utf-8"))
        assert page.css("link[rel=canonical]::attr(href)").get() == original["url"]
        assert canonicalize(alias) == original["url"] or alias == original["url"].rstrip("/")
    dup = traps["duplicate"]
    assert mirror.manifest["duplicates"] == [dup]
    status, _, copy = raw(mirror.base_url, dup["url"])
    _, _, first = raw(mirror.base_url, dup["original_url"])
    copy_page, first_page = Selector(text=copy.decode()), Selector(text=first.decode())
    assert copy_page.css("link[rel=canonical]::attr(href)").get() == dup["url"]
    body = "div.tdb_single_content"
    assert copy_page.css(body).get() == first_page.css(body).get()
    assert dup["url"] not in {a["url"] for a in mirror.manifest["articles"]}


def test_odd_bodies(mirror) -> None:
    traps = mirror.manifest["trap_urls"]
    status, headers, body = raw(mirror.base_url, traps["huge"]["url"])
    assert status == 200 and len(body) >= 5 * 1024 * 1024
    status, headers, body = raw(mirror.base_url, traps["empty"])
    assert (status, body) == (200, b"") and headers["content-type"].startswith("text/html")
    status, headers, body = raw(mirror.base_url, traps["binary"])
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"\x00" in body or not body.isascii()
    assert raw(mirror.base_url, "/wp-content/uploads/2022/05/rcrs-project-summary.pdf")[1][
        "content-type"] == "application/pdf"
    project = raw(mirror.base_url, "/project/")[2].decode()
    pdf, image = (n["url"] for n in mirror.manifest["non_articles"]
                  if n["kind"] in ("pdf", "image"))
    assert pdf in project and image in project
    status, headers, body = raw(mirror.base_url, image)
    assert headers["content-type"] == "image/png" and body.startswith(b"\x89PNG")
    assert raw(mirror.base_url, pdf)[2].startswith(b"%PDF-")


def test_truncated_and_wrongly_encoded_articles(mirror) -> None:
    arts = {a["url"]: a for a in mirror.manifest["articles"]}
    broken = arts[mirror.manifest["trap_urls"]["truncated"]]
    _, _, body = raw(mirror.base_url, broken["url"])
    text = body.decode()
    assert "</html>" not in text and "</p>" not in text.split("tdb_single_content")[1]
    assert [r["label"] for r in broken["related"]] == ["inline"] * len(broken["related"])
    assert broken["body"].split("\n\n")[-1].split()[-1] in text

    encoded = arts[mirror.manifest["trap_urls"]["encoding"]]
    _, headers, body = raw(mirror.base_url, encoded["url"])
    assert headers["content-type"] == "text/html"  # no charset in HTTP
    assert b'<meta charset="UTF-8" />' in body  # and a wrong one in the page
    try:
        body.decode("utf-8")
        raise AssertionError("the page should not be valid UTF-8")
    except UnicodeDecodeError:
        pass
    page = Selector(text=body.decode("windows-1251"))
    paragraphs = page.css(".tdb_single_content .tdb-block-inner > :is(p, h2, h3)")
    text = "\n\n".join(" ".join("".join(p.xpath(".//text()").getall()).split())
                       for p in paragraphs[:-1])
    assert "Коммерсантъ" in encoded["body"] and "Chișinău" in encoded["body"]
    assert text.replace("\n\n", " ").split() == encoded["body"].split()


def test_endless_traps_never_end(mirror) -> None:
    calendar = mirror.manifest["trap_urls"]["calendar"]
    for _ in range(30):
        status, _, body = raw(mirror.base_url, calendar)
        assert status == 200
        calendar = Selector(text=body.decode()).css("a.next::attr(href)").get()
    assert calendar.endswith("month=2026-07")
    status, _, body = raw(mirror.base_url, "/events/page/5000/")
    assert status == 200
    assert Selector(text=body.decode()).css("a.next::attr(href)").get().endswith("/page/5001/")


def test_every_trap_is_linked_from_the_pages(mirror) -> None:
    footer = raw(mirror.base_url, "/")[2].decode()
    traps = mirror.manifest["trap_urls"]
    for url in [traps["redirect_chain"]["url"], traps["not_found"], traps["calendar"],
                traps["endless_pagination"], traps["huge"]["url"], traps["empty"],
                traps["binary"], traps["duplicate"]["url"], traps["shortlink"]["url"],
                *traps["disallowed"], *traps["aliased"]["aliases"][::2]]:
        assert url.replace("&", "&amp;") in footer, url
    aliased = raw(mirror.base_url, traps["aliased"]["url"])[2].decode()
    assert f'<link rel="amphtml" href="{traps["aliased"]["aliases"][1]}"' in aliased


def test_without_traps_nothing_odd_is_served(make_mirror) -> None:
    m = make_mirror(traps=False)
    manifest = m.manifest
    home = raw(m.base_url, "/")[2].decode()
    assert "/go/old-link/" not in home and "/calendar/" not in home
    assert raw(m.base_url, "/go/old-link/")[0] == 404
    for article in manifest["articles"]:
        status, headers, body = raw(m.base_url, article["url"])
        assert status == 200 and headers["content-type"] == "text/html; charset=UTF-8"
        assert body.rstrip().endswith(b"</html>")


def test_set_revision_switches_content_live(make_mirror) -> None:
    m = make_mirror(traps=False)
    before = {a["url"]: a for a in m.manifest["articles"]}
    changed = m.manifest["changed_in_revision_2"]
    m.set_revision(2)
    assert m.revision == 2 and m.manifest["revision"] == 2
    for url, article in before.items():
        status, headers, body = raw(m.base_url, url, headers={"If-None-Match": article["etag"]})
        if url == changed:
            assert status == 200 and headers["etag"] != article["etag"]
            assert f"{article['title']} (updated)".encode() in body
        else:
            assert status == 304, url
    added = m.manifest["added_in_revision_2"]
    assert raw(m.base_url, added)[0] == 200
    sitemap = b"".join(raw(m.base_url, p)[2] for p in ("/post-sitemap.xml", "/post-sitemap2.xml"))
    assert added.encode() in sitemap
