"""Chinese full-text search over the four libraries (the pages' and the API's ``q``).

tokens.py      what text and queries become: jieba words, bigrams, single characters,
               lower-cased Latin/digit runs (the decisions are written there)
segmenter.py   jieba, loaded once per process on first use
indexing.py    filling ``SharedResource.search_title`` / ``search_body``; bulk writes
query.py       ``search`` / ``search_ranked`` (PostgreSQL tsvector + GIN, LIKE elsewhere)
pagination.py  best matches first in the API's cursor pages
operations.py  the migration operation creating the GIN index on PostgreSQL only
"""
