"""The project's settings plus the test-only fault trigger (``SCRAPY_SETTINGS_MODULE``)."""

from crawler.settings import *  # noqa: F403
from crawler.settings import EXTENSIONS as PROJECT_EXTENSIONS

EXTENSIONS = {**PROJECT_EXTENSIONS, "tests.faulthooks.FaultTrigger": 1000}
