"""The jieba segmenter, loaded once per process on first use.

Loading jieba's dictionary costs about a second (from its cache file; more the very first
time, when the cache is built) and some tens of megabytes, so it happens lazily: the first
text indexed or query searched in a process loads it, every later call reuses it.

It is deliberately *not* loaded in ``AppConfig.ready``: that would add the second to every
``manage.py`` command, migration and test worker, most of which never search. A web server
that wants the cost paid before the first request can call ``segmenter()`` itself (e.g. in
a gunicorn ``post_fork`` hook, or before forking with ``preload_app``).

The module keeps its own ``jieba.Tokenizer`` rather than jieba's global one, so that
nothing else in the process (another library's user dictionary) changes how the search
index is built.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None


def segmenter() -> jieba.Tokenizer:
    """The process's one initialised jieba tokenizer."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                import jieba  # importing jieba alone takes a noticeable fraction of a second

                jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict…" chatter
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _segmenter = tokenizer
    return _segmenter


def search_words(text: str) -> list[str]:
    """jieba's search-mode cut (``cut_for_search``): words plus their dictionary sub-words."""
    return list(segmenter().cut_for_search(text))


def words(text: str) -> list[str]:
    """jieba's precise-mode cut: each character belongs to exactly one word."""
    return list(segmenter().cut(text))
