"""Extraction benchmark: the scorer (``scoring``), the pages (``datasets``), the runner."""
