"""The benchmark pages in ``bench/extraction`` (see its README)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench" / "extraction"


@dataclass(frozen=True)
class Page:
    dataset: str  # "extraction" | "metadata"
    id: str
    path: str
    url: str
    expected: dict[str, Any]

    def html(self) -> bytes:
        return gzip.decompress(Path(self.path).read_bytes())


def extraction_pages(root: Path = BENCH_DIR) -> list[Page]:
    folder = root / "extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [Page("extraction", key, str(folder / "html" / f"{key}.html.gz"), value.get("url", ""),
                 {"body": value.get("articleBody", "")})
            for key, value in sorted(truth.items())]


def metadata_pages(root: Path = BENCH_DIR) -> list[Page]:
    folder = root / "metadata" / "articles"
    pages = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        pages.append(Page("metadata", path.stem, str(path.with_suffix(".html.gz")),
                          data.get("url", ""),
                          {"title": data.get("title"), "authors": data.get("authors"),
                           "published": data.get("publishing_date"),
                           "body": data.get("body_text", "")}))
    return pages
