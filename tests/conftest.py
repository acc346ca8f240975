"""Shared fixtures: a real MongoDB-wire server and its databases, the offline mirrors, Redis,
receivers of notifications, all on loopback (each in its plugin module below)."""

from __future__ import annotations

pytest_plugins = ["tests.fixtures_db", "tests.fixtures_mirror", "tests.fixtures_redis",
                  "tests.receivers", "tests.opsruns"]
