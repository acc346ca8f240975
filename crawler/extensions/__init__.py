"""Scrapy extensions of the crawl: run records, the monitor, the progress line."""
