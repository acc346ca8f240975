# newscrawl crawler image: `docker compose up` runs it against the `mongo` service.
# Dependencies are pinned by requirements.lock (pip constraints); the build needs network
# access to the package index, the running crawler only to the sites it crawls and MongoDB.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY . .
# The lock may list the working copy itself as an editable line; constraints cannot be editable.
RUN grep -v '^-e ' requirements.lock > /tmp/constraints.txt \
 && python -m venv /opt/newscrawl \
 && /opt/newscrawl/bin/pip install -c /tmp/constraints.txt . \
 && /opt/newscrawl/bin/newscrawl --help > /dev/null

FROM python:3.11-slim
ENV PATH=/opt/newscrawl/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SCRAPY_SETTINGS_MODULE=crawler.settings \
    NEWSCRAWL_JOBS_DIR=/var/lib/newscrawl/jobs \
    NEWSCRAWL_CACHE_DIR=/var/lib/newscrawl/cache
RUN groupadd --system --gid 10001 newscrawl \
 && useradd --system --uid 10001 --gid newscrawl --home-dir /var/lib/newscrawl \
      --create-home --shell /usr/sbin/nologin newscrawl \
 && mkdir -p /var/lib/newscrawl/jobs /var/lib/newscrawl/cache /var/lib/newscrawl/metrics \
 && chown -R newscrawl:newscrawl /var/lib/newscrawl
COPY --from=build /opt/newscrawl /opt/newscrawl
USER newscrawl:newscrawl
WORKDIR /var/lib/newscrawl
# Configured by the environment: MONGO_URI, MONGO_DATABASE, NEWSCRAWL_* (docker-compose.yml).
CMD ["newscrawl", "crawl", "russianstudiesromania"]
