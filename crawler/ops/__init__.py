"""Operations: what happens after a run (notifications, metrics) and the tools around runs.

``afterrun.finish_run`` is called by the runner once the crawl has stopped (the reactor is
no longer running, so nothing here can stall it).
"""
