"""newscrawl: article crawler and ingestion pipeline (Scrapy + trafilatura + MongoDB)."""

__version__ = "0.1.0"
