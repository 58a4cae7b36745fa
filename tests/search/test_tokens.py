"""The tokenizer alone: runs, bigrams, unigrams, Latin and digit runs, and what a query asks."""

import pytest

from apps.search.tokens import (
    MAX_TOKEN_CHARS,
    bigrams,
    document_tokens,
    index_text,
    query_runs,
    query_tokens,
    runs,
)


def test_text_splits_into_cjk_runs_and_lowercased_latin_digit_runs():
    assert runs("5G+工业互联网，AI赋能 GDP增长2024年") == [
        ("word", "5g"),
        ("cjk", "工业互联网"),
        ("word", "ai"),
        ("cjk", "赋能"),
        ("word", "gdp"),
        ("cjk", "增长"),
        ("word", "2024"),
        ("cjk", "年"),
    ]


def test_full_width_letters_and_digits_are_normalised():
    assert runs("ＡＩ与５Ｇ") == [("word", "ai"), ("cjk", "与"), ("word", "5g")]


def test_punctuation_and_spaces_are_never_tokens():
    assert document_tokens("“——”，。！ + - _ ... ") == []
    assert runs("foo_bar") == [("word", "foo"), ("word", "bar")]


def test_bigrams_are_the_neighbouring_pairs_of_a_run():
    assert bigrams("村级工业园区") == ["村级", "级工", "工业", "业园", "园区"]
    assert bigrams("课") == []


def test_a_chinese_run_gives_jieba_words_bigrams_and_single_characters():
    tokens = document_tokens("村级工业园区改造")

    assert {"村级", "工业园区", "工业园", "改造"} <= set(tokens)  # jieba, search mode
    assert {"级工", "业园", "园区", "区改"} <= set(tokens)  # bigrams
    assert {"村", "级", "课"} & set(tokens) == {"村", "级"}  # single characters
    assert len(tokens) == len(set(tokens))  # each once


def test_bigrams_find_what_jieba_cuts_apart():
    # jieba cuts 产业园|区, so without bigrams 园区 would not be a token of this title.
    tokens = document_tokens("石湾陶瓷产业园区")

    assert "园区" in tokens
    assert "产业园" in tokens


def test_bigrams_never_cross_punctuation_or_a_latin_run():
    tokens = document_tokens("工业园，区域 园AI区")

    assert "园区" not in tokens
    assert {"工业", "区域", "ai"} <= set(tokens)


def test_mixed_text_keeps_latin_and_digit_runs_whole_and_lowercased():
    tokens = document_tokens("5G+工业互联网 AI GDP")

    assert {"5g", "ai", "gdp", "工业", "互联网", "联网"} <= set(tokens)
    assert not {"5G", "AI", "GDP", "5", "g", "+"} & set(tokens)


def test_overlong_latin_runs_are_not_indexed():
    long_run = "a" * (MAX_TOKEN_CHARS + 1)

    assert document_tokens(f"{long_run} ok") == ["ok"]
    assert query_runs(long_run) == []


def test_stored_text_is_space_separated_with_a_space_at_each_end():
    stored = index_text("金融赋能", "金融 AI")

    assert stored.startswith(" ") and stored.endswith(" ")
    assert stored.split() == ["金融", "赋能", "融赋", "金", "融", "赋", "能", "ai"]
    assert index_text("", "……") == ""


@pytest.mark.parametrize(
    ("query", "alternatives"),
    [
        ("课", [[("课",)]]),
        ("园区", [[("园区",)]]),
        ("5G", [[("5g",)]]),
        ("gdp", [[("gdp",)]]),
        ("祖庙 集群", [[("祖庙",)], [("集群",)]]),
        ("金融、园区", [[("金融",)], [("园区",)]]),
        # every word is a bigram of the run: the words alone are asked for
        ("工业上楼", [[("工业", "上楼")]]),
        ("改造园区", [[("改造", "园区")]]),
        # otherwise all bigrams, or all the words
        (
            "村级工业园区改造",
            [
                [
                    ("村级", "级工", "工业", "业园", "园区", "区改", "改造"),
                    ("村级", "工业园区", "改造"),
                ]
            ],
        ),
        ("5G工业", [[("5g",)], [("工业",)]]),
        ("园区 园区", [[("园区",)]]),
        ("+++", []),
        ("", []),
    ],
)
def test_a_query_is_runs_that_must_all_match(query, alternatives):
    assert [list(run.alternatives) for run in query_runs(query)] == alternatives


def test_query_tokens_are_every_bigram_and_word_for_ranking():
    assert set(query_tokens("工业上楼 5G")) == {"工业", "业上", "上楼", "5g"}
