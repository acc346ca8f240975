"""Extraction in worker processes, so CPU-bound parsing never stalls Scrapy's reactor.

:class:`~crawler.workers.pool.ExtractionPool` keeps one process per worker, each connected to
the crawler by a socket pair that the reactor's event loop reads and writes directly: no
helper threads in the crawler process, so handing a page over costs one pickle and a few
socket calls.  Workers come from a fork server (or ``spawn``): the reactor process is never
forked.

Modules: :mod:`~crawler.workers.pool` (the pool: scheduling, timeouts, crashes, retries),
:mod:`~crawler.workers.handle` (the crawler's end of one worker),
:mod:`~crawler.workers.process` (what runs in a worker, and how workers are made),
:mod:`~crawler.workers.protocol` (the message framing both ends share).
"""
