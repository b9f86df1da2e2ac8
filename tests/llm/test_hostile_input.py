"""Hostile input, generated: whatever items say and whatever the model replies, the prompt keeps
its structure and every plug-in answers in its shape, without raising."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_session_memory.engine.protocols import ScoringItem
from agent_session_memory.engine.scoring import HeuristicScorer
from agent_session_memory.llm import LLMBriefingSummarizer, LLMFactExtractor, LLMScorer, caps
from agent_session_memory.llm.prompts import scoring_prompt

from .samples import BRIEFING

# Text with what injections use: markers, quotes, fences, escapes, controls, bidi, tags.
PIECES = st.sampled_from(
    ["DATA ", ">>>", "<<<", '"', "\\", "```", "\n", "\r", "\x1b[2J", "\x00", "\u202e", "\U000e0041"]
)
HOSTILE = st.lists(st.one_of(st.text(max_size=20), PIECES), max_size=30).map("".join)
REPLIES = st.one_of(
    HOSTILE,
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["scores", "facts", "summary", "x"]), inner, max_size=3
            )
        ),
        max_leaves=12,
    ).map(json.dumps),
    st.integers(min_value=1, max_value=50_000).map(lambda n: "[" * n),
)
CONTROLS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(st.tuples(HOSTILE, HOSTILE), min_size=1, max_size=5))
def test_the_prompt_keeps_its_structure(pairs: list[tuple[str, str]]) -> None:
    items = [ScoringItem(k, c, c, 0, 0) for k, c in pairs]
    prompt = scoring_prompt(items)
    (tag,) = set(re.findall(r"^<<<DATA ([0-9a-f]{16})$", prompt, re.M))
    assert re.findall(r"^DATA [0-9a-f]{16}>>>$", prompt, re.M) == [f"DATA {tag}>>>"]
    data = prompt.split(f"<<<DATA {tag}\n", 1)[1].split(f"\nDATA {tag}>>>", 1)[0]
    assert len(json.loads(data)) == len(items)
    assert not CONTROLS.search(prompt)


@FAST
@given(REPLIES)
def test_any_reply_gives_an_answer_of_the_right_shape(reply: str) -> None:
    items = [ScoringItem("a", 1, "a: 1", 0, 0), ScoringItem("b", 2, "b: 2", 0, 0)]
    scores = LLMScorer(lambda prompt: reply).score(items)
    assert len(scores) == 2 and all(0.0 <= s <= 1.0 for s in scores)
    if scores != HeuristicScorer().score(items):
        assert json.loads(reply) == {"scores": scores}
    facts = LLMFactExtractor(lambda prompt: reply).extract(items[0])
    assert len(facts) <= caps.MAX_FACTS and all(f and not CONTROLS.search(f) for f in facts)
    summary = LLMBriefingSummarizer(lambda prompt: reply).summarize(BRIEFING)
    assert summary and len(summary) <= caps.MAX_SUMMARY_CHARS and not CONTROLS.search(summary)
