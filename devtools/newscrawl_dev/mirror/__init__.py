"""Offline mirror of the crawled sites, served over HTTP on loopback for tests and demos.

``MirrorServer`` (in :mod:`newscrawl_dev.mirror.server`) renders a deterministic WordPress site
on request (tagDiv Newspaper theme, or a plain generic theme) and publishes a manifest
of what a perfect crawl must find.
"""
