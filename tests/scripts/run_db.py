"""``newscrawl db ARGS`` through the command module (the full CLI imports every subcommand)."""

from __future__ import annotations

import argparse
import sys

from crawler.commands import db

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="newscrawl db")
    db.add_arguments(parser)
    sys.exit(db.run(parser.parse_args(sys.argv[1:])))
