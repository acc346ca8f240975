"""``newscrawl extract``: extract articles from HTML files or URLs and print JSON."""

from __future__ import annotations

import argparse

FIELDS = ("source", "ok", "reason", "page_type", "url", "page_canonical", "title", "description",
          "authors", "credits", "published_at", "published_local", "published_day",
          "modified_at", "language", "categories", "tags", "image", "site_name", "word_count",
          "text", "body_markdown", "related", "provenance")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_URL",
                        help="HTML files (.gz read transparently) or http(s) URLs")
    parser.add_argument("--url", default="",
                        help="the page URL of a file (resolves links, picks the profile)")
    parser.add_argument("--site", default="", help="site profile name or path (default: by host)")
    parser.add_argument("--format", choices=("json", "jsonl"), default="jsonl",
                        help="jsonl: one object per line; json: one indented array")
    parser.add_argument("--include-captions", action="store_true",
                        help="keep image captions in the body")


def _read_file(path: str) -> bytes:
    import gzip
    from pathlib import Path

    data = Path(path).read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _fetch(url: str) -> tuple[bytes, str | None, str]:
    """GET ``url`` with the project's User-Agent, bounded in size and time."""
    import urllib.request

    from crawler import settings

    request = urllib.request.Request(url, headers={"User-Agent": settings.USER_AGENT})
    limit = settings.NEWSCRAWL_EXTRACT_MAX_BYTES
    with urllib.request.urlopen(request, timeout=settings.DOWNLOAD_TIMEOUT) as response:
        data = response.read(limit + 1)
        return data, response.headers.get("Content-Type"), response.geturl()


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from crawler.cli import EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
    from crawler.extraction import ExtractOptions, extract
    from crawler.profiles import ProfileError, load_profile, profile_for_url

    try:
        fixed_profile = load_profile(args.site) if args.site else None
    except ProfileError as exc:
        print(f"newscrawl extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    records, failures = [], 0
    for source in args.inputs:
        record: dict[str, object] = {"source": source}
        try:
            if source.startswith(("http://", "https://")):
                data, content_type, url = _fetch(source)
            else:
                data, content_type, url = _read_file(source), None, args.url
        except (OSError, ValueError) as exc:
            failures += 1
            record.update(ok=False, reason=f"unreadable: {exc}")
            records.append(record)
            _emit(args, records)
            continue
        profile = fixed_profile or (profile_for_url(url) if url else None)
        if profile is not None and url and fixed_profile is not None:
            from crawler.urls import in_domains

            if not in_domains(url, profile.allowed_domains):
                profile = profile.with_base_url(url)
        result = extract(data, ExtractOptions(url=url, profile=profile, content_type=content_type,
                                              include_captions=args.include_captions))
        failures += not result.ok
        record.update({k: v for k, v in result.to_dict().items() if k in FIELDS})
        records.append(record)
        _emit(args, records)
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    if failures == 0:
        return EXIT_OK
    return EXIT_FAILURE if failures == len(args.inputs) else EXIT_PARTIAL


def _emit(args: argparse.Namespace, records: list[dict[str, object]]) -> None:
    import json

    if args.format == "jsonl":
        print(json.dumps(records[-1], ensure_ascii=False), flush=True)
