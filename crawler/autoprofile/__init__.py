"""Crawling a site from its address alone: discovery, page types, URL shapes, related
blocks, and the profile suggested from what a crawl learned."""
