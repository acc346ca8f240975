"""Operations: what happens after a run (notifications, metrics) and the tools around runs.

``afterrun.finish_run`` is called by the runner once the crawl has stopped: the reactor is
no longer running, so nothing here can stall it, and it sees every outcome, including a
crawl that failed before or outside the spider (exit code 1), which a Scrapy extension's
``spider_closed`` never would.
"""
