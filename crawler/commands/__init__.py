"""Subcommands of the ``newscrawl`` CLI.

Each module defines ``add_arguments(parser)`` and ``run(args) -> int`` and imports its
heavy dependencies inside ``run`` so that ``newscrawl --help`` stays fast.
"""
