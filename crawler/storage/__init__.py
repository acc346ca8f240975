"""MongoDB storage: provisioning a server (``server``), connecting to it (``client``), and
writing articles and links into it.

Production uses the ``mongo`` service of ``docker-compose.yml`` through ``MONGO_URI``; tests
and the demo get a real MongoDB-wire server on loopback from ``server.resolve_server()``.
"""
