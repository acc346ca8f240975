"""The one rule for a body's length: words, with CJK scripts counted per character.

Used by the extractor (an article needs ``NEWSCRAWL_EXTRACT_MIN_WORDS`` words) and by the
validation pipeline (the same setting), so a page cannot pass one and fail the other.
"""

from __future__ import annotations

import re

# Scripts written without spaces count one word per character.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(rf"[{_CJK}]")


def word_count(text: str) -> int:
    """Whitespace-separated words; in scripts written without spaces, one per character."""
    if not _CJK_CHAR.search(text):
        return len(text.split())
    count = 0
    for token in text.split():
        cjk = len(_CJK_CHAR.findall(token))
        count += cjk + (1 if not cjk or _CJK_CHAR.sub("", token).strip() else 0)
    return count
