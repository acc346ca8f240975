"""``newscrawl report``: one self-contained HTML file of runs, articles and links.

``data.collect`` queries the database (portable queries only: ``find``, ``$match``/``$group``
aggregations, no ``$lookup`` or ``$facet``, see docs/ferretdb.md), ``svg`` draws charts by
hand, ``html.render`` puts them on one page with inline CSS and no script.
"""
