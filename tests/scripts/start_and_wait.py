"""Start a local database server, print its pid and data directory, then wait (its owner)."""

from __future__ import annotations

import time

from crawler.storage.server import resolve_server

if __name__ == "__main__":
    srv = resolve_server(allow_external=False)
    print(srv.pid, srv.data_dir, flush=True)
    time.sleep(120)
