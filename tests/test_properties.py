"""Property-based tests (Hypothesis) of URL canonicalisation and page decoding."""

from __future__ import annotations

import codecs
from urllib.parse import quote

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from crawler.extraction.decode import decode
from crawler.urls import canonicalize

SETTINGS = settings(max_examples=300, deadline=None)
# Reserved characters mean something else percent-encoded (RFC 3986 2.2), plus % and \\.
RESERVED = set(":/?#[]@!$&'()*+,;=%\\")

label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
hosts = st.builds(lambda parts, tld: ".".join([*parts, tld]),
                  st.lists(label, min_size=1, max_size=3), st.sampled_from(["com", "eu", "org"]))
segment = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                  min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))
paths = st.lists(segment, max_size=4)
params = st.lists(st.tuples(label, st.text(alphabet="abcxyz019 -_", max_size=6)), max_size=4,
                  unique_by=lambda kv: kv[0])


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, str, list[str], list[tuple[str, str]]]:
    scheme = draw(st.sampled_from(["http", "https"]))
    host = draw(hosts)
    path = draw(paths)
    query = [(k, v) for k, v in draw(params) if not k.startswith("utm")]
    return scheme, host, path, query


def build(scheme: str, host: str, path: list[str], query: list[tuple[str, str]],
          port: str = "", fragment: str = "", slash: bool = True) -> str:
    encoded = "/".join(quote(p, safe="") for p in path)
    url = f"{scheme}://{host}{port}/{encoded}"
    if path and slash:
        url += "/"
    if query:
        url += "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query)
    return url + (f"#{fragment}" if fragment else "")


@SETTINGS
@given(st.text())
@example("http://[::1")  # an unclosed IPv6 literal
@example("http://host:99999/")  # a port out of range
@example("http://host:port/")  # a port that is not a number
@example("http://h\x00st/")
def test_canonicalize_never_raises_and_is_idempotent(text: str) -> None:
    once = canonicalize(text)
    assert isinstance(once, str)
    assert canonicalize(once) == once


@SETTINGS
@given(urls())
def test_canonical_urls_are_idempotent(parts) -> None:
    once = canonicalize(build(*parts))
    assert canonicalize(once) == once


@SETTINGS
@given(urls(), st.data())
def test_equivalent_urls_map_to_one_key(parts, data) -> None:
    scheme, host, path, query = parts
    key = canonicalize(build(scheme, host, path, query))
    default_port = ":80" if scheme == "http" else ":443"
    shuffled = data.draw(st.permutations(query))
    tracking = [*shuffled, ("utm_source", "newsletter"), ("fbclid", "x1")]
    variants = [
        build(scheme.upper(), host.upper(), path, query),  # case of scheme and host
        build(scheme, host, path, query, port=default_port),  # the default port
        build(scheme, host, path, query, fragment="comments"),  # a fragment
        build(scheme, host, path, shuffled),  # query order
        build(scheme, host, path, tracking),  # tracking parameters
        build(scheme, host + ".", path, query),  # the root label's dot
        "  " + build(scheme, host, path, query) + "\n",  # white space around
    ]
    if path and "." not in path[-1]:
        variants.append(build(scheme, host, path, query, slash=False))  # no trailing slash
        variants.append(build(scheme, host, [*path, "amp"], query))  # the AMP version
    unicode_path = f"{scheme}://{host}/" + "/".join(path) + ("/" if path else "")
    if not query and all(p.strip() == p and not set(p) & RESERVED for p in path):
        variants.append(unicode_path)  # the IRI: the path not percent-encoded
    for variant in variants:
        assert canonicalize(variant) == key, variant


# --- page decoding ----------------------------------------------------------------------
content_types = st.one_of(st.none(), st.text(max_size=40),
                          st.sampled_from(["text/html", "text/html; charset=utf-8",
                                           "text/html; charset=windows-1251",
                                           "text/html; charset=nonsense",
                                           "text/html; charset=utf-16"]))
ENCODINGS = ["utf-8", "windows-1251", "cp1252", "iso-8859-2", "koi8-r", "shift_jis",
             "gb18030", "utf-16-le", "euc-kr"]


@SETTINGS
@given(st.binary(max_size=4096), content_types)
@example(codecs.BOM_UTF16_LE + b"\x00", None)  # an odd number of UTF-16 bytes
@example(b'<meta charset="utf-32">\xff', None)
@example(b"\xff\xfe\x00\x00abc", "text/html")  # a UTF-32 BOM that is not one
def test_decode_never_raises(data: bytes, content_type: str | None) -> None:
    text, encoding = decode(data, content_type)
    assert isinstance(text, str) and isinstance(encoding, str)
    assert decode(text, content_type) == (text, "str")  # text is passed through as it is


@SETTINGS
@given(st.text(min_size=1, max_size=400), st.sampled_from(ENCODINGS))
def test_declared_encoding_round_trips(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    assume(data.decode(encoding) == text)  # Shift_JIS writes both "¥" and "\\" as 0x5C
    assume(not any(data.startswith(bom) for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                                                    codecs.BOM_UTF16_BE)))
    decoded, used = decode(data, f"text/html; charset={encoding}")
    assert decoded == text
    # Decoding is idempotent: the text re-encoded in the encoding found decodes the same.
    assert decode(decoded.encode(used), f"text/html; charset={used}")[0] == decoded


@SETTINGS
@given(st.text(min_size=1, max_size=400))
def test_undeclared_utf8_is_read_as_utf8(text: str) -> None:
    data = text.encode("utf-8")
    assume(not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)))
    assume("charset" not in text.lower())
    assert decode(data)[0] == text
