"""newscrawl's test bench, shipped apart from the crawler: the offline mirrors of the sites
(``mirror``), the throughput benchmark (``bench``) and the extraction evaluation
(``evaluation``).  Installed by the make targets next to the ``dev`` extra; the
``newscrawl`` CLI shows its commands (``mirror``, ``demo``, ``eval``, ``bench``) only when
it is importable.
"""
