"""Offline mirror fixtures: the sites served over HTTP on loopback (see ``newscrawl_dev.mirror``).

``mirror``, ``generic_mirror`` and ``legacy_mirror`` are shared by the whole session: tests
that count hits should compare ``Counter(mirror.hits)`` before and after.  The newspaper
mirror's flaky articles answer 500/503/429 only to the first request of the session for their path.
``make_mirror(**kwargs)`` starts a private server (any ``MirrorServer`` argument), stopped
after the test; ``served_by_cli(*args)`` runs ``newscrawl mirror serve`` in its own process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from newscrawl_dev.mirror.server import MirrorServer


@pytest.fixture(scope="session")
def mirror() -> Iterator[MirrorServer]:
    """The newspaper-theme mirror of the first site: 60 articles, traps on, revision 1."""
    with MirrorServer(theme="newspaper", articles=60) as server:
        yield server


@pytest.fixture(scope="session")
def generic_mirror() -> Iterator[MirrorServer]:
    """The second site (generic WordPress theme): 40 articles."""
    with MirrorServer(theme="generic", articles=40) as server:
        yield server


@pytest.fixture(scope="session")
def legacy_mirror() -> Iterator[MirrorServer]:
    """The third site (2000s newsroom CMS, query-string URLs, no metadata): 40 articles."""
    with MirrorServer(theme="legacy", articles=40) as server:
        yield server


@pytest.fixture
def make_mirror() -> Iterator[Callable[..., MirrorServer]]:
    """Factory: ``make_mirror(theme=..., articles=..., revision=..., traps=...)``."""
    started: list[MirrorServer] = []

    def make(**kwargs: Any) -> MirrorServer:
        server = MirrorServer(**kwargs).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


# --- helpers for the mirror tests: apply a site profile's selectors with parsel ------------

def _text(node: Any) -> str:
    return " ".join("".join(node.xpath(".//text()").getall()).split())


def profile_body(html: str, profile: Any) -> list[str]:
    """Texts of the body container's paragraphs and subheadings, as the profile selects them."""
    from parsel import Selector

    page = Selector(text=html)
    for css in profile.body:
        found = page.css(css)
        if found:
            container = found[0]
            break
    else:
        return []
    excluded = {n.root for css in profile.body_exclude for n in container.css(css)}
    out = []
    for child in container.xpath("./*"):
        if child.root in excluded or child.root.tag not in ("p", "h2", "h3", "h4", "blockquote"):
            continue
        if any(n.root in excluded for n in child.xpath("ancestor::*")):
            continue
        text = _text(child)
        if text:
            out.append(text)
    return out


def profile_body_links(html: str, profile: Any) -> list[str]:
    """hrefs of the links inside the profile's body container (minus excluded parts)."""
    from parsel import Selector

    page = Selector(text=html)
    container = next((page.css(c)[0] for c in profile.body if page.css(c)), None)
    if container is None:
        return []
    excluded = {n.root for css in profile.body_exclude for n in container.css(css)}
    return [a.attrib["href"] for a in container.css("a[href]")
            if not any(n.root in excluded for n in a.xpath("ancestor-or-self::*"))]


def profile_related(html: str, profile: Any) -> dict[str, list[tuple[str, str]]]:
    """label -> [(href, text)] of the profile's labelled blocks, in page order."""
    import re

    from parsel import Selector

    page = Selector(text=html)
    out: dict[str, list[tuple[str, str]]] = {}
    for spec in profile.related:
        pattern = re.compile(spec.title, re.IGNORECASE) if spec.title else None
        for block in page.css(spec.block):
            if pattern is not None:
                heading = block.css(spec.title_selector)
                if not heading or not pattern.search(_text(heading[0])):
                    continue
            out.setdefault(spec.label, []).extend(
                (a.attrib.get("href", ""), _text(a)) for a in block.css(spec.links))
    return out


@contextmanager
def served_by_cli(*args: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``newscrawl mirror serve ARGS`` on a free port: yields its base URL and manifest, then
    terminates it and checks that it exited cleanly."""
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "mirror", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), line
        base = line.split()[1]
        with urllib.request.urlopen(f"{base}/__manifest__.json", timeout=30) as resp:
            yield base, json.load(resp)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
