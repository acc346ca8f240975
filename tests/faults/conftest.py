"""The fault matrix's selection (short or full) and its table at the end of the session.

``make faults`` runs every row (``pytest -m faults``); ``make test`` runs the rows marked
``faults_short`` (``NEWSCRAWL_FAULTS=short``), the others are deselected.  A plain
``pytest`` (no ``-m``, no ``NEWSCRAWL_FAULTS``) deselects the matrix.  The table goes to
the terminal, and to the file named by ``NEWSCRAWL_FAULT_TABLE`` when set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.faults.matrix import TABLE, render_table

SHORT = os.environ.get("NEWSCRAWL_FAULTS", "full") == "short"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mode = os.environ.get("NEWSCRAWL_FAULTS") or ("full" if config.option.markexpr else "off")
    if mode == "full":
        return
    drop = [i for i in items if i.get_closest_marker("faults")
            and (mode == "off" or not i.get_closest_marker("faults_short"))]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [i for i in items if i not in drop]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TABLE:
        return
    table = render_table()
    terminalreporter.write_sep("=", f"fault matrix ({'short' if SHORT else 'full'})")
    terminalreporter.write_line(table)
    out = os.environ.get("NEWSCRAWL_FAULT_TABLE")
    if out:
        Path(out).write_text(table + "\n", encoding="utf-8")
