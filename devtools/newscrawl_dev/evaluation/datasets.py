"""The benchmark pages in ``bench/extraction`` (see its README)."""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def bench_dir() -> Path:
    """The benchmark data: ``NEWSCRAWL_BENCH_DIR``, else ``bench/extraction`` in the current
    directory or one of its parents (the data is not installed with any package)."""
    configured = os.environ.get("NEWSCRAWL_BENCH_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents, *Path(__file__).resolve().parents):
        candidate = folder / "bench" / "extraction"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("bench/extraction not found: run from the repository or set "
                            "NEWSCRAWL_BENCH_DIR")


@dataclass(frozen=True)
class Page:
    dataset: str  # "extraction" | "metadata" | "readability"
    id: str
    path: str
    url: str
    expected: dict[str, Any]

    def html(self) -> bytes:
        return gzip.decompress(Path(self.path).read_bytes())


def extraction_pages(root: Path | None = None) -> list[Page]:
    folder = (root or bench_dir()) / "extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [Page("extraction", key, str(folder / "html" / f"{key}.html.gz"), value.get("url", ""),
                 {"body": value.get("articleBody", "")})
            for key, value in sorted(truth.items())]


def metadata_pages(root: Path | None = None) -> list[Page]:
    folder = (root or bench_dir()) / "metadata" / "articles"
    pages = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        pages.append(Page("metadata", path.stem, str(path.with_suffix(".html.gz")),
                          data.get("url", ""),
                          {"title": data.get("title"), "authors": data.get("authors"),
                           "published": data.get("publishing_date"),
                           "body": data.get("body_text", ""),
                           "publisher": data.get("publisher")}))
    return pages


def readability_pages(root: Path | None = None) -> list[Page]:
    """Mozilla Readability's real-site test pages; the expected body keeps captions."""
    folder = (root or bench_dir()) / "readability"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [Page("readability", key, str(folder / "html" / f"{key}.html.gz"),
                 value.get("url") or "",
                 {"title": value.get("title"), "authors": value.get("authors"),
                  "published": value.get("published"), "body": value.get("articleBody", "")})
            for key, value in sorted(truth.items())]


LOADERS = {"extraction": extraction_pages, "metadata": metadata_pages,
           "readability": readability_pages}
