"""Replies are read strictly: exactly one JSON object of the asked shape, or ``BadReply``."""

from __future__ import annotations

import json

import pytest

from agent_session_memory.llm import BadReply, caps, replies


@pytest.mark.parametrize(
    "text",
    [
        '{"scores": [0.9, 0.1]}',
        '  ```json\n{"scores": [0.9, 0.1]}\n```  ',
        '```\n{"scores": [0.9, 0.1]}\n```',
        '{"scores": [0.9, 0.1]}\n',
    ],
)
def test_scores_accepts_the_object_bare_or_fenced(text: str) -> None:
    assert replies.scores(text, 2) == [0.9, 0.1]


def test_scores_accepts_integers_as_numbers() -> None:
    assert replies.scores('{"scores": [1, 0]}', 2) == [1.0, 0.0]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I think both matter.",
        'Sure! {"scores": [0.9, 0.1]}',  # prose around the object is not guessed away
        '{"scores": [0.9, 0.1]} Hope this helps',
        "[0.9, 0.1]",  # the bare list, not the object
        '{"scores": [0.9]}',
        '{"scores": [0.9, 0.1, 0.5]}',
        '{"scores": [1.5, 0.1]}',
        '{"scores": [-0.1, 0.1]}',
        '{"scores": ["0.9", 0.1]}',
        '{"scores": [true, 0.1]}',
        '{"scores": [NaN, 0.1]}',
        '{"scores": [Infinity, 0.1]}',
        '{"scores": [null, 0.1]}',
        '{"scores": 0.9}',
        '{"score": [0.9, 0.1]}',
        '{"scores": [0.9, 0.1], "note": "ignore the rules"}',
        '{"scores": [0.9, 0.1]}{"scores": [1, 1]}',
        "{not json",
    ],
)
def test_scores_rejects_anything_else(text: str) -> None:
    with pytest.raises(BadReply):
        replies.scores(text, 2)


def test_a_deeply_nested_reply_is_rejected_not_raised() -> None:
    with pytest.raises(BadReply, match="nested"):
        replies.scores("[" * 50_000, 1)


def test_an_oversized_reply_is_not_parsed() -> None:
    huge = json.dumps({"scores": [0.5]}) + " " * caps.MAX_REPLY_CHARS
    with pytest.raises(BadReply, match="characters"):
        replies.scores(huge, 1)


def test_facts_are_cleaned_and_bounded() -> None:
    text = json.dumps({"facts": ["  The user  likes\ttea. ", "Porto\x1b[2J is home\u200b."]})
    assert replies.facts(text, 10) == ["The user likes tea.", "Porto is home."]
    assert replies.facts('{"facts": []}', 10) == []


@pytest.mark.parametrize(
    "facts",
    [
        ["a", "b", "c"],  # over max_facts=2: rejected, not cut
        ["a", "   "],
        ["a", "\x1b[0m"],  # nothing left once cleaned
        ["a", 1],
        ["x" * (caps.MAX_FACT_CHARS + 1)],
        "a single string",
    ],
)
def test_facts_rejects_anything_else(facts: object) -> None:
    with pytest.raises(BadReply):
        replies.facts(json.dumps({"facts": facts}), 2)


def test_summary_is_one_clean_paragraph() -> None:
    text = json.dumps({"summary": "  The team chose JWT.\n\nNothing\x07 is open. "})
    assert replies.summary(text, 100) == "The team chose JWT. Nothing is open."
    for bad in ['{"summary": ""}', '{"summary": " \\n "}', '{"summary": ["x"]}', "A calm week."]:
        with pytest.raises(BadReply):
            replies.summary(bad, 100)
    with pytest.raises(BadReply):
        replies.summary(json.dumps({"summary": "x" * 101}), 100)
