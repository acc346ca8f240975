"""The project's settings plus the test-only fault trigger (``SCRAPY_SETTINGS_MODULE``)."""

from crawler.settings import *  # noqa: F403
from crawler.settings import EXTENSIONS as PROJECT_EXTENSIONS
from crawler.settings import SPIDER_MIDDLEWARES as PROJECT_SPIDER_MIDDLEWARES

EXTENSIONS = {**PROJECT_EXTENSIONS, "tests.faulthooks.FaultTrigger": 1000}
SPIDER_MIDDLEWARES = {**PROJECT_SPIDER_MIDDLEWARES, "tests.faulthooks.SeedingHold": 1000}
