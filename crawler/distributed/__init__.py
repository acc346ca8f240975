"""Distributed crawling: many workers share one run through Redis (scrapy-redis)."""
