"""Import the shipped entry points with the test bench unimportable; print the commands."""

from __future__ import annotations

import sys

sys.modules["newscrawl_dev"] = None  # type: ignore[assignment]

import crawler.cli  # noqa: E402
import crawler.runner  # noqa: E402
import crawler.workers.pool  # noqa: E402
import pipelines.store  # noqa: E402, F401
import spiders.site  # noqa: E402, F401

print(sorted(crawler.cli.all_commands()))
