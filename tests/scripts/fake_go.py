"""Stands in for the Go toolchain: ``mod download -json`` and ``build -o OUT``.

Run as ``fake_go.py BUILD_LOG MODULE_DIR GO_ARGS...`` by the ``go`` wrapper a test puts on
``PATH``; each build appends ``build VERSION`` to BUILD_LOG.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    log, src, args = argv[0], argv[1], argv[2:]
    if args[:2] == ["mod", "download"]:
        print(json.dumps({"Path": "m", "Version": "v1.24.2", "Dir": src}))
    elif args[0] == "build":
        version = Path("build/version/version.txt").read_text()
        out = Path(args[args.index("-o") + 1])
        time.sleep(0.5)
        out.write_text("#!/bin/sh\necho Version: " + version.strip() + "\n")
        os.chmod(out, 0o755)
        with open(log, "a") as fh:
            fh.write("build " + version)
    else:
        sys.exit("unexpected: " + " ".join(args))


if __name__ == "__main__":
    main(sys.argv[1:])
