"""Article extraction: body, metadata and related-article links of one HTML page.

Built like trafilatura: one concern per module (``decode``, ``timelimit``, ``body``,
``metadata``, ``dates``, ``titles``, ``related``, ``pagetype``), every generic selector in
``selectors``, an :class:`ExtractOptions` in and an :class:`ExtractionResult` out.

``extract`` is imported on first use, so the crawler process can use the options and
result types without loading the parsing stack (that runs in the worker processes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.extraction.options import ExtractOptions
from crawler.extraction.result import ExtractionResult

if TYPE_CHECKING:
    from crawler.extraction.core import extract

__all__ = ["ExtractOptions", "ExtractionResult", "extract"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from crawler.extraction.core import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
