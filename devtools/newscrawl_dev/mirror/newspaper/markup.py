"""The tagDiv "Newspaper" theme's raw markup: versions, inline CSS and JS, block ids and scripts."""

from __future__ import annotations

import functools
import json
from itertools import count

THEME_VER = "12.6.1"
WP_VER = "6.4.3"
TEMPLATE_ID = 6320


@functools.cache
def inline_style() -> str:
    """The per-block inline CSS tagDiv prints into every page (about 50 KB)."""
    rules = []
    for i in range(1, 520):
        rules.append(
            f".tdi_{i}{{margin-bottom:{i % 37}px!important;padding-top:{i % 11}px}}"
            f"@media (min-width:768px) and (max-width:1018px){{.tdi_{i}{{margin-bottom:"
            f"{(i * 7) % 29}px!important}}}}"
        )
    return "\n".join(rules)


@functools.cache
def inline_script() -> str:
    lines = ["var tdBlocksArray = []; function tdBlock() { this.id = ''; this.block_type = 1; "
             "this.atts = ''; this.td_column_number = ''; this.td_current_page = 1; "
             "this.post_count = 0; this.found_posts = 0; this.max_num_pages = 0; "
             "this.td_filter_value = ''; this.is_ajax_running = false; "
             "this.td_user_action = ''; this.header_color = ''; "
             "this.ajax_pagination_infinite_stop = ''; }"]
    for i in range(120):
        lines.append(f"var tds_setting_{i} = {json.dumps({'k': i, 'v': 'td_val_' + str(i)})};")
    return "\n".join(lines)


class Ids:
    """Sequential ``tdi_NN`` ids, as tagDiv numbers blocks per page."""

    def __init__(self, start: int = 30) -> None:
        self._n = count(start)

    def __call__(self) -> str:
        return f"tdi_{next(self._n)}"


def block_script(uid: str, block_type: str, atts: dict) -> str:
    a = json.dumps(atts, separators=(",", ":")).replace("'", "\\'")
    return (f"<script>var block_{uid} = new tdBlock();\nblock_{uid}.id = \"{uid}\";\n"
            f"block_{uid}.atts = '{a}';\nblock_{uid}.td_column_number = \"1\";\n"
            f"block_{uid}.block_type = \"{block_type}\";\ntdBlocksArray.push(block_{uid});"
            "\n</script>")
