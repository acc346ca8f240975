"""Article extraction: body, metadata and related-article links of one HTML page.

Built like trafilatura: one concern per module (``decode``, ``timelimit``, ``body``,
``metadata``, ``titles``, ``related``, ``pagetype``), every generic selector in
``selectors``, an :class:`ExtractOptions` in and an :class:`ExtractionResult` out.
"""

from crawler.extraction.core import extract
from crawler.extraction.options import ExtractOptions
from crawler.extraction.result import ExtractionResult

__all__ = ["ExtractOptions", "ExtractionResult", "extract"]
