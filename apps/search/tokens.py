"""How text becomes search tokens, for the stored index and for a query alike.

Chinese is written without spaces, so a resource's text is cut into tokens before it is
stored (``SharedResource.search_title`` / ``search_body``) and a query is cut the same way.

Text → runs
    The text is NFKC-normalised (full-width ``ＡＩ５Ｇ`` become ``AI5G``) and lower-cased, then
    split into *runs*: maximal stretches of CJK ideographs, and maximal stretches of other
    letters and digits (Latin and digits in practice: ``5G``, ``AI``, ``GDP``, ``2024``).
    Everything else (spaces, punctuation, ``+``) only separates runs and is never indexed.

Indexed tokens of a document
    * a letter/digit run is one token, lower-cased: ``5G+工业互联网`` → ``5g`` …;
    * a CJK run gives
        - jieba's search-mode words (``cut_for_search``): ``村级 工业 园区 工业园 工业园区 改造``,
        - every pair of neighbouring characters (bigrams): ``村级 级工 工业 业园 园区 区改 改造``,
        - **every single character (unigrams)**: ``村 级 工 业 园 区 改 造``.

    Decision on one-character queries: unigrams are indexed. The alternative, matching a
    one-character query as a prefix of the bigrams (``课:*``), misses the character at the
    end of a run (``上课``, ``党课``) and cannot be done the same way on SQLite. Unigrams
    add at most one token per distinct character of a resource (tokens are stored once
    each), so the index stays small, and ``课`` finds ``课程`` titles exactly.

Query
    A query is split into runs the same way, and **every run must match** (AND); blanks or
    punctuation between words therefore mean "and": ``祖庙 集群``. A run matches when

    * letter/digit run: the document has that token;
    * one CJK character: the document has that character (the unigram);
    * longer CJK run: the document has **all its bigrams**, *or* **all the words** jieba's
      precise mode cuts it into. The bigram alternative never depends on how jieba happened
      to segment the document, so a phrase that occurs in the text is always found
      (``村级工业园区改造`` → ``村级 & 级工 & 工业 & … & 改造``); the word alternative
      (``村级 & 工业园区 & 改造``) also finds the words apart or reordered (``园区改造``
      finds ``园区的更新改造``). When every word is itself one of the bigrams, the words
      alone are asked for, since they match whenever the bigrams do (``工业上楼`` →
      ``工业 & 上楼``).

    Adjacency is not enforced: bigrams that each occur somewhere in the resource match even
    when they are not next to each other. That is the usual price of bigram indexing and
    rarely noticed with two-character tokens.

Latin and digit tokens match whole tokens only (``ai`` does not find ``openai``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .segmenter import search_words, words

# CJK Unified Ideographs (+ extension A), compatibility ideographs, and extensions B–F.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")

MAX_TOKEN_CHARS = 64  # longer letter/digit runs (hashes, pasted URLs) are not indexed
MAX_QUERY_CHARS = 200  # a query is cut to this many characters


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def runs(text: str) -> list[tuple[str, str]]:
    """``(kind, run)`` pairs, kind ``"cjk"`` or ``"word"``, of the normalised text."""
    return _split(normalize(text))


def _split(normalized: str) -> list[tuple[str, str]]:
    return [(match.lastgroup, match.group()) for match in _RUNS.finditer(normalized)]


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _unique(tokens) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if t))


def document_tokens(text: str) -> list[str]:
    """The tokens stored for ``text``: each once, in order of first appearance."""
    tokens: list[str] = []
    for kind, run in runs(text):
        if kind == "word":
            if len(run) <= MAX_TOKEN_CHARS:
                tokens.append(run)
            continue
        tokens.extend(w for w in search_words(run) if w.strip())
        tokens.extend(bigrams(run))
        tokens.extend(run)
    return _unique(tokens)


def index_text(*texts: str) -> str:
    """Tokens of ``texts`` as stored: separated by one space, with a space at each end.

    The outer spaces let a plain ``LIKE '% token %'`` find whole tokens (the SQLite
    fallback); PostgreSQL's ``to_tsvector('simple', …)`` ignores them.
    """
    return join_tokens(token for text in texts for token in document_tokens(text))


def join_tokens(tokens) -> str:
    """Tokens as stored: each once, separated by one space, with a space at each end."""
    unique = _unique(tokens)
    return f" {' '.join(unique)} " if unique else ""


@dataclass(frozen=True)
class QueryRun:
    """One run of a query: it matches when all tokens of any one alternative are present.

    ``tokens`` are all the tokens the run stands for (bigrams and words), used for ranking.
    """

    alternatives: tuple[tuple[str, ...], ...]
    tokens: tuple[str, ...]


def query_runs(query: str, max_chars: int = MAX_QUERY_CHARS) -> list[QueryRun]:
    """The runs of ``query`` that must all match; empty when it has nothing searchable.

    Only the first ``max_chars`` characters of the normalised query count (normalising may
    lengthen text: ``㍿`` is four characters), so a query never costs more than that.
    """
    parsed: list[QueryRun] = []
    for kind, run in _split(normalize(query)[:max_chars]):
        if kind == "word":
            if len(run) <= MAX_TOKEN_CHARS:
                parsed.append(QueryRun(((run,),), (run,)))
        elif len(run) == 1:
            parsed.append(QueryRun(((run,),), (run,)))
        else:
            by_bigrams = tuple(_unique(bigrams(run)))
            by_words = tuple(_unique(w for w in words(run) if w.strip()))
            if set(by_words) <= set(by_bigrams):
                # All the words are bigrams of the run: whenever the bigrams match, so do
                # the words, and the words alone say it (工业上楼 → 工业 & 上楼).
                alternatives = (by_words,)
            else:
                alternatives = (by_bigrams, by_words)
            parsed.append(QueryRun(alternatives, tuple(_unique((*by_bigrams, *by_words)))))
    return list(dict.fromkeys(parsed))


def query_tokens(query: str) -> list[str]:
    """Every token any run of ``query`` may match (used to rank title matches)."""
    return _unique(t for run in query_runs(query) for t in run.tokens)
