"""Finding article URLs: sitemaps, feeds, listing pages, dates to compare them by."""
