"""Dev subcommands of the ``newscrawl`` CLI, registered through the ``newscrawl.commands``
entry-point group (same contract as ``crawler.commands``)."""
